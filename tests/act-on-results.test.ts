import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { createUser } from '@/lib/accounts';
import { audienceNumbers, AUDIENCE_SEGMENTS } from '@/lib/campaigns/audiences';
import { dispatchCampaign, dispatchMessages } from '@/lib/campaigns/dispatch';
import { applyGuard } from '@/lib/campaigns/guard';
import { mailGuardTrip } from '@/lib/campaigns/guard-mail';
import { pauseCampaign, resumeCampaign, stopCampaign } from '@/lib/campaigns';
import { previewResend, resendCampaign } from '@/lib/campaigns/resend';
import { optOutNumbers, removeOptOuts } from '@/lib/contacts/opt-outs';
import { listSuppressed, releaseSuppressed, setSuppressAfter, suppressedAmong } from '@/lib/contacts/suppressions';
import { AppError } from '@/lib/errors';
import { applyDeliveryReports, expireUnreported } from '@/lib/gateway/reports';
import { simulatedFate } from '@/lib/gateway/simulator';
import type { DeliveryReport, Gateway, OutgoingMessage, SendOutcome } from '@/lib/gateway/types';
import { failureReason } from '@/lib/insights/errors';
import { ledgerTotals } from '@/lib/ledger';
import { POINT_UNITS } from '@/lib/messaging';
import { planSend, SendError, submitSend } from '@/lib/messaging/send';
import { makeAccount, PASSWORD } from './fixtures/accounts';
import { ledgerInvariant, pointsPageMismatches } from './fixtures/ledger';

// Acting on a campaign's results: resending to its temporary failures, suppressing dead numbers,
// the failure guard that pauses a campaign going wrong, and audiences made of a campaign's
// results. Real database, no worker: dispatch runs here, through fake gateways, and the delivery
// reports are applied by hand.

afterAll(async () => {
  // Once nothing moves money any more: every account's balance is the sum of its entries.
  expect((await ledgerInvariant()).mismatches).toEqual([]);
  expect(await pointsPageMismatches()).toEqual([]);
});

const BG_PRICE = 650;
const ACTOR = { userId: null, ip: null };

/** E.164 Bulgarian numbers: prefix '87' / '88' / '89' and 7 digits. */
const bg = (prefix: '87' | '88' | '89' | '98' | '99', n: number) => `+359${prefix}${String(n).padStart(7, '0')}`;

/** What the operator does with one message of a campaign built by runCampaign. */
type Fate =
  | { report: number; code?: number | null } // accepted, then this final report
  | { refuse: 406 | 407; code: number | null } // refused by the gateway at submit
  | { none: true }; // accepted, no report ever

const accepted = (m: OutgoingMessage): SendOutcome => ({ id: m.id, accepted: true, gatewayMessageId: `g${m.id}` });

/** A gateway that refuses what the fates say and accepts the rest. */
function fatedGateway(fates: Map<string, Fate>): Gateway {
  return {
    name: 'simulator',
    send: async (batch) =>
      batch.map((m) => {
        const fate = fates.get(m.recipient)!;
        return 'refuse' in fate ? { id: m.id, accepted: false, status: fate.refuse, errorCode: fate.code } : accepted(m);
      }),
  };
}

async function campaignMessages(campaignId: string) {
  return db.execute<{ id: string; recipient: string; status: number; error_code: number | null }>(
    sql`select id, recipient, status, error_code from messages where campaign_id = ${campaignId} order by id`,
  );
}

/** Sends a campaign to the fates' numbers, claims it all, then applies the fates' reports. */
async function runCampaign(accountId: number, sender: string, content: string, fates: Map<string, Fate>): Promise<string> {
  const { campaignId } = await submitSend(
    await planSend({ accountId, userId: null, source: 'portal', sender, content, recipients: [...fates.keys()], campaign: { rate: 1000 } }),
  );
  expect(await dispatchCampaign(campaignId!, fatedGateway(fates))).toBe('completed');
  const reports: DeliveryReport[] = [];
  for (const m of await campaignMessages(campaignId!)) {
    const fate = fates.get(m.recipient)!;
    if ('report' in fate) reports.push({ messageId: Number(m.id), status: fate.report as DeliveryReport['status'], doneAt: new Date(), errorCode: fate.code ?? null });
  }
  await applyDeliveryReports(reports);
  return campaignId!;
}

const count = async (query: ReturnType<typeof sql>) => (await db.execute<{ n: number }>(sql`select count(*)::int as n from (${query}) q`))[0].n;

const campaignRow = async (id: string) =>
  (
    await db.execute<{
      status: string;
      recipients: number;
      points: string;
      follows_campaign_id: string | null;
      skipped_opted_out: number;
      skipped_suppressed: number;
      sender_name: string;
      content: string;
      rate: number;
      guard_failure_percent: number | null;
      guard_window: number;
      guard_recent: string;
      guard_tripped_at: string | null;
      guard_failed: number | null;
      guard_reports: number | null;
    }>(sql`select *, to_char(guard_tripped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as guard_tripped_at from campaigns where id = ${id}`)
  )[0];

/** What the tests count of money and rows, to prove a refusal wrote nothing. */
const footprint = async (accountId: number) => ({
  campaigns: await count(sql`select 1 from campaigns where account_id = ${accountId}`),
  messages: await count(sql`select 1 from messages where account_id = ${accountId}`),
  entries: await count(sql`select 1 from ledger_entries where account_id = ${accountId}`),
  audit: await count(sql`select 1 from audit_events where account_id = ${accountId}`),
  ledger: await ledgerTotals(accountId),
});

async function expectAppError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

/**
 * The resend audience as this test understands it, written apart from lib/campaigns/audiences.ts:
 * final failures whose error code (when the code table knows it) is temporary, or, without a known
 * code, whose status is EXPIRED, UNDELIVERED or UNKNOWN; less the account's opted-out and
 * suppressed numbers.
 */
async function expectedResend(accountId: number, campaignId: string): Promise<string[]> {
  const rows = await db.execute<{ recipient: string }>(sql`
    select distinct m.recipient
      from messages m
     where m.campaign_id = ${campaignId} and m.account_id = ${accountId}
       and m.status in (401, 402, 405, 406, 407, 408)
       and case when m.error_code in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 20, 27, 32, 33, 57)
                then m.error_code in (1, 4, 5, 6, 10)
                else m.status in (402, 405, 408) end
       and not exists (select 1 from opt_outs o where o.account_id = m.account_id and o.phone = m.recipient)
       and not exists (select 1 from number_failures f where f.account_id = m.account_id and f.phone = m.recipient and f.suppressed_at is not null)
     order by 1`);
  return rows.map((r) => r.recipient);
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('resend to those who did not get it', () => {
  it('the audience is exactly the temporary failures less opted-out and suppressed numbers, priced per part', async () => {
    const { account, user } = await makeAccount('Resend', 100);
    const { account: other } = await makeAccount('ResendOther', 10);
    const P = (i: number) => bg('88', 3_100_000 + i);
    // 2 parts in GSM-7: the follow-up costs two parts per number.
    const content = 'Your parcel could not be handed over today. We will try again tomorrow between 9:00 and 18:00; reply STOP to opt out of these notices. Thank you for your patience and see you soon!';
    expect(content.length).toBeGreaterThan(160);
    const fates = new Map<string, Fate>([
      [P(0), { report: 404 }],
      [P(1), { report: 404 }],
      [P(2), { report: 404 }], // opted out afterwards: not in the audience anyway
      [P(3), { report: 404 }],
      [P(4), { report: 404, code: 1 }], // delivered, with an error code in its report: delivered is delivered
      [P(5), { report: 405, code: 1 }], // absent subscriber
      [P(6), { report: 405, code: 1 }],
      [P(7), { report: 405, code: 1 }], // opted out afterwards
      [P(8), { report: 405, code: 1 }], // suppressed afterwards
      [P(9), { report: 405, code: 2 }], // not in service: permanent
      [P(10), { report: 405, code: 2 }],
      [P(11), { report: 405, code: 3 }], // barred: permanent
      [P(12), { report: 405 }], // undelivered, no reason: temporary
      [P(13), { report: 405 }],
      [P(14), { report: 405, code: 99 }], // a code nobody knows: by its status, temporary
      [P(15), { report: 405, code: 6 }], // network failure
      [P(16), { report: 402 }], // expired
      [P(17), { report: 402 }],
      [P(18), { report: 402, code: 10 }],
      [P(19), { none: true }], // UNKNOWN after the validity period
      [P(20), { none: true }],
      [P(21), { none: true }], // opted out afterwards
      [P(22), { report: 407, code: 9 }], // sender not accepted: ours to change
      [P(23), { report: 407, code: 9 }],
      [P(24), { report: 407, code: 1 }], // rejected, but for an absent subscriber: the code decides
      [P(25), { refuse: 406, code: 8 }], // the platform's error
      [P(26), { refuse: 407, code: 13 }], // invalid number at submit: permanent
      [P(27), { report: 405, code: 7 }], // spam filter: content
      [P(28), { report: 401 }], // not found: request
      [P(29), { report: 405, code: 4 }], // memory full; a run of failures, not suppressed
      [P(30), { report: 406 }], // failed: request
    ]);
    const origin = await runCampaign(account.id, 'Resend', content, fates);
    expect(await expireUnreported(0)).toBeGreaterThanOrEqual(3);
    // Another campaign of the account with temporary failures of its own: not this one's audience.
    const elsewhere = await runCampaign(account.id, 'Resend', 'Other', new Map<string, Fate>([[P(50), { report: 405, code: 1 }]]));
    expect(elsewhere).not.toBe(origin);

    await optOutNumbers(account.id, [P(2), P(7), P(21)], { reason: 'asked', source: 'portal', userId: user.id });
    await db.execute(sql`
      insert into number_failures (account_id, phone, failures, status, error_code, suppressed_at)
      values (${account.id}, ${P(8)}, 3, 405, 2, now()), (${account.id}, ${P(29)}, 1, 405, 2, null),
             (${other.id}, ${P(5)}, 3, 405, 2, now())`);
    // Another account's opt-out of one of these numbers changes nothing here.
    await optOutNumbers(other.id, [P(6)], { reason: 'asked', source: 'portal', userId: null });

    const statuses = new Map((await campaignMessages(origin)).map((m) => [m.recipient, m]));
    expect(statuses.get(P(19))!.status).toBe(408);
    expect(statuses.get(P(25))!.status).toBe(406);
    expect(statuses.get(P(26))!.status).toBe(407);

    const expected = await expectedResend(account.id, origin);
    // The SQL agrees with the code table (failureReason) message by message, and with the fates above.
    const temporary = [...statuses.values()].filter((m) => failureReason(m.status, m.error_code)?.kind === 'temporary').map((m) => m.recipient);
    expect(expected).toEqual(sorted(temporary.filter((p) => ![P(7), P(8), P(21)].includes(p))));
    expect(expected).toEqual(sorted([5, 6, 12, 13, 14, 15, 16, 17, 18, 19, 20, 24, 29].map(P)));

    const preview = await previewResend(account.id, origin);
    expect(preview.recipients).toBe(expected.length);
    expect(preview.parts).toBe(2);
    const [{ units }] = await db.execute<{ units: string }>(sql`
      select coalesce(sum(p.units_per_part * m.parts), 0)::text as units
        from messages m join prices p on p.country = m.country
       where m.campaign_id = ${origin} and m.recipient = any(${`{${expected.join(',')}}`}::text[])`);
    expect(preview.points).toBe(Number(units));
    expect(preview.points).toBe(expected.length * 2 * BG_PRICE);
    expect(preview).toMatchObject({ sender: 'Resend', content, followUp: null });
    expect(preview.breakdown).toEqual({
      resendable: expected.length,
      delivered: 5,
      permanent: 10, // the other failures: 9, 10, 11, 22, 23, 25, 26, 27, 28, 30
      awaiting: 0,
      stopped: 0,
      optedOut: 2,
      suppressed: 1,
    });
    // Edited to one part, it costs one part per number.
    const shorter = await previewResend(account.id, origin, { content: 'We will try again tomorrow.' });
    expect(shorter).toMatchObject({ recipients: expected.length, parts: 1, points: expected.length * BG_PRICE, content: 'We will try again tomorrow.' });

    const before = await ledgerTotals(account.id);
    const result = await resendCampaign(account.id, origin, { userId: user.id, ip: '203.0.113.9' });
    expect(result).toMatchObject({ created: true, recipients: expected.length, points: preview.points });
    const followUp = await campaignRow(result.campaignId);
    expect(followUp).toMatchObject({
      status: 'sending',
      follows_campaign_id: origin,
      recipients: expected.length,
      points: String(preview.points),
      skipped_opted_out: 2,
      skipped_suppressed: 1,
      sender_name: 'Resend',
      content,
      rate: 1000,
    });
    const sent = await campaignMessages(result.campaignId);
    expect(sorted(sent.map((m) => m.recipient))).toEqual(expected);
    expect(sent.every((m) => m.status === 409)).toBe(true);
    const entries = await db.execute<{ kind: string; amount: string }>(
      sql`select kind::text, amount::text from ledger_entries where campaign_id = ${result.campaignId}`,
    );
    expect(entries).toEqual([{ kind: 'debit', amount: String(-preview.points) }]);
    expect(await ledgerTotals(account.id)).toEqual({ balance: before.balance - preview.points, ledgerSum: before.balance - preview.points });
    expect(await count(sql`select 1 from audit_events where action = 'campaign.resend' and target_id = ${origin}`)).toBe(1);
    expect((await previewResend(account.id, origin)).followUp).toEqual({ id: result.campaignId });
    // Another account cannot even see the campaign.
    await expectAppError(previewResend(other.id, origin), 'campaign_not_found');
    await expectAppError(resendCampaign(other.id, origin, ACTOR), 'campaign_not_found');
  });

  it('twenty presses at once make one follow-up, charged once', async () => {
    const { account, user } = await makeAccount('ResendRace', 50);
    const P = (i: number) => bg('87', 3_200_000 + i);
    const fates = new Map<string, Fate>();
    for (let i = 0; i < 30; i++) fates.set(P(i), i % 3 === 0 ? { report: 405, code: 1 } : i % 3 === 1 ? { report: 404 } : { report: 402, code: 10 });
    const origin = await runCampaign(account.id, 'ResendRace', 'Hello again', fates);
    const expected = await expectedResend(account.id, origin);
    expect(expected).toHaveLength(20);
    const before = await ledgerTotals(account.id);

    const results = await Promise.all(Array.from({ length: 20 }, () => resendCampaign(account.id, origin, { userId: user.id, ip: null })));
    const ids = new Set(results.map((r) => r.campaignId));
    expect(ids.size).toBe(1);
    const [followUpId] = ids;
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.recipients === 20 && r.points === 20 * BG_PRICE)).toBe(true);

    const followUps = await db.execute<{ id: string }>(sql`select id from campaigns where follows_campaign_id = ${origin}`);
    expect(followUps.map((r) => r.id)).toEqual([followUpId]);
    expect(await count(sql`select 1 from ledger_entries where campaign_id = ${followUpId}`)).toBe(1);
    expect(await count(sql`select 1 from ledger_entries where account_id = ${account.id} and kind = 'debit' and created_at > now() - interval '1 hour'`)).toBe(2);
    expect(await count(sql`select 1 from messages where campaign_id = ${followUpId}`)).toBe(20);
    expect(await count(sql`select 1 from audit_events where action = 'campaign.resend' and target_id = ${origin}`)).toBe(1);
    const after = await ledgerTotals(account.id);
    expect(after.balance).toBe(after.ledgerSum);
    expect(after.balance).toBe(before.balance - 20 * BG_PRICE);

    const again = await resendCampaign(account.id, origin, ACTOR);
    expect(again).toEqual({ campaignId: followUpId, created: false, recipients: 20, points: 20 * BG_PRICE });
    expect(await ledgerTotals(account.id)).toEqual(after);
    // The follow-up's own results could be resent later: it is an origin too, once finished.
    await expectAppError(resendCampaign(account.id, followUpId!, ACTOR), 'resend_not_finished');
  });

  it('refuses a campaign still sending, and one with nobody left, writing nothing', async () => {
    const { account } = await makeAccount('ResendNo', 50);
    const P = (i: number) => bg('89', 3_300_000 + i);

    // Still sending: submitted, not yet dispatched.
    const { campaignId: sending } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'ResendNo', content: 'Hi', recipients: [P(0), P(1)], campaign: { rate: 100 } }),
    );
    let before = await footprint(account.id);
    await expectAppError(resendCampaign(account.id, sending!, ACTOR), 'resend_not_finished');
    expect(await footprint(account.id)).toEqual(before);
    // Paused is not finished either.
    expect((await pauseCampaign(account.id, sending!)).ok).toBe(true);
    before = await footprint(account.id);
    await expectAppError(resendCampaign(account.id, sending!, ACTOR), 'resend_not_finished');
    expect(await footprint(account.id)).toEqual(before);

    // Finished, all delivered or permanently failed.
    const done = await runCampaign(
      account.id,
      'ResendNo',
      'Hi',
      new Map<string, Fate>([
        [P(10), { report: 404 }],
        [P(11), { report: 405, code: 2 }],
        [P(12), { report: 407, code: 9 }],
      ]),
    );
    before = await footprint(account.id);
    expect((await previewResend(account.id, done)).recipients).toBe(0);
    await expectAppError(resendCampaign(account.id, done, ACTOR), 'nothing_to_resend');
    expect(await footprint(account.id)).toEqual(before);

    // Finished, its only temporary failures opted out since.
    const optedOut = await runCampaign(
      account.id,
      'ResendNo',
      'Hi',
      new Map<string, Fate>([
        [P(20), { report: 404 }],
        [P(21), { report: 405, code: 1 }],
      ]),
    );
    await optOutNumbers(account.id, [P(21)], { reason: '', source: 'portal', userId: null });
    before = await footprint(account.id);
    const preview = await previewResend(account.id, optedOut);
    expect(preview).toMatchObject({ recipients: 0, points: 0 });
    expect(preview.breakdown).toMatchObject({ resendable: 0, optedOut: 1, delivered: 1 });
    await expectAppError(resendCampaign(account.id, optedOut, ACTOR), 'nothing_to_resend');
    expect(await footprint(account.id)).toEqual(before);
    expect(await count(sql`select 1 from campaigns where follows_campaign_id in (${sending}, ${done}, ${optedOut})`)).toBe(0);
    // A stopped campaign may be resent (its stopped messages never are).
    expect((await stopCampaign(account.id, sending!)).ok).toBe(true);
    expect((await previewResend(account.id, sending!)).breakdown).toMatchObject({ stopped: 2, resendable: 0 });
    await expectAppError(resendCampaign(account.id, sending!, ACTOR), 'nothing_to_resend');
  });
});

describe('suppressing dead numbers', () => {
  /** One single message to `phone`, handed over, then given the fate. Returns its id. */
  async function sendOnce(accountId: number, sender: string, phone: string, fate: Fate, report = true): Promise<number> {
    const { messageIds } = await submitSend(await planSend({ accountId, userId: null, source: 'api', sender, content: 'ping', recipients: [phone] }));
    const [id] = messageIds;
    expect(await dispatchMessages([id], fatedGateway(new Map([[phone, fate]])))).toBe(1);
    if (report && 'report' in fate) {
      await applyDeliveryReports([{ messageId: id, status: fate.report as DeliveryReport['status'], doneAt: new Date(), errorCode: fate.code ?? null }]);
    }
    return id;
  }

  const failureRow = async (accountId: number, phone: string) =>
    (
      await db.execute<{ failures: number; suppressed: boolean; status: number; error_code: number | null; last_message_id: string }>(
        sql`select failures, suppressed_at is not null as suppressed, status, error_code, last_message_id from number_failures where account_id = ${accountId} and phone = ${phone}`,
      )
    )[0] ?? null;

  const UNKNOWN_SUBSCRIBER: Fate = { report: 405, code: 2 };

  it('suppresses after three permanent failures in a row, skips it free of charge, and lets it go on release', async () => {
    const { account, user } = await makeAccount('Suppress', 50);
    const { account: other } = await makeAccount('SuppressOt', 10);
    const X = bg('88', 3_400_000);
    const Y = bg('88', 3_400_001);

    await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 1, suppressed: false });
    // Refused at submit as an invalid number: a permanent failure too.
    await sendOnce(account.id, 'Suppress', X, { refuse: 407, code: 13 });
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 2, suppressed: false, status: 407, error_code: 13 });
    // Delivered in between: the run starts over.
    await sendOnce(account.id, 'Suppress', X, { report: 404 });
    expect(await failureRow(account.id, X)).toBeNull();
    await sendOnce(account.id, 'Suppress', X, { report: 405, code: 3 });
    await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 2, suppressed: false });
    // A temporary failure is not "permanent failure" either: the run starts over again.
    await sendOnce(account.id, 'Suppress', X, { report: 405, code: 1 });
    expect(await failureRow(account.id, X)).toBeNull();

    // One more message handed over now, its report coming only after the number is suppressed.
    const late = await sendOnce(account.id, 'Suppress', X, { report: 404 }, false);
    await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 2, suppressed: false });
    const third = await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 3, suppressed: true, status: 405, error_code: 2, last_message_id: String(third) });
    expect(await suppressedAmong(account.id, [X, Y])).toEqual(new Set([X]));
    expect((await listSuppressed(account.id, { limit: 10 })).rows.map((r) => r.phone)).toEqual([X]);
    // A report that comes late does not lift the suppression: only a person does.
    await applyDeliveryReports([{ messageId: late, status: 404, doneAt: new Date() }]);
    expect(await failureRow(account.id, X)).toMatchObject({ suppressed: true });

    // A campaign to it and another number skips it and charges nothing for it.
    const plan = await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'Suppress', content: 'Sale', recipients: [X, Y], campaign: { rate: 100 } });
    expect(plan.valid.map((m) => m.recipient)).toEqual([Y]);
    expect(plan.skipped).toEqual([{ input: X, recipient: X, reason: 'suppressed' }]);
    expect(plan.totalPoints).toBe(BG_PRICE);
    const before = await ledgerTotals(account.id);
    const { campaignId } = await submitSend(plan);
    expect(await campaignRow(campaignId!)).toMatchObject({ recipients: 1, skipped_suppressed: 1, skipped_opted_out: 0, points: String(BG_PRICE) });
    expect((await campaignMessages(campaignId!)).map((m) => m.recipient)).toEqual([Y]);
    expect(await ledgerTotals(account.id)).toEqual({ balance: before.balance - BG_PRICE, ledgerSum: before.balance - BG_PRICE });
    // Alone, it is refused whole, and nothing is written.
    const footprintBefore = await footprint(account.id);
    const refused = await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'Suppress', content: 'x', recipients: [X] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect((refused as SendError).code).toBe('all_suppressed');
    expect((refused as SendError).skipped).toEqual([{ input: X, recipient: X, reason: 'suppressed' }]);
    expect(await footprint(account.id)).toEqual(footprintBefore);
    // Opted out as well: the opt-out is the reason given.
    await optOutNumbers(account.id, [X], { reason: '', source: 'portal', userId: null });
    expect((await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'Suppress', content: 'x', recipients: [X, Y] })).skipped).toEqual([
      { input: X, recipient: X, reason: 'opted_out' },
    ]);
    expect(await removeOptOuts(account.id, [X])).toBe(1);
    // Suppressed for this account only.
    expect((await planSend({ accountId: other.id, userId: null, source: 'api', sender: 'SuppressOt', content: 'x', recipients: [X] })).valid).toHaveLength(1);

    // Released by hand, it is sent to again, and its run starts from nothing.
    await releaseSuppressed(account.id, X, { userId: user.id, ip: null });
    expect(await failureRow(account.id, X)).toBeNull();
    expect(await count(sql`select 1 from audit_events where account_id = ${account.id} and action = 'number.release' and details->>'phone' = ${X}`)).toBe(1);
    await expectAppError(releaseSuppressed(account.id, X, ACTOR), 'not_found');
    const again = await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'Suppress', content: 'Sale', recipients: [X, Y], campaign: {} });
    expect(again.valid.map((m) => m.recipient)).toEqual([X, Y]);
    expect(again.skipped).toEqual([]);
    await sendOnce(account.id, 'Suppress', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 1, suppressed: false });
  });

  it('the account setting changes the threshold, or turns suppression off', async () => {
    const { account, user } = await makeAccount('SuppressSet', 50);
    const X = bg('89', 3_500_000);
    const Z = bg('89', 3_500_001);
    const actor = { userId: user.id, ip: null };

    await setSuppressAfter(account.id, 1, actor);
    await sendOnce(account.id, 'SuppressSet', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 1, suppressed: true });

    // A run already under way is judged by the new setting at its next failure.
    await setSuppressAfter(account.id, 5, actor);
    for (let i = 1; i <= 4; i++) {
      await sendOnce(account.id, 'SuppressSet', Z, UNKNOWN_SUBSCRIBER);
      expect(await failureRow(account.id, Z)).toMatchObject({ failures: i, suppressed: false });
    }
    await setSuppressAfter(account.id, 4, actor);
    await sendOnce(account.id, 'SuppressSet', Z, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, Z)).toMatchObject({ failures: 5, suppressed: true });

    // Off: failures are counted, nothing is suppressed.
    await releaseSuppressed(account.id, X, actor);
    await setSuppressAfter(account.id, null, actor);
    for (let i = 0; i < 4; i++) await sendOnce(account.id, 'SuppressSet', X, UNKNOWN_SUBSCRIBER);
    expect(await failureRow(account.id, X)).toMatchObject({ failures: 4, suppressed: false });
    expect(await suppressedAmong(account.id, [X, Z])).toEqual(new Set([Z]));

    await expectAppError(setSuppressAfter(account.id, 0, actor), 'invalid_value');
    await expectAppError(setSuppressAfter(account.id, 21, actor), 'invalid_value');
    expect(await count(sql`select 1 from audit_events where account_id = ${account.id} and action = 'account.suppression'`)).toBe(4);
  });
});

describe('the failure guard', () => {
  const FAILING = '28405';
  const claimedOf = (campaignId: string) => count(sql`select 1 from messages where campaign_id = ${campaignId} and status <> 409`);
  /** 3 numbers a round: one per home network (some ported elsewhere), so every batch holds all three. */
  const mixed = (total: number, offset: number) =>
    Array.from({ length: total }, (_, i) => bg((['87', '88', '89'] as const)[i % 3], offset + Math.floor(i / 3)));

  /**
   * A gateway that reports each batch at once, inside send(): delivered, except that once
   * `failFrom` messages have been handed over, the failing network's messages are undelivered
   * (network failure). `onBatch` runs after each batch's reports have been applied.
   */
  function reportingGateway(failFrom: number, onBatch?: (outcomes: string[]) => Promise<void>): Gateway & { handed: () => number } {
    let handed = 0;
    const outcomes: string[] = [];
    return {
      name: 'simulator',
      handed: () => handed,
      async send(batch) {
        const failing = handed >= failFrom;
        handed += batch.length;
        const reports = batch.map((m): DeliveryReport => {
          const network = simulatedFate(m.recipient).network;
          const fails = failing && network === FAILING;
          outcomes.push(fails ? '1' : '0');
          return { messageId: m.id, status: fails ? 405 : 404, errorCode: fails ? 6 : null, network, doneAt: new Date() };
        });
        await applyDeliveryReports(reports);
        await onBatch?.(outcomes);
        return batch.map(accepted);
      },
    };
  }

  it('pauses a campaign whose network starts failing within a batch, mails the owners once, and resumes and stops as ever', async () => {
    const { account, user } = await makeAccount('Guard', 1_000);
    const second = await createUser({ accountId: account.id, email: 'guard.second@example.com', password: PASSWORD, role: 'owner' });
    await createUser({ accountId: account.id, email: 'guard.member@example.com', password: PASSWORD, role: 'member' });
    const recipients = mixed(3_000, 3_600_000);
    const networks = new Set(recipients.map((r) => simulatedFate(r).network));
    expect(networks).toEqual(new Set(['28401', '28403', '28405']));
    // No guard given: the defaults (more than 20 % failed of the last 200).
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: user.id, source: 'portal', sender: 'Guard', content: 'Big sale', recipients, campaign: { rate: 200 } }),
    );
    const id = campaignId!;
    expect(await campaignRow(id)).toMatchObject({ guard_failure_percent: 20, guard_window: 200, guard_recent: '' });

    // The test's own reading of the threshold: the claimed count when the last 200 outcomes first held more than 40 failures.
    let crossedAt: number | null = null;
    const gateway = reportingGateway(1_000, async (outcomes) => {
      const window = outcomes.slice(-200);
      if (crossedAt === null && window.length === 200 && window.filter((o) => o === '1').length * 100 > 20 * 200) crossedAt = await claimedOf(id);
    });
    expect(await dispatchCampaign(id, gateway, 120_000)).toBe('not_sending');

    const paused = await campaignRow(id);
    expect(paused.status).toBe('paused');
    expect(paused.guard_tripped_at).not.toBeNull();
    expect(crossedAt).not.toBeNull();
    const claimed = await claimedOf(id);
    expect(claimed).toBeLessThanOrEqual(crossedAt! + 200);
    expect(claimed).toBeLessThan(3_000);
    expect(claimed).toBe(gateway.handed());
    expect(paused.guard_reports).toBe(200);
    expect(paused.guard_failed! * 100).toBeGreaterThan(20 * 200);
    expect(paused.guard_failed).toBe([...paused.guard_recent].filter((c) => c === '1').length);
    expect(paused.guard_recent).toHaveLength(200);

    const audits = await db.execute<{ details: { failed: number; reports: number; threshold: number } }>(
      sql`select details from audit_events where action = 'campaign.guard_pause' and target_id = ${id}`,
    );
    expect(audits).toHaveLength(1);
    expect(audits[0].details).toEqual({ failed: paused.guard_failed, reports: 200, threshold: 20 });
    const guardJobs = () =>
      db.execute<{ payload: { campaignId: string; trippedAt: string } }>(sql`
        select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
         where t.identifier = 'campaign:guard-mail' and j.payload->>'campaignId' = ${id}`);
    const jobs = await guardJobs();
    expect(jobs).toHaveLength(1);
    const { trippedAt } = jobs[0].payload;
    expect(trippedAt).toBe(paused.guard_tripped_at);

    // More failures while paused change nothing: no second trip, no second job.
    const more = (await campaignMessages(id)).slice(0, 200).map((m) => ({ messageId: Number(m.id), accountId: account.id, campaignId: id, phone: m.recipient, status: 405, errorCode: 6 }));
    expect(await applyGuard(more)).toEqual([]);
    expect(await guardJobs()).toHaveLength(1);
    expect((await campaignRow(id)).guard_tripped_at).toBe(paused.guard_tripped_at);

    // One e-mail per active owner, however often the job runs.
    expect(await mailGuardTrip(id, trippedAt)).toBe(2);
    expect(await mailGuardTrip(id, trippedAt)).toBe(0);
    expect(await mailGuardTrip(id, '2000-01-01T00:00:00.000000Z')).toBe(0);
    const mails = await db.execute<{ to: string[] }>(sql`select "to" from email_outbox where idempotency_key like ${`campaign-guard/${id}/%`} order by 1`);
    expect(mails.map((m) => m.to.join()).sort()).toEqual([user.email, second.email].sort());

    // Resume: the guard judges afresh, and the network is well again.
    expect(await resumeCampaign(account.id, id)).toMatchObject({ ok: true, status: 'sending' });
    expect((await campaignRow(id)).guard_recent).toBe('');
    let stop: Awaited<ReturnType<typeof stopCampaign>> | null = null;
    let batches = 0;
    const resumed = reportingGateway(Infinity, async () => {
      // Stopped after the second batch since the resume.
      if (++batches === 2) stop = await stopCampaign(account.id, id, user.id);
    });
    expect(await dispatchCampaign(id, resumed, 120_000)).toBe('not_sending');
    expect(resumed.handed()).toBe(400);
    const stopped = await campaignRow(id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.guard_recent).toBe('0'.repeat(200));
    const sent = await count(sql`select 1 from messages where campaign_id = ${id} and status not in (409, 412)`);
    expect(sent).toBe(claimed + 400);
    expect(await count(sql`select 1 from messages where campaign_id = ${id} and status = 409`)).toBe(0);
    expect(stop).toEqual({ ok: true, status: 'stopped', refunded: (3_000 - sent) * BG_PRICE });
    expect(await stopCampaign(account.id, id)).toMatchObject({ ok: false, reason: 'invalid_state', status: 'stopped' });
    expect(await count(sql`select 1 from ledger_entries where campaign_id = ${id} and kind = 'refund'`)).toBe(1);
    const start = 1_000 * POINT_UNITS;
    expect(await ledgerTotals(account.id)).toEqual({ balance: start - sent * BG_PRICE, ledgerSum: start - sent * BG_PRICE });
    expect(await count(sql`select 1 from audit_events where action = 'campaign.guard_pause' and target_id = ${id}`)).toBe(1);
  }, 120_000);

  it('a campaign without a guard never pauses, however much fails', async () => {
    const { account } = await makeAccount('NoGuard', 100);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'NoGuard', content: 'Sale', recipients: mixed(1_000, 3_700_000), campaign: { rate: 500, guard: null } }),
    );
    const id = campaignId!;
    expect(await campaignRow(id)).toMatchObject({ guard_failure_percent: null });
    expect(await dispatchCampaign(id, reportingGateway(0), 120_000)).toBe('completed');
    const done = await campaignRow(id);
    expect(done).toMatchObject({ status: 'completed', guard_tripped_at: null, guard_recent: '' });
    const failed = await count(sql`select 1 from messages where campaign_id = ${id} and status = 405 and error_code = 6`);
    expect(failed * 100).toBeGreaterThan(20 * 1_000);
    expect(await count(sql`select 1 from messages where campaign_id = ${id} and status = 404`)).toBe(1_000 - failed);
    expect(await count(sql`select 1 from audit_events where action = 'campaign.guard_pause' and target_id = ${id}`)).toBe(0);
    // Network failures are temporary: nobody is suppressed for them.
    expect(await count(sql`select 1 from number_failures where account_id = ${account.id}`)).toBe(0);
  }, 60_000);
});

describe('audiences from a campaign’s results', () => {
  it('clicked, not clicked, delivered and not delivered are what the messages and clicks say; a send plans them less opt-outs', async () => {
    const { account } = await makeAccount('Audience', 50);
    const { account: other } = await makeAccount('AudienceOt', 10);
    const P = (i: number) => bg('98', 3_800_000 + i);
    const fates = new Map<string, Fate>([
      [P(0), { report: 404 }],
      [P(1), { report: 404 }],
      [P(2), { report: 404 }],
      [P(3), { report: 404 }],
      [P(4), { report: 404 }],
      [P(5), { report: 404 }],
      [P(6), { report: 405, code: 1 }],
      [P(7), { report: 405, code: 2 }],
      [P(8), { report: 407, code: 9 }],
      [P(9), { refuse: 406, code: 8 }],
      [P(10), { none: true }], // still awaiting its report: neither delivered nor not
      [P(11), { report: 402 }],
    ]);
    const origin = await runCampaign(account.id, 'Audience', 'See https://sms.li/xxxxxxxxxx', fates);
    const ids = new Map((await campaignMessages(origin)).map((m) => [m.recipient, Number(m.id)]));
    // Links for 0..3, 6 and 8; clicks on 0 (twice) and 1.
    const links = new Map<number, number>();
    for (const i of [0, 1, 2, 3, 6, 8]) {
      const [row] = await db.execute<{ id: string }>(sql`
        insert into short_links (account_id, message_id, code, target_url)
        values (${account.id}, ${ids.get(P(i))!}, ${`a${origin.slice(0, 8)}${i}`}, 'https://shop.example.bg/')
        returning id`);
      links.set(i, Number(row.id));
    }
    await db.execute(sql`insert into short_link_clicks (short_link_id) values (${links.get(0)!}), (${links.get(0)!}), (${links.get(1)!})`);
    // Another campaign's clicked link: not this campaign's audience.
    const elsewhere = await runCampaign(account.id, 'Audience', 'x', new Map<string, Fate>([[P(20), { report: 404 }]]));
    const [link] = await db.execute<{ id: string }>(sql`
      insert into short_links (account_id, message_id, code, target_url)
      select account_id, id, ${`b${origin.slice(0, 8)}`}, 'https://shop.example.bg/' from messages where campaign_id = ${elsewhere} returning id`);
    await db.execute(sql`insert into short_link_clicks (short_link_id) values (${link.id})`);

    const bySql = async (condition: ReturnType<typeof sql>) =>
      (
        await db.execute<{ recipient: string }>(sql`
          select distinct m.recipient from messages m
           where m.campaign_id = ${origin} and m.account_id = ${account.id} and ${condition} order by 1`)
      ).map((r) => r.recipient);
    const clickedSql = sql`m.id in (select l.message_id from short_links l join short_link_clicks c on c.short_link_id = l.id)`;
    const linkedSql = sql`m.id in (select message_id from short_links where message_id is not null)`;
    const expected = {
      clicked: await bySql(clickedSql),
      not_clicked: await bySql(sql`m.status = 404 and ${linkedSql} and not ${clickedSql}`),
      delivered: await bySql(sql`m.status = 404`),
      not_delivered: await bySql(sql`m.status in (401, 402, 405, 406, 407, 408)`),
    };
    expect(expected).toEqual({
      clicked: sorted([P(0), P(1)]),
      not_clicked: sorted([P(2), P(3)]),
      delivered: sorted([0, 1, 2, 3, 4, 5].map(P)),
      not_delivered: sorted([6, 7, 8, 9, 11].map(P)),
    });
    for (const segment of ['clicked', 'not_clicked', 'delivered', 'not_delivered'] as const) {
      expect(sorted(await audienceNumbers(account.id, { campaignId: origin, segment }))).toEqual(expected[segment]);
      // Another account gets nobody from this campaign.
      expect(await audienceNumbers(other.id, { campaignId: origin, segment })).toEqual([]);
    }
    expect(AUDIENCE_SEGMENTS).toContain('resend');
    expect(sorted(await audienceNumbers(account.id, { campaignId: origin, segment: 'resend' }))).toEqual(await expectedResend(account.id, origin));

    // A send to the delivered ones, one of them opted out since, another typed as well.
    await optOutNumbers(account.id, [P(2)], { reason: '', source: 'portal', userId: null });
    const plan = await planSend({
      accountId: account.id,
      userId: null,
      source: 'portal',
      sender: 'Audience',
      content: 'Thanks for being with us',
      recipients: [P(0), P(30)],
      audiences: [{ campaignId: origin, segment: 'delivered' }],
      campaign: { rate: 100 },
    });
    expect(sorted(plan.valid.map((m) => m.recipient))).toEqual(sorted([P(0), P(1), P(3), P(4), P(5), P(30)]));
    expect(plan.skipped).toEqual([{ input: P(2), recipient: P(2), reason: 'opted_out' }]);
    expect(plan.duplicates).toBe(1);
    expect(plan.totalPoints).toBe(6 * BG_PRICE);
    const { campaignId } = await submitSend(plan);
    expect(sorted((await campaignMessages(campaignId!)).map((m) => m.recipient))).toEqual(sorted(plan.valid.map((m) => m.recipient)));
    expect(await campaignRow(campaignId!)).toMatchObject({ recipients: 6, skipped_opted_out: 1, follows_campaign_id: null });

    // Only the delivered, and no one else.
    const only = await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'Audience', content: 'x', recipients: [], audiences: [{ campaignId: origin, segment: 'delivered' }] });
    expect(sorted(only.valid.map((m) => m.recipient))).toEqual(expected.delivered.filter((p) => p !== P(2)));
    // Another account's send cannot reach this campaign's numbers.
    const foreign = await planSend({ accountId: other.id, userId: null, source: 'portal', sender: 'AudienceOt', content: 'x', recipients: [], audiences: [{ campaignId: origin, segment: 'delivered' }] }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(SendError);
    expect((foreign as SendError).code).toBe('no_valid_numbers');
  });
});
