import { eq, sql } from 'drizzle-orm';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { getCampaignProgress, pauseCampaign, resumeCampaign } from '@/lib/campaigns';
import { applyDeliveryReports, expireUnreported } from '@/lib/gateway/reports';
import { simulatedFate } from '@/lib/gateway/simulator';
import { startWorker } from '@/lib/jobs/worker';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';
import { pointsPageMismatches } from './fixtures/ledger';

let worker: Runner;
beforeAll(async () => {
  process.env.SIMULATOR_DELAY_SCALE = '0.02';
  worker = await startWorker(4);
});
afterAll(async () => {
  await worker?.stop();
  // Once nothing moves money any more: the points page's entries, every page, add up to each account's balance.
  expect(await pointsPageMismatches()).toEqual([]);
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const numbers = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `+35987${String(2_000_000 + offset + i).padStart(7, '0')}`);
const pendingCount = async (campaignId: string) =>
  db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} in (403, 409, 410, 411)`);

describe('dispatch through the simulated operator', () => {
  it('sends a campaign to the end, each message reaching the fate the simulator gives its number', async () => {
    const { account } = await makeAccount('DispatchA', 100);
    const recipients = numbers(400);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'DispatchA', content: 'Здравейте!', recipients, campaign: { rate: 1000 } }),
    );
    const campaign = await waitFor(
      async () => (await db.select().from(campaigns).where(eq(campaigns.id, campaignId!)))[0],
      (c) => c.status === 'completed',
    );
    expect(campaign.status).toBe('completed');
    const expectedFinal = recipients.filter((n) => simulatedFate(n).final !== null).length;
    await waitFor(() => db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} not in (403, 409, 410, 411)`), (n) => n === expectedFinal);
    // Messages whose report never comes end UNKNOWN after the validity period.
    await expireUnreported(0);
    const rows = await db.select({ recipient: messages.recipient, status: messages.status, sentAt: messages.sentAt, gw: messages.gatewayMessageId }).from(messages).where(eq(messages.campaignId, campaignId!));
    for (const row of rows) {
      expect(row.status).toBe(simulatedFate(row.recipient).final ?? 408);
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.gw).toMatch(/^sim-\d+$/);
    }
    const progress = await getCampaignProgress(account.id, campaignId!);
    expect(progress?.counts[404]).toBeGreaterThan(300);
    expect(await ledgerTotals(account.id)).toEqual({ balance: 100 * 10_000 - 400 * 650, ledgerSum: 100 * 10_000 - 400 * 650 });
  });

  it('pauses before the next batch and resumes where it stopped', async () => {
    const { account } = await makeAccount('DispatchB', 100);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'DispatchB', content: 'Hi', recipients: numbers(1200, 5000), campaign: { rate: 200 } }),
    );
    const sentCount = () => db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} <> 409`);
    await waitFor(sentCount, (n) => n >= 200);
    expect((await pauseCampaign(account.id, campaignId!)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1200));
    const atPause = await sentCount();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sentCount()).toBe(atPause);
    expect(atPause).toBeLessThan(1200);
    expect((await resumeCampaign(account.id, campaignId!)).ok).toBe(true);
    const done = await waitFor(async () => (await db.select().from(campaigns).where(eq(campaigns.id, campaignId!)))[0], (c) => c.status === 'completed', 30_000);
    expect(done.status).toBe('completed');
    expect(await db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} = 409`)).toBe(0);
    await waitFor(() => pendingCount(campaignId!), (n) => n < 60);
  });

  it('delivers a single message to a final status', async () => {
    const { account } = await makeAccount('DispatchC', 10);
    const recipient = numbers(50, 9000).find((n) => simulatedFate(n).final === 404)!;
    const { messageIds } = await submitSend(await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'DispatchC', content: 'Code 1234', recipients: [recipient] }));
    const message = await waitFor(async () => (await db.select().from(messages).where(eq(messages.id, messageIds[0])))[0], (m) => m.status === 404);
    expect(message).toMatchObject({ status: 404, campaignId: null });
    expect(message.doneAt!.getTime()).toBeGreaterThanOrEqual(message.sentAt!.getTime());
  });
});

describe('delivery reports', () => {
  it('never move a final status back, and repeated or out-of-order reports change nothing', async () => {
    const { account } = await makeAccount('ReportsA', 10);
    const { messageIds: [id] } = await submitSend(await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'ReportsA', content: 'x', recipients: ['0888555000'], scheduledAt: new Date(Date.now() + 3_600_000) }));
    const status = async () => (await db.select({ s: messages.status }).from(messages).where(eq(messages.id, id)))[0].s;
    const at = new Date();
    // A report for a message still waiting to be sent is ignored.
    expect(await applyDeliveryReports([{ messageId: id, status: 404, doneAt: at }])).toBe(0);
    await db.execute(sql`update messages set status = 403, sent_at = now() where id = ${id}`);
    expect(await applyDeliveryReports([{ messageId: id, status: 410, doneAt: at }])).toBe(1);
    expect(await applyDeliveryReports([{ messageId: id, status: 410, doneAt: at }])).toBe(0);
    expect(await applyDeliveryReports([{ messageId: id, status: 405, doneAt: at, errorCode: 1 }, { messageId: id, status: 403, doneAt: at }])).toBe(1);
    expect(await status()).toBe(405);
    expect(await applyDeliveryReports([{ messageId: id, status: 403, doneAt: at }])).toBe(0);
    expect(await applyDeliveryReports([{ messageId: id, status: 404, doneAt: at }])).toBe(0);
    expect(await status()).toBe(405);
  });

  it('a late final report replaces the UNKNOWN given when none came in time; nothing else replaces it', async () => {
    const { account } = await makeAccount('LateDlr', 10);
    const { messageIds: [id] } = await submitSend(await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'LateDlr', content: 'x', recipients: ['0888555001'], scheduledAt: new Date(Date.now() + 3_600_000) }));
    const row = async () => (await db.select({ status: messages.status, doneAt: messages.doneAt }).from(messages).where(eq(messages.id, id)))[0];
    await db.execute(sql`update messages set status = 403, sent_at = now() - interval '3 days' where id = ${id}`);
    expect(await expireUnreported(2 * 86_400)).toBeGreaterThanOrEqual(1);
    expect((await row()).status).toBe(408);
    const late = new Date(Date.now() - 60_000);
    // A late non-final report, and a STOP (only ever ours), leave UNKNOWN alone.
    expect(await applyDeliveryReports([{ messageId: id, status: 403, doneAt: late }, { messageId: id, status: 410, doneAt: late }])).toBe(0);
    expect(await applyDeliveryReports([{ messageId: id, status: 412, doneAt: late }])).toBe(0);
    // The late DELIVERED is the answer; after it, the usual rule holds again.
    expect(await applyDeliveryReports([{ messageId: id, status: 404, doneAt: late }])).toBe(1);
    expect(await row()).toEqual({ status: 404, doneAt: late });
    expect(await applyDeliveryReports([{ messageId: id, status: 404, doneAt: new Date() }])).toBe(0);
    expect(await applyDeliveryReports([{ messageId: id, status: 405, doneAt: new Date(), errorCode: 1 }])).toBe(0);
    await expireUnreported(0);
    expect((await row()).status).toBe(404);
  });
});
