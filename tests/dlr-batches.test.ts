import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/gateway/smsapi/dlr/route';
import { sqlClient } from '@/db';
import { applyStoredReports } from '@/lib/gateway/reports';
import { STATUS_CODES } from '@/lib/messaging/statuses';
import { makeAccount } from './fixtures/accounts';

// The provider's reports for the same messages, sent one per callback (each applied before the
// next comes) and all in one callback, must leave the messages and every counter the same.

const SECRET = 'batch-secret';
const CALLBACK = `http://app.test/api/gateway/smsapi/dlr?secret=${SECRET}`;

/** A message's state before the reports; `gateway`: its gateway id is known already. */
type Slot = { status: number; gateway: boolean };
/** A report for slot `slot`; `byGateway`: it names only the gateway's id (that slot's must be known). */
type Report = { slot: number; status: number; done: number; err: number | null; byGateway: boolean };

/** `gateway`: this scenario's gateway ids, `${gateway}-${slot + 1}` (unique, as a provider's are). */
type Twin = { accountId: number; campaignId: string; ids: number[]; prefix: string; gateway: string };
let twins: [Twin, Twin];
let round = 0;
let createdAt = '';

beforeAll(async () => {
  process.env.DLR_SECRET = SECRET;
  const a = await makeAccount('BatchOneByOne');
  const b = await makeAccount('BatchAllInOne');
  twins = [
    { accountId: a.account.id, campaignId: '', ids: [], prefix: 'one', gateway: '' },
    { accountId: b.account.id, campaignId: '', ids: [], prefix: 'all', gateway: '' },
  ];
});
afterAll(() => {
  delete process.env.DLR_SECRET;
});

/** The same messages for both twins: one campaign each, created in the same instant. */
async function seed(slots: Slot[]): Promise<void> {
  const client = sqlClient();
  // An hour of its own per scenario, so that each one's rollup can be compared alone.
  createdAt = new Date(Date.UTC(2026, 2, 1) + round * 3_600_000).toISOString();
  for (const twin of twins) {
    twin.gateway = `${twin.prefix}${round}`;
    const [{ id }] = await client<{ id: string }[]>`
      insert into campaigns (account_id, sender_name, content, encoding, parts, status, recipients, points, created_at)
      values (${twin.accountId}, 'Batch', 'x', 'gsm7', 1, 'sending', ${slots.length}, ${slots.length * 650}, ${createdAt})
      returning id`;
    twin.campaignId = id;
    const rows = await client<{ id: string }[]>`
      insert into messages (account_id, campaign_id, sender_name, recipient, country, content, encoding, parts, points,
                            status, source, created_at, sent_at, done_at)
      select ${twin.accountId}, ${id}::uuid, 'Batch', '+35988' || (1000000 + n), 'BG', 'x', 'gsm7', 1, 650,
             s, 'portal', ${createdAt}, case when s <> 409 then ${createdAt}::timestamptz end,
             case when s not in (403, 409, 410, 411) then ${createdAt}::timestamptz end
        from unnest(${slots.map((s) => s.status)}::int[]) with ordinality as u(s, n)
       order by n
      returning id`;
    twin.ids = rows.map((r) => Number(r.id)).sort((x, y) => x - y);
    const known = twin.ids.flatMap((messageId, i) => (slots[i].gateway ? [messageId] : []));
    await client`
      update messages m set gateway_message_id = ${twin.gateway} || '-' || g.n
        from unnest(${twin.ids}::bigint[]) with ordinality as g(id, n)
       where m.id = g.id and m.id = any(${known}::bigint[])`;
  }
  round++;
}

/** The callback's parameters for these reports of a twin's messages (lists when there are several). */
function params(twin: Twin, reports: Report[]): URLSearchParams {
  const list = (f: (r: Report) => string) => reports.map(f).join(',');
  return new URLSearchParams({
    MsgId: list((r) => `${twin.gateway}-${r.slot + 1}`),
    idx: list((r) => (r.byGateway ? '' : String(twin.ids[r.slot]))),
    status: list((r) => String(r.status)),
    donedate: list((r) => String(r.done)),
    err: list((r) => (r.err === null ? '' : String(r.err))),
  });
}

async function deliver(reports: Report[]): Promise<void> {
  const [one, all] = twins;
  for (const report of reports) {
    const response = await GET(new Request(`${CALLBACK}&${params(one, [report])}`));
    expect(response.status).toBe(200);
    await applyStoredReports();
  }
  const response = await POST(
    new Request(CALLBACK, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params(all, reports).toString() }),
  );
  expect(response.status).toBe(200);
  await applyStoredReports();
}

/** What a twin ended with: its messages in slot order, its campaign's counters, its hourly rollup. */
async function outcome(twin: Twin) {
  const client = sqlClient();
  const messages = await client`
    select status, error_code, extract(epoch from done_at)::float8 as done, split_part(gateway_message_id, '-', 2) as gateway
      from messages where campaign_id = ${twin.campaignId} order by id`;
  const counters = await client`
    select status, messages, points::bigint as points from campaign_status_counts
     where campaign_id = ${twin.campaignId} and messages <> 0 order by status`;
  const actual = await client`
    select status, count(*)::int as messages, sum(points)::bigint as points from messages
     where campaign_id = ${twin.campaignId} group by status order by status`;
  expect(counters).toEqual(actual);
  const rollup = await client`
    select hour, status, source, bulk, messages, parts::bigint as parts, points::bigint as points from message_hourly_counts
     where account_id = ${twin.accountId} and hour = ${createdAt} and messages <> 0 order by 1, 2, 3, 4`;
  return { messages, counters, rollup };
}

async function expectSameOutcome(slots: Slot[], reports: Report[]) {
  await seed(slots);
  await deliver(reports);
  const [one, all] = await Promise.all(twins.map(outcome));
  expect(all).toEqual(one);
  return one;
}

describe('delivery reports in one callback', () => {
  it('end as they would one by one: out of order, repeated, late, unknown ids and gateway ids alone', async () => {
    const at = 1_790_000_000;
    const sent = { status: 403, gateway: false };
    const { messages } = await expectSameOutcome(
      [sent, sent, sent, { status: 408, gateway: true }, { status: 410, gateway: true }, { status: 409, gateway: false }, sent],
      [
        // accepted, then delivered, then a late "sent" that changes nothing
        { slot: 0, status: 410, done: at, err: null, byGateway: false },
        { slot: 0, status: 404, done: at + 5, err: null, byGateway: false },
        { slot: 0, status: 403, done: at + 1, err: null, byGateway: false },
        // delivered before accepted; then delivered again
        { slot: 1, status: 404, done: at + 9, err: null, byGateway: false },
        { slot: 1, status: 410, done: at + 2, err: null, byGateway: false },
        { slot: 1, status: 404, done: at + 9, err: null, byGateway: false },
        // two finals: the first stays
        { slot: 2, status: 405, done: at + 3, err: 1, byGateway: false },
        { slot: 2, status: 404, done: at + 4, err: null, byGateway: false },
        // UNKNOWN: a late STOP and a late non-final change nothing, the late final replaces it
        { slot: 3, status: 412, done: at + 7, err: null, byGateway: true },
        { slot: 3, status: 410, done: at + 7, err: null, byGateway: true },
        { slot: 3, status: 402, done: at + 8, err: 27, byGateway: true },
        // by the gateway's id alone
        { slot: 4, status: 404, done: at + 6, err: null, byGateway: true },
        // still queued: never moved by a report
        { slot: 5, status: 404, done: at + 6, err: null, byGateway: false },
        // QUEUE is never reported back
        { slot: 6, status: 409, done: at + 6, err: null, byGateway: false },
        { slot: 6, status: 411, done: at + 6, err: 13, byGateway: false },
      ],
    );
    expect(messages.map((m) => [m.status, m.error_code, m.gateway])).toEqual([
      [404, null, '1'],
      [404, null, '2'],
      [405, 1, '3'],
      [402, 27, '4'],
      [404, null, '5'],
      [409, null, null],
      [411, 13, '7'],
    ]);
    expect(messages.map((m) => m.done)).toEqual([at + 5, at + 9, at + 3, at + 8, at + 6, null, null]);
  });

  it('end as they would one by one, for any reports in any order', async () => {
    const slots = fc.array(fc.record({ status: fc.constantFrom(403, 410, 411, 408, 404, 405, 409), gateway: fc.boolean() }), { minLength: 1, maxLength: 4 });
    const scenario = slots.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.array(
          fc.record({
            slot: fc.nat(s.length - 1),
            status: fc.constantFrom(...STATUS_CODES),
            done: fc.integer({ min: 1_790_000_000, max: 1_790_000_600 }),
            err: fc.option(fc.integer({ min: 1, max: 30 })),
            byGateway: fc.boolean(),
          }),
          { minLength: 1, maxLength: 10 },
        ).map((reports) => reports.map((r) => ({ ...r, byGateway: r.byGateway && s[r.slot].gateway }))),
      ),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([s, reports]) => {
        await expectSameOutcome(s, reports);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
