import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { daySpan } from '@/lib/calendar';
import { rebuildMessageRollup, shortQuery } from '@/lib/reports/queries';
import { makeAccount } from './fixtures/accounts';

type Bucket = { account_id: number; hour: string; status: number; source: string; bulk: boolean; messages: number; parts: number; points: number };

const KEYS = 'account_id, hour, status, source, bulk';

/** The rollup's non-empty buckets of the given accounts, in key order. */
async function rollup(accountIds: number[]): Promise<Bucket[]> {
  return db.execute<Bucket>(sql`
    select account_id, hour::text, status, source::text, bulk, messages, parts::int, points::int
      from message_hourly_counts
     where account_id in ${sql.raw(`(${accountIds.join(', ')})`)} and (messages, parts, points) <> (0, 0, 0)
     order by ${sql.raw(KEYS)}`);
}

/** The same figures by a GROUP BY over messages. */
async function direct(accountIds: number[]): Promise<Bucket[]> {
  return db.execute<Bucket>(sql`
    select account_id, date_trunc('hour', created_at, 'UTC')::text as hour, status, source::text, campaign_id is not null as bulk,
           count(*)::int as messages, sum(parts)::int as parts, sum(points)::int as points
      from messages
     where account_id in ${sql.raw(`(${accountIds.join(', ')})`)}
     group by 1, 2, 3, 4, 5
     order by ${sql.raw(KEYS)}`);
}

let A: number;
let B: number;
let userA: number;
let campaignId: string;

function row(accountId: number, createdAt: string, status: number, extra: Partial<typeof messages.$inferInsert> = {}) {
  return {
    accountId,
    senderName: 'Roll',
    recipient: '+359888000009',
    country: 'BG',
    content: 'x',
    encoding: 'gsm7' as const,
    parts: 1,
    points: 650,
    status,
    source: 'portal' as const,
    createdAt: new Date(createdAt),
    ...extra,
  };
}

beforeAll(async () => {
  const a = await makeAccount('Roll A');
  const b = await makeAccount('Roll B');
  A = a.account.id;
  B = b.account.id;
  userA = a.user.id;
  const [campaign] = await db
    .insert(campaigns)
    .values({ accountId: A, userId: userA, senderName: 'Roll', content: 'Bulk', encoding: 'gsm7', parts: 1, status: 'sending', recipients: 4, points: 2600 })
    .returning();
  campaignId = campaign.id;
});

describe('message_hourly_counts', () => {
  it('equals a GROUP BY over messages after inserts, claims, delivery reports, a stop and deletes', async () => {
    // One multi-row statement across accounts, hours, sources, bulk and not.
    await db.insert(messages).values([
      row(A, '2026-03-28T21:59:59Z', 404),
      row(A, '2026-03-28T21:10:00Z', 404, { parts: 2, points: 1300 }),
      row(A, '2026-03-28T22:00:00Z', 405, { source: 'api' }),
      row(A, '2026-03-29T00:30:00Z', 409, { campaignId }),
      row(A, '2026-03-29T00:31:00Z', 409, { campaignId }),
      row(A, '2026-03-29T00:32:00Z', 409, { campaignId }),
      row(A, '2026-03-29T00:33:00Z', 409, { campaignId }),
      row(B, '2026-03-28T21:30:00Z', 404),
    ]);
    // Single-row statements too (an API send).
    await db.insert(messages).values(row(A, '2026-03-29T00:59:59Z', 403));
    expect(await rollup([A, B])).toEqual(await direct([A, B]));

    // A claim: a batch of the campaign's queued messages goes to SENT (403).
    await db.execute(sql`update messages set status = 403 where id in (
      select id from messages where campaign_id = ${campaignId} and status = 409 order by id limit 3)`);
    expect(await rollup([A, B])).toEqual(await direct([A, B]));

    // Delivery reports, one by one and as a page; an update that changes no bucket.
    const sent = await db.execute<{ id: number }>(sql`select id from messages where account_id = ${A} and status = 403 order by id`);
    await db.execute(sql`update messages set status = 404, done_at = now() where id = ${sent[0].id}`);
    await db.execute(sql`update messages set status = case when id % 2 = 0 then 404 else 405 end where id in (${sql.raw(sent.slice(1).map((s) => s.id).join(', '))})`);
    await db.execute(sql`update messages set gateway_message_id = 'gw-' || id where account_id = ${A}`);
    expect(await rollup([A, B])).toEqual(await direct([A, B]));

    // A stop: what is still queued becomes undelivered-by-stop (412).
    await db.execute(sql`update messages set status = 412 where campaign_id = ${campaignId} and status = 409`);
    expect(await rollup([A, B])).toEqual(await direct([A, B]));

    // Deletes (one hour's bucket disappears entirely, another only shrinks).
    await db.execute(sql`delete from messages where account_id = ${A} and created_at < '2026-03-28T22:00:00Z' and parts = 1`);
    await db.execute(sql`delete from messages where account_id = ${B}`);
    expect(await rollup([A, B])).toEqual(await direct([A, B]));
    expect((await rollup([B])).length).toBe(0);
  });

  it('rebuildMessageRollup restores it after a bulk load in replica mode (which skips the triggers)', async () => {
    const before = await rollup([B]);
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`
        insert into messages (account_id, campaign_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
        select ${B}, case when g % 4 = 0 then ${campaignId}::uuid end, 'Roll', '+35988' || (1000000 + g), 'BG', 'x', 'gsm7', 1 + g % 3, 650 * (1 + g % 3),
               case when g % 5 = 0 then 405 else 404 end, case when g % 2 = 0 then 'api' else 'portal' end::message_source,
               '2026-01-01T00:00:00Z'::timestamptz + g * interval '7 minutes'
          from generate_series(1, 2000) g`);
    });
    expect(await rollup([B])).toEqual(before);
    const aBefore = await rollup([A]);
    await rebuildMessageRollup(B);
    expect(await rollup([B])).toEqual(await direct([B]));
    expect((await rollup([B])).length).toBeGreaterThan(100);
    expect(await rollup([A])).toEqual(aBefore); // other accounts untouched
    await rebuildMessageRollup();
    expect(await rollup([A, B])).toEqual(await direct([A, B]));
  });

  it('the short report reads the rollup for whole-hour zones and messages otherwise, with the same days', async () => {
    const params = (timeZone: string) => ({
      accountId: B,
      type: 'short' as const,
      options: { includeBulk: false, includeContent: false, idx: false, contacts: false, shortLinks: false },
      period: daySpan('2026-01-01', '2026-01-10', timeZone),
      timeZone,
    });
    const run = async (timeZone: string) => {
      const q = shortQuery(params(timeZone));
      return {
        fromRollup: q.sql.includes('message_hourly_counts'),
        rows: await db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('TimeZone', ${timeZone}, true)`);
          return tx.execute(sql.raw(q.sql));
        }),
      };
    };
    const sofia = await run('Europe/Sofia');
    const kolkata = await run('Asia/Kolkata');
    expect(sofia.fromRollup).toBe(true);
    expect(kolkata.fromRollup).toBe(false);
    // Sofia's days from the rollup = a direct count per local day.
    const expected = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('TimeZone', 'Europe/Sofia', true)`);
      return tx.execute<{ day: string; n: number }>(sql`
        select to_char(d, 'YYYY-MM-DD') as day, (select count(*)::int from messages
          where account_id = ${B} and campaign_id is null and created_at >= d::timestamptz and created_at < (d + interval '1 day')::timestamptz) as n
          from generate_series('2026-01-01'::timestamp, '2026-01-10'::timestamp, interval '1 day') d order by d`);
    });
    expect(sofia.rows.map((r) => [r.Date, Number(r.Messages)])).toEqual(expected.map((e) => [e.day, e.n]));
    expect(kolkata.rows.length).toBe(10);
  });
});
