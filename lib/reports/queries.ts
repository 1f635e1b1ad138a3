import { sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import type { ReportOptions, reportType } from '@/db/schema';
import { PENDING_STATUSES, STATUS } from '@/lib/messaging/statuses';
import { POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';
import { csvSafeSql, sqlIdentifier } from '@/lib/files/csv';
import { addDays, startOfDay } from '@/lib/calendar';
import type { Period } from './periods';

/**
 * The SQL of the three report types, for `copyCsv` (COPY takes no bind parameters).
 *
 * Only validated literals are inlined: the account id (a positive safe integer), the period's
 * instants (Date objects, written by toISOString(), so only digits, '-', ':', '.', 'T', 'Z')
 * and local days (checked against YYYY-MM-DD). Everything user-written is a column value,
 * neutralised with csvSafeSql() and force-quoted. Dates are formatted in the session
 * TimeZone, which copyCsv sets (the account's zone) with set_config().
 */

export type ReportType = (typeof reportType.enumValues)[number];
export type ReportQueryParams = {
  accountId: number;
  type: ReportType;
  options: ReportOptions;
  period: Period;
  timeZone: string;
};
export type ReportQuery = { sql: string; forceQuote: string[]; header: string[] };

// ISO 8601 with the session time zone's offset, e.g. 2026-03-29T14:05:09+03:00.
const ISO_LOCAL = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function accountLiteral(accountId: number): string {
  if (!Number.isSafeInteger(accountId) || accountId <= 0) throw new Error('account id is not a positive integer');
  return String(accountId);
}

function instantLiteral(date: Date): string {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new Error('not a valid instant');
  return `'${date.toISOString()}'::timestamptz`;
}

function dayLiteral(day: string): string {
  if (!DAY.test(day)) throw new Error(`not a day: ${day}`);
  return `'${day}'::timestamp`;
}

const points = (expr: string) => `(${expr}::numeric / ${POINT_UNITS})::numeric(20, ${POINT_DECIMALS})`;
const STATUS_NAME = `case m.status ${Object.entries(STATUS)
  .map(([name, code]) => `when ${code} then '${name}'`)
  .join(' ')} end`;

/** Builds "expr as "Name"" lines and remembers the header and the force-quoted columns. */
class Columns {
  readonly header: string[] = [];
  readonly forceQuote: string[] = [];
  private readonly lines: string[] = [];
  add(name: string, expr: string, text = false): this {
    this.lines.push(`${expr} as ${sqlIdentifier(name)}`);
    this.header.push(name);
    if (text) this.forceQuote.push(name);
    return this;
  }
  /** A user text column: neutralised in SQL and always quoted. */
  text(name: string, column: string): this {
    return this.add(name, csvSafeSql(column), true);
  }
  toString(): string {
    return this.lines.join(',\n       ');
  }
}

function messageFilter(p: ReportQueryParams): string {
  const parts = [
    `m.account_id = ${accountLiteral(p.accountId)}`,
    `m.created_at >= ${instantLiteral(p.period.start)}`,
    `m.created_at < ${instantLiteral(p.period.end)}`,
  ];
  if (!p.options.includeBulk) parts.push('m.campaign_id is null');
  return parts.join(' and ');
}

/** One row per message, oldest first (the (account_id, created_at, id) index, read backwards). */
export function detailedQuery(p: ReportQueryParams): ReportQuery {
  const o = p.options;
  const c = new Columns()
    .add('Message ID', 'm.id')
    .add('Date', `to_char(m.created_at, ${ISO_LOCAL})`)
    .text('Sender', 'm.sender_name')
    .text('Recipient', 'm.recipient')
    .add('Status', STATUS_NAME)
    .add('Status code', 'm.status')
    .add('Parts', 'm.parts')
    .add('Points', points('m.points'))
    .add('Source', 'm.source::text')
    .text('Login', 'u.email');
  const joins = ['left join users u on u.id = m.user_id'];
  if (o.includeContent) c.text('Content', 'm.content');
  if (o.idx) c.text('IDX', 'm.idx');
  if (o.contacts) {
    c.text('First name', 'ct.first_name')
      .text('Last name', 'ct.last_name')
      .text('E-mail', 'ct.email')
      .text('Groups', 'cg.names')
      // JSON text starts with '{': never formula-like.
      .add('Custom fields', `case when ct.id is not null then ct.custom_fields::text end`, true);
    joins.push(
      'left join contacts ct on ct.account_id = m.account_id and ct.phone = m.recipient',
      `left join lateral (select string_agg(g.name, '; ' order by g.name) as names
                            from contact_group_members gm join contact_groups g on g.id = gm.group_id
                           where gm.contact_id = ct.id) cg on true`,
    );
  }
  if (o.shortLinks) {
    c.text('Short link', 'sl.code')
      .text('Link target', 'sl.target_url')
      .add('Clicks', 'coalesce(sl.clicks, 0)')
      .add('First click', `to_char(sl.first_click, ${ISO_LOCAL})`)
      .add('Last click', `to_char(sl.last_click, ${ISO_LOCAL})`);
    joins.push(`left join lateral (select l.code, l.target_url, count(k.id) as clicks, min(k.clicked_at) as first_click, max(k.clicked_at) as last_click
                            from short_links l left join short_link_clicks k on k.short_link_id = l.id
                           where l.message_id = m.id and l.account_id = m.account_id
                           group by l.id order by l.id limit 1) sl on true`);
  }
  return {
    sql: `select ${c}
  from messages m
  ${joins.join('\n  ')}
 where ${messageFilter(p)}
 order by m.created_at, m.id`,
    forceQuote: c.forceQuote,
    header: c.header,
  };
}

/** True when every local midnight of the period falls on a whole UTC hour (UTC buckets roll up exactly). */
function dayBoundariesOnWholeHours(period: Period, timeZone: string): boolean {
  if (period.start.getTime() % HOUR_MS !== 0 || period.end.getTime() % HOUR_MS !== 0) return false;
  for (let day = addDays(period.fromDay, 1); day <= period.toDay; day = addDays(day, 1)) {
    if (startOfDay(day, timeZone).getTime() % HOUR_MS !== 0) return false;
  }
  return true;
}
const HOUR_MS = 3_600_000;

/**
 * One row per local day of the period (days without messages too; a DST day is one row of
 * 23 or 25 hours): messages, a count per status, parts and points.
 *
 * From message_hourly_counts (UTC hours, trigger-maintained) when every local midnight of the
 * period is on a whole UTC hour (zones with whole-hour offsets, Europe/Sofia included): a year
 * is at most 8,784 buckets per status and source. Otherwise (e.g. Asia/Kolkata, +05:30) from
 * messages, grouped by local hour first, then by local day (the faster of the two,
 * performance.md). Both give the same bytes.
 */
export function shortQuery(p: ReportQueryParams): ReportQuery {
  const c = new Columns().add('Date', `to_char(d.day, 'YYYY-MM-DD')`).add('Messages', 'coalesce(sum(x.n), 0)');
  for (const [name, code] of Object.entries(STATUS)) c.add(name, `coalesce(sum(x.n) filter (where x.status = ${code}), 0)`);
  c.add('Parts', 'coalesce(sum(x.parts), 0)').add('Points', points('coalesce(sum(x.points), 0)'));
  const hourly = dayBoundariesOnWholeHours(p.period, p.timeZone)
    ? `select r.hour as h, r.status, sum(r.messages) as n, sum(r.parts) as parts, sum(r.points) as points
      from message_hourly_counts r
     where r.account_id = ${accountLiteral(p.accountId)}
       and r.hour >= ${instantLiteral(p.period.start)} and r.hour < ${instantLiteral(p.period.end)}${p.options.includeBulk ? '' : '\n       and not r.bulk'}
     group by 1, 2`
    : `select date_trunc('hour', m.created_at) as h, m.status, count(*) as n, sum(m.parts) as parts, sum(m.points) as points
      from messages m
     where ${messageFilter(p)}
     group by 1, 2`;
  return {
    sql: `with hourly as (
    ${hourly}),
  daily as (
    select (h at time zone current_setting('TimeZone'))::date as day, status, sum(n) as n, sum(parts) as parts, sum(points) as points
      from hourly group by 1, 2)
select ${c}
  from generate_series(${dayLiteral(p.period.fromDay)}, ${dayLiteral(p.period.toDay)}, interval '1 day') as d(day)
  left join daily x on x.day = d.day::date
 group by d.day
 order by d.day`,
    forceQuote: [],
    header: c.header,
  };
}

/**
 * Recomputes message_hourly_counts from messages for one account (or all): after a bulk load
 * in replica mode (session_replication_role = replica skips the triggers that keep it).
 * Writers to messages wait while it runs (a SHARE lock until the end of the transaction).
 */
export async function rebuildMessageRollup(accountId?: number, executor: Executor = db): Promise<void> {
  if (accountId !== undefined) accountLiteral(accountId);
  await executor.execute(sql`select message_hourly_counts_rebuild(${accountId ?? null}::integer)`);
}

/** One row per campaign created in the period, with its counts from campaign_status_counts. */
export function groupQuery(p: ReportQueryParams): ReportQuery {
  const pending = PENDING_STATUSES.join(', ');
  const c = new Columns()
    .add('Campaign ID', 'c.id')
    .text('Campaign', 't.title')
    .text('Sender', 'c.sender_name')
    .add('Created', `to_char(c.created_at, ${ISO_LOCAL})`)
    .add('State', 'c.status::text')
    .add('Recipients', 'c.recipients')
    .add('Parts per message', 'c.parts')
    .add('Points spent', points('c.points'))
    .add('Points refunded', points('c.points_refunded'))
    .add('Delivered', 'coalesce(s.delivered, 0)')
    .add('Undelivered', 'coalesce(s.undelivered, 0)')
    .add('Pending', 'coalesce(s.pending, 0)');
  return {
    sql: `select ${c}
  from campaigns c
  cross join lateral (select coalesce(nullif(btrim(c.name), ''), left(c.content, 60)) as title) t
  left join lateral (select sum(k.messages) filter (where k.status = ${STATUS.DELIVERED}) as delivered,
                            sum(k.messages) filter (where k.status <> ${STATUS.DELIVERED} and k.status not in (${pending})) as undelivered,
                            sum(k.messages) filter (where k.status in (${pending})) as pending
                       from campaign_status_counts k where k.campaign_id = c.id) s on true
 where c.account_id = ${accountLiteral(p.accountId)}
   and c.created_at >= ${instantLiteral(p.period.start)} and c.created_at < ${instantLiteral(p.period.end)}
 order by c.created_at, c.id`,
    forceQuote: c.forceQuote,
    header: c.header,
  };
}

export function reportQuery(p: ReportQueryParams): ReportQuery {
  switch (p.type) {
    case 'detailed':
      return detailedQuery(p);
    case 'short':
      return shortQuery(p);
    case 'group':
      return groupQuery(p);
  }
}

/** Exact row count capped at `cap` (an index range scan that stops early); short: the days. */
export async function estimateReportRows(p: ReportQueryParams, cap: number): Promise<{ rows: number; capped: boolean }> {
  const { start, end, fromDay, toDay } = p.period;
  if (p.type === 'short') {
    return { rows: Math.round((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000) + 1, capped: false };
  }
  const [row] =
    p.type === 'group'
      ? await db.execute<{ n: number }>(sql`
          select count(*)::int as n from (select 1 from campaigns
           where account_id = ${p.accountId} and created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz
           limit ${cap}) s`)
      : await db.execute<{ n: number }>(sql`
          select count(*)::int as n from (select 1 from messages
           where account_id = ${p.accountId} and created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz
             and (${p.options.includeBulk} or campaign_id is null)
           limit ${cap}) s`);
  const rows = Number(row.n);
  return { rows, capped: rows >= cap };
}
