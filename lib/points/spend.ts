import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';
import { STATUS } from '@/lib/messaging/statuses';
import type { Period } from '@/lib/reports/periods';
import { dayBoundariesOnWholeHours } from '@/lib/reports/queries';

/**
 * Spend of a period: what the messages created in it cost, net of refunds (debits minus
 * refunds), by campaign, sender name, user, country or source, in points (units) and messages.
 *
 * A send's debit and its messages are written in one transaction, so they share its instant
 * and its period; each message carries its price (messages.points). A stop refunds its
 * campaign's waiting messages and sets them to 0 points (STOP: never sent); a message the
 * gateway refused (FAILED or REJECTED, final) is refunded alone, by an entry naming it. So a
 * period's net spend is the sum of its messages' points less the refunds that name them, and its
 * messages are those neither stopped nor refunded. It is attributed to the period of the send,
 * not of the refund: a campaign's cost stays in the period it was sent in.
 *
 * Fast paths: by source from message_hourly_counts (the hourly rollup carries the source) when
 * the period's local midnights are whole UTC hours; by campaign from campaign_status_counts of
 * the campaigns created in the period (and the rollup's non-bulk buckets for single messages).
 * Sender, user and country are carried by messages alone: one index range scan of the period
 * (messages_account_created_idx). Refunds of single messages come from the refused statuses'
 * ranges (messages_account_status_idx) joined to their entry (ledger_entries_message_refund_key).
 */

export const SPEND_DIMENSIONS = ['campaign', 'sender', 'user', 'country', 'source'] as const;
export type SpendDimension = (typeof SPEND_DIMENSIONS)[number];

export type SpendRow = {
  /** campaign id (null: single messages), sender name, user id (null: no user), country code, or source */
  key: string | null;
  /** the campaign's title, or the user's name or e-mail; null where the key says it all */
  label: string | null;
  /** net units */
  points: number;
  messages: number;
};

export type Spend = { dimension: SpendDimension; rows: SpendRow[]; total: { points: number; messages: number }; hidden: number };

/** Rows shown at most; the total always counts them all. */
export const SPEND_MAX_ROWS = 200;

/** The gateway's outright refusals, the only messages refunded alone (lib/gateway/reports.ts applySendOutcomes). */
const REFUSED = sql.raw(`(${STATUS.FAILED}, ${STATUS.REJECTED})`);
const STOPPED = sql.raw(String(STATUS.STOP));

type Grouped = { k: string | null; label: string | null; points: string; n: string };

const inPeriod = (column: SQL, period: Period) =>
  sql`${column} >= ${period.start.toISOString()}::timestamptz and ${column} < ${period.end.toISOString()}::timestamptz`;

const MESSAGE_KEY: Record<Exclude<SpendDimension, 'campaign'>, SQL> = {
  sender: sql`m.sender_name`,
  user: sql`m.user_id::text`,
  country: sql`m.country`,
  source: sql`m.source::text`,
};

/** What the period's messages cost before message refunds, by the dimension. */
function grossQuery(accountId: number, dimension: SpendDimension, period: Period, timeZone: string): SQL {
  const rollup = dayBoundariesOnWholeHours(period, timeZone);
  const messagesIn = sql`m.account_id = ${accountId} and ${inPeriod(sql`m.created_at`, period)}`;
  if (dimension === 'campaign') {
    const single = rollup
      ? sql`select null::text as k, sum(r.points) as points, sum(r.messages) filter (where r.status <> ${STOPPED}) as n
              from message_hourly_counts r
             where r.account_id = ${accountId} and not r.bulk and ${inPeriod(sql`r.hour`, period)}
            having count(*) > 0`
      : sql`select null::text as k, sum(m.points) as points, count(*) filter (where m.status <> ${STOPPED}) as n
              from messages m where ${messagesIn} and m.campaign_id is null
            having count(*) > 0`;
    return sql`
      select c.id::text as k, coalesce(nullif(btrim(c.name), ''), left(c.content, 60)) as label,
             coalesce(sum(s.points), 0) as points, coalesce(sum(s.messages) filter (where s.status <> ${STOPPED}), 0) as n
        from campaigns c left join campaign_status_counts s on s.campaign_id = c.id
       where c.account_id = ${accountId} and ${inPeriod(sql`c.created_at`, period)}
       group by c.id
      union all
      select x.k, null, x.points, x.n from (${single}) x`;
  }
  if (dimension === 'source' && rollup) {
    return sql`
      select r.source::text as k, null::text as label, sum(r.points) as points, sum(r.messages) filter (where r.status <> ${STOPPED}) as n
        from message_hourly_counts r
       where r.account_id = ${accountId} and ${inPeriod(sql`r.hour`, period)}
       group by 1`;
  }
  return sql`
    select ${MESSAGE_KEY[dimension]} as k, null::text as label, sum(m.points) as points, count(*) filter (where m.status <> ${STOPPED}) as n
      from messages m
     where ${messagesIn}
     group by 1`;
}

/** The refunds naming one of the period's messages, by the dimension. */
function refundsQuery(accountId: number, dimension: SpendDimension, period: Period): SQL {
  const key = dimension === 'campaign' ? sql`m.campaign_id::text` : MESSAGE_KEY[dimension];
  return sql`
    select ${key} as k, null::text as label, sum(le.amount) as points, count(*) as n
      from messages m
      join ledger_entries le on le.message_id = m.id and le.message_id is not null and le.kind = 'refund' and le.account_id = m.account_id
     where m.account_id = ${accountId} and m.status in ${REFUSED} and ${inPeriod(sql`m.created_at`, period)}
     group by 1`;
}

/** The two queries of a breakdown: the messages' gross cost and the refunds naming them, by the dimension. */
export function spendQueries(accountId: number, dimension: SpendDimension, period: Period, timeZone: string): { gross: SQL; refunds: SQL } {
  return { gross: grossQuery(accountId, dimension, period, timeZone), refunds: refundsQuery(accountId, dimension, period) };
}

/** The period's net spend by one dimension, most spent first. */
export async function spendBy(accountId: number, dimension: SpendDimension, period: Period, timeZone: string): Promise<Spend> {
  const queries = spendQueries(accountId, dimension, period, timeZone);
  const [gross, refunds] = await Promise.all([db.execute<Grouped>(queries.gross), db.execute<Grouped>(queries.refunds)]);
  const rows = new Map<string | null, SpendRow>();
  for (const g of gross) rows.set(g.k, { key: g.k, label: g.label, points: Number(g.points ?? 0), messages: Number(g.n ?? 0) });
  for (const r of refunds) {
    const row = rows.get(r.k) ?? { key: r.k, label: null, points: 0, messages: 0 };
    row.points -= Number(r.points);
    row.messages -= Number(r.n);
    rows.set(r.k, row);
  }
  const all = [...rows.values()];
  if (dimension === 'user') await labelUsers(accountId, all);
  all.sort((a, b) => b.points - a.points || b.messages - a.messages || String(a.label ?? a.key ?? '').localeCompare(String(b.label ?? b.key ?? '')));
  const total = all.reduce((sum, row) => ({ points: sum.points + row.points, messages: sum.messages + row.messages }), { points: 0, messages: 0 });
  return { dimension, rows: all.slice(0, SPEND_MAX_ROWS), total, hidden: Math.max(0, all.length - SPEND_MAX_ROWS) };
}

/** Users' names (else e-mails), of this account only. */
async function labelUsers(accountId: number, rows: SpendRow[]): Promise<void> {
  const ids = rows.map((row) => row.key).filter((key): key is string => key !== null);
  if (!ids.length) return;
  const found = await db.execute<{ id: string; label: string }>(sql`
    select id::text, coalesce(nullif(btrim(name), ''), email) as label from users
     where account_id = ${accountId} and id = any(${`{${ids.join(',')}}`}::int[])`);
  const byId = new Map(found.map((u) => [u.id, u.label]));
  for (const row of rows) row.label = row.key === null ? null : (byId.get(row.key) ?? null);
}
