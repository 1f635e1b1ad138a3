import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { clientOptions } from '@/db';
import { makeAccount } from './fixtures/accounts';

// The counter triggers (campaign_status_counts, message_hourly_counts) run their statements with
// plans PL/pgSQL caches per connection. A pooled connection whose first update touched one row
// must still count a 50,000-row update exactly, and at the pace of a fresh connection: with a plan
// sized for one row it took minutes (the timeout below is what catches that).
const ROWS = 50_000;

describe('counter triggers on a used connection', () => {
  it('count a 1-row update and then a 50,000-row one exactly', { timeout: 120_000 }, async () => {
    const { account } = await makeAccount('CounterPlans');
    const connection = postgres(process.env.DATABASE_URL!, clientOptions(1));
    try {
      const [{ id: campaignId }] = await connection<{ id: string }[]>`
        insert into campaigns (account_id, sender_name, content, encoding, parts, status, recipients, points)
        values (${account.id}, 'CounterPla', 'x', 'gsm7', 1, 'sending', ${ROWS + 1}, ${(ROWS + 1) * 650})
        returning id`;
      // The campaign's messages over three hours, and a few single ones beside them.
      await connection`
        insert into messages (account_id, campaign_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
        select ${account.id}, case when g <= ${ROWS + 1} then ${campaignId}::uuid end, 'CounterPla', '+35988' || (1000000 + g), 'BG', 'x', 'gsm7',
               1 + g % 2, 650 * (1 + g % 2), 409, 'portal', now() - (g % 3) * interval '1 hour'
          from generate_series(1, ${ROWS + 11}) g`;

      await connection`update messages set status = 403, sent_at = now() where id = (
        select min(id) from messages where campaign_id = ${campaignId})`;
      const updated = await connection`update messages set status = 403, sent_at = now() where id in (
        select id from messages where campaign_id = ${campaignId} and status = 409 order by id limit ${ROWS})`;
      expect(updated.count).toBe(ROWS);

      const counted = await connection`
        select status, messages, points::bigint as points from campaign_status_counts
         where campaign_id = ${campaignId} and messages <> 0 order by status`;
      const actual = await connection`
        select status, count(*)::int as messages, sum(points)::bigint as points from messages
         where campaign_id = ${campaignId} group by status order by status`;
      expect(counted).toEqual(actual);
      expect(counted.map((r) => [r.status, r.messages])).toEqual([[403, ROWS + 1]]);

      const rollup = await connection`
        select hour, status, source, bulk, messages, parts::bigint as parts, points::bigint as points from message_hourly_counts
         where account_id = ${account.id} and messages <> 0 order by 1, 2, 3, 4`;
      const direct = await connection`
        select date_trunc('hour', created_at, 'UTC') as hour, status, source, campaign_id is not null as bulk,
               count(*)::int as messages, sum(parts)::bigint as parts, sum(points)::bigint as points
          from messages where account_id = ${account.id} group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
      expect(rollup).toEqual(direct);
    } finally {
      await connection.end();
    }
  });
});
