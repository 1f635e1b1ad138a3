import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { setAccountTimeZone } from '@/lib/accounts';
import { applyDeliveryReports, expireUnreported } from '@/lib/gateway/reports';
import type { DeliveryReport } from '@/lib/gateway/types';
import { STATUS, type StatusCode } from '@/lib/messaging/statuses';
import { makeAccount } from './fixtures/accounts';

// The deliverability rollups (migration 0020) against a recount from messages, written here
// independently of the trigger and of delivery_counts_rebuild, after random sequences of sends,
// claims, stops, repeated, late and out-of-order delivery reports, expiry and a time-zone change.

type Row = Record<string, string | number | null>;

async function rollups(accountId: number) {
  const [daily, times, hours] = await Promise.all([
    db.execute<Row>(sql`
      select month, day::text, campaign_id::text, sender_name, country, network, status, error_code, messages from delivery_daily_counts
       where account_id = ${accountId} and messages <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8`),
    db.execute<Row>(sql`
      select month, day::text, campaign_id::text, network, delivered, bucket, messages from delivery_time_counts
       where account_id = ${accountId} and messages <> 0 order by 1, 2, 3, 4, 5, 6`),
    db.execute<Row>(sql`
      select day::text, hour, outcome, messages from delivery_hour_counts where account_id = ${accountId} and messages <> 0 order by 1, 2, 3`),
  ]);
  return { daily: [...daily], times: [...times], hours: [...hours] };
}

async function recount(accountId: number) {
  const [zone] = await db.execute<{ tz: string }>(sql`select time_zone as tz from accounts where id = ${accountId}`);
  const local = sql`(created_at at time zone ${zone.tz})`;
  // Each message counts in its day's row and in its month's (day = the month's first day).
  const day = sql`case when g.month then date_trunc('month', ${local})::date else ${local}::date end::text`;
  const both = sql`cross join (values (false), (true)) g(month)`;
  const [daily, times, hours] = await Promise.all([
    db.execute<Row>(sql`
      select g.month, ${day} as day, campaign_id::text, sender_name, country, network, status, error_code, count(*)::int as messages
        from messages ${both} where account_id = ${accountId} group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8`),
    // Final statuses with both times, bucket by the formula of lib/insights/delivery-time.ts.
    db.execute<Row>(sql`
      select g.month, ${day} as day, campaign_id::text, network, status = 404 as delivered,
             least(127, floor(4 * log(2.0, (extract(epoch from done_at - sent_at) + 1)::numeric)))::int as bucket, count(*)::int as messages
        from messages ${both}
       where account_id = ${accountId} and status not in (403, 409, 410, 411) and sent_at is not null and done_at >= sent_at
       group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`),
    db.execute<Row>(sql`
      select ${local}::date::text as day, extract(hour from ${local})::int as hour,
             case when status = 404 then 0 when status in (401, 402, 405, 406, 407, 408) then 1 when status in (403, 410, 411) then 2 else 3 end as outcome,
             count(*)::int as messages
        from messages where account_id = ${accountId} group by 1, 2, 3 order by 1, 2, 3`),
  ]);
  return { daily: [...daily], times: [...times], hours: [...hours] };
}

const normalize = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));

let accountId: number;
let userId: number;
let campaignId: string;
const NOW = Date.now();

const NETWORKS = ['28401', '28403', '28405', null] as const;
const REPORTED: StatusCode[] = [STATUS.ACCEPTED, STATUS.DELIVERED, STATUS.UNDELIVERED, STATUS.EXPIRED, STATUS.REJECTED, STATUS.SENT, STATUS.QUEUE];

const step = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    count: fc.integer({ min: 1, max: 6 }),
    bulk: fc.boolean(),
    hoursAgo: fc.integer({ min: 0, max: 72 }),
    sender: fc.constantFrom('Shop', 'Bank'),
    country: fc.constantFrom('BG', 'DE'),
  }),
  fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('stop' as const) }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({
    kind: fc.constant('reports' as const),
    reports: fc.array(
      fc.record({
        pick: fc.nat(),
        status: fc.constantFrom(...REPORTED),
        network: fc.constantFrom(...NETWORKS),
        errorCode: fc.constantFrom(null, 1, 2, 7, 10),
        afterSeconds: fc.integer({ min: 0, max: 90_000 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    // the same batch again: every report repeated
    duplicate: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('zone' as const), zone: fc.constantFrom('Europe/Sofia', 'America/New_York', 'Asia/Kolkata', 'UTC') }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

async function run(s: Step) {
  switch (s.kind) {
    case 'send': {
      const createdAt = new Date(NOW - s.hoursAgo * 3_600_000 - Math.floor(Math.random() * 3_600_000));
      await db.insert(messages).values(
        Array.from({ length: s.count }, (_, i) => ({
          accountId,
          userId,
          campaignId: s.bulk ? campaignId : null,
          senderName: s.sender,
          recipient: `+35988${String(1_000_000 + i).padStart(7, '0')}`,
          country: s.country,
          content: 'x',
          encoding: 'gsm7' as const,
          parts: 1,
          points: 650,
          status: s.bulk ? STATUS.QUEUE : STATUS.SENT,
          sentAt: s.bulk ? null : createdAt,
          source: 'portal' as const,
          createdAt,
        })),
      );
      return;
    }
    case 'claim':
      // The dispatch claim: waiting messages of the campaign to SENT.
      await db.execute(sql`
        update messages set status = ${STATUS.SENT}, sent_at = created_at + interval '1 minute'
         where id in (select id from messages where campaign_id = ${campaignId} and status = ${STATUS.QUEUE} order by id limit ${s.limit})`);
      return;
    case 'stop':
      await db.execute(sql`update messages set status = ${STATUS.STOP}, done_at = now() where campaign_id = ${campaignId} and status = ${STATUS.QUEUE}`);
      return;
    case 'expire':
      await expireUnreported(20 * 3_600);
      return;
    case 'reports': {
      const ids = (await db.execute<{ id: string; sent: number | null }>(sql`
        select id, extract(epoch from coalesce(sent_at, created_at))::float8 * 1000 as sent from messages where account_id = ${accountId} order by id`)).map((r) => ({
        id: Number(r.id),
        sent: Number(r.sent),
      }));
      if (!ids.length) return;
      const batch: DeliveryReport[] = s.reports.map((r) => {
        const target = ids[r.pick % ids.length];
        return { messageId: target.id, status: r.status, network: r.network, errorCode: r.errorCode, doneAt: new Date(target.sent + r.afterSeconds * 1000) };
      });
      await applyDeliveryReports(s.duplicate ? [...batch, ...batch] : batch);
      return;
    }
    case 'zone':
      await setAccountTimeZone(accountId, s.zone);
      return;
  }
}

beforeAll(async () => {
  const made = await makeAccount('Insight Roll');
  accountId = made.account.id;
  userId = made.user.id;
});

describe('deliverability rollups', () => {
  it('equal a recount from messages after any sequence of sends, claims, stops, reports (repeated, late, out of order), expiry and zone changes', async () => {
    // How many rows the runs compared, so that the property is seen to hold over something.
    const compared = { daily: 0, times: 0, hours: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        await db.execute(sql`delete from messages where account_id = ${accountId}`);
        const [campaign] = await db
          .insert(campaigns)
          .values({ accountId, userId, senderName: 'Shop', content: 'Bulk', encoding: 'gsm7', parts: 1, status: 'sending', recipients: 0, points: 0 })
          .returning();
        campaignId = campaign.id;
        // Every run starts with a single message sent and delivered, so that each rollup has rows to compare.
        await run({ kind: 'send', count: 1, bulk: false, hoursAgo: 1, sender: 'Shop', country: 'BG' });
        await run({ kind: 'reports', reports: [{ pick: 0, status: STATUS.DELIVERED, network: '28401', errorCode: null, afterSeconds: 5 }], duplicate: false });
        for (const s of steps) await run(s);
        const kept = await rollups(accountId);
        const counted = await recount(accountId);
        expect(normalize(kept.daily)).toEqual(normalize(counted.daily));
        expect(normalize(kept.times)).toEqual(normalize(counted.times));
        expect(normalize(kept.hours)).toEqual(normalize(counted.hours));
        compared.daily += kept.daily.length;
        compared.times += kept.times.length;
        compared.hours += kept.hours.length;
      }),
      { numRuns: 40 },
    );
    expect(compared.daily).toBeGreaterThanOrEqual(40);
    expect(compared.times).toBeGreaterThanOrEqual(40);
    expect(compared.hours).toBeGreaterThanOrEqual(40);
  });
});
