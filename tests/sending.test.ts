import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, ledgerEntries, messages } from '@/db/schema';
import { controlCampaign, getCampaignProgress, pauseCampaign, resumeCampaign, stopCampaign } from '@/lib/campaigns';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, SendError, submitSend, type SendInput } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

const jobCount = async () => Number((await db.execute<{ n: string }>(sql`select count(*)::text as n from graphile_worker.jobs`))[0].n);

function input(accountId: number, sender: string, extra: Partial<SendInput> = {}): SendInput {
  return { accountId, userId: null, source: 'api', sender, content: 'Hello', recipients: ['0888123456'], ...extra };
}

async function expectSendError(promise: Promise<unknown>, code: SendError['code']) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SendError);
  expect((error as SendError).code).toBe(code);
  return error as SendError;
}

describe('planning a send', () => {
  it('prices Cyrillic by parts: 70 characters are 1 part, 71 are 2', async () => {
    const { account } = await makeAccount('PlanA');
    const one = await planSend(input(account.id, 'PlanA', { content: 'ж'.repeat(70) }));
    expect(one).toMatchObject({ encoding: 'ucs2', parts: 1, totalPoints: 650 });
    const two = await planSend(input(account.id, 'PlanA', { content: 'ж'.repeat(71) }));
    expect(two).toMatchObject({ encoding: 'ucs2', parts: 2, totalPoints: 1300 });
  });

  it('normalises numbers, counts duplicates and reports each invalid one', async () => {
    const { account } = await makeAccount('PlanB');
    const plan = await planSend(
      input(account.id, 'PlanB', { recipients: ['0888123456', '+359888123456', '00359 888 123 456', '12', '0899111222', '+12025550123'] }),
    );
    expect(plan.valid.map((m) => m.recipient)).toEqual(['+359888123456', '+359899111222', '+12025550123']);
    expect(plan.duplicates).toBe(2);
    expect(plan.invalid).toEqual([{ input: '12', reason: 'invalid' }]);
    expect(plan.totalPoints).toBe(650 + 650 + 700);
  });

  it('refuses bad requests with their own codes', async () => {
    const { account } = await makeAccount('PlanC');
    await expectSendError(planSend(input(account.id, 'PlanC', { content: '   ' })), 'empty_message');
    await expectSendError(planSend(input(account.id, 'PlanC', { content: 'a'.repeat(161), maxParts: 1 })), 'message_too_long');
    await expectSendError(planSend(input(account.id, 'NotMine')), 'sender_not_allowed');
    const noNumbers = await expectSendError(planSend(input(account.id, 'PlanC', { recipients: ['abc', '123'] })), 'no_valid_numbers');
    expect(noNumbers.invalid.map((i) => i.input)).toEqual(['abc', '123']);
    await expectSendError(planSend(input(account.id, 'PlanC', { recipients: ['0888123456', '0888123457'], idx: ['a'] })), 'idx_count_mismatch');
  });
});

describe('submitting a send', () => {
  it('stores, debits and queues in one transaction', async () => {
    const { account } = await makeAccount('SubmitA', 1);
    const jobsBefore = await jobCount();
    const result = await submitSend(await planSend(input(account.id, 'SubmitA', { recipients: ['0888000001', '0888000002'], idx: ['x1', 'x2'] })));
    expect(result.messageIds).toHaveLength(2);
    expect(result.campaignId).toBeNull();
    const stored = await db.select().from(messages).where(eq(messages.accountId, account.id)).orderBy(messages.id);
    expect(stored.map((m) => [m.recipient, m.status, m.idx, m.points, m.source])).toEqual([
      ['+359888000001', 409, 'x1', 650, 'api'],
      ['+359888000002', 409, 'x2', 650, 'api'],
    ]);
    expect(await ledgerTotals(account.id)).toEqual({ balance: 10_000 - 1300, ledgerSum: 10_000 - 1300 });
    expect(await jobCount()).toBe(jobsBefore + 1);
  });

  it('refuses a send that cannot be paid, whole, creating nothing', async () => {
    const { account } = await makeAccount('SubmitB', 0);
    const jobsBefore = await jobCount();
    await expectSendError(submitSend(await planSend(input(account.id, 'SubmitB'))), 'insufficient_points');
    await expectSendError(
      submitSend(await planSend(input(account.id, 'SubmitB', { recipients: ['0888000001', '0888000002'], campaign: {} }))),
      'insufficient_points',
    );
    expect(await db.$count(messages, eq(messages.accountId, account.id))).toBe(0);
    expect(await db.$count(campaigns, eq(campaigns.accountId, account.id))).toBe(0);
    expect(await jobCount()).toBe(jobsBefore);
    expect(await ledgerTotals(account.id)).toEqual({ balance: 0, ledgerSum: 0 });
  });
});

async function makeCampaign(name: string, recipients: number, points = 100) {
  const { account, user } = await makeAccount(name, points);
  const numbers = Array.from({ length: recipients }, (_, i) => `+35988${String(1_000_000 + i).padStart(7, '0')}`);
  const result = await submitSend(await planSend(input(account.id, name, { recipients: numbers, source: 'portal', campaign: { rate: 10 } })));
  return { account, user, campaignId: result.campaignId! };
}

describe('campaign control', () => {
  it('pauses, resumes and stops only from the states where that applies', async () => {
    const { account, campaignId } = await makeCampaign('ControlA', 5);
    expect(await resumeCampaign(account.id, campaignId)).toEqual({ ok: false, reason: 'invalid_state', status: 'sending' });
    expect(await pauseCampaign(account.id, campaignId)).toMatchObject({ ok: true, status: 'paused' });
    expect(await pauseCampaign(account.id, campaignId)).toMatchObject({ ok: false, reason: 'invalid_state' });
    expect(await resumeCampaign(account.id, campaignId)).toMatchObject({ ok: true, status: 'sending' });
    expect(await stopCampaign(account.id, campaignId)).toMatchObject({ ok: true, status: 'stopped', refunded: 5 * 650 });
    expect(await resumeCampaign(account.id, campaignId)).toMatchObject({ ok: false, status: 'stopped' });
  });

  it('treats another account’s campaign as not found and changes nothing', async () => {
    const { campaignId } = await makeCampaign('ControlB', 3);
    const other = await makeAccount('ControlC');
    for (const action of ['pause', 'resume', 'stop'] as const) {
      expect(await controlCampaign(action, other.account.id, campaignId, null)).toEqual({ ok: false, reason: 'not_found' });
    }
    expect(await controlCampaign('stop', other.account.id, 'not-a-uuid', null)).toEqual({ ok: false, reason: 'not_found' });
    expect(await getCampaignProgress(other.account.id, campaignId)).toBeNull();
    const [row] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(row.status).toBe('sending');
    expect(await db.$count(ledgerEntries, sql`${ledgerEntries.campaignId} = ${campaignId} and ${ledgerEntries.kind} = 'refund'`)).toBe(0);
  });

  it('refunds exactly once under 50 concurrent stop/pause/resume calls', async () => {
    const { account, campaignId } = await makeCampaign('ControlD', 300);
    // Some messages were already handed to the gateway: those are not refunded.
    await db.execute(sql`update messages set status = 403, sent_at = now() where id in (
      select id from messages where campaign_id = ${campaignId} order by id limit 120)`);
    const actions = Array.from({ length: 50 }, (_, i) => (['stop', 'pause', 'resume'] as const)[i % 3]);
    const results = await Promise.all(actions.map((action) => controlCampaign(action, account.id, campaignId, null)));
    const stops = results.filter((r) => r.ok && r.status === 'stopped');
    expect(stops).toHaveLength(1);

    const refunds = await db.select().from(ledgerEntries).where(sql`${ledgerEntries.accountId} = ${account.id} and ${ledgerEntries.kind} = 'refund'`);
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toBe(180 * 650);
    expect(stops[0]).toMatchObject({ refunded: 180 * 650 });
    const counts = await db.execute<{ status: number; n: number }>(
      sql`select status, count(*)::int as n from messages where campaign_id = ${campaignId} group by status order by status`,
    );
    expect(counts.map((c) => [c.status, c.n])).toEqual([[403, 120], [412, 180]]);
    expect(await ledgerTotals(account.id)).toEqual({ balance: 100 * 10_000 - 120 * 650, ledgerSum: 100 * 10_000 - 120 * 650 });
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(campaign).toMatchObject({ status: 'stopped', pointsRefunded: 180 * 650 });
  });
});

describe('campaign counters', () => {
  it('match a full count of the campaign’s messages after every kind of change', async () => {
    const { account, campaignId } = await makeCampaign('CountersA', 50);
    const actual = async () =>
      Object.fromEntries(
        (await db.execute<{ status: number; n: number }>(sql`select status, count(*)::int as n from messages where campaign_id = ${campaignId} group by status`)).map((r) => [r.status, r.n]),
      );
    const counted = async () => (await getCampaignProgress(account.id, campaignId))!.counts;
    expect(await counted()).toEqual({ 409: 50 });
    await db.execute(sql`update messages set status = 403 where id in (select id from messages where campaign_id = ${campaignId} order by id limit 20)`);
    await db.execute(sql`update messages set status = 404 where id in (select id from messages where campaign_id = ${campaignId} and status = 403 limit 7)`);
    await db.execute(sql`update messages set gateway_message_id = 'x' where campaign_id = ${campaignId}`);
    expect(await counted()).toEqual(await actual());
    await stopCampaign(account.id, campaignId);
    expect(await counted()).toEqual({ 403: 13, 404: 7, 412: 30 });
    expect(await counted()).toEqual(await actual());
    expect((await getCampaignProgress(account.id, campaignId))!.refundableUnits).toBe(0);
  });
});
