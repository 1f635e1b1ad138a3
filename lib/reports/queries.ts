import { sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import type { ReportOptions, reportType } from '@/db/schema';
import { PENDING_STATUSES, STATUS, type StatusName } from '@/lib/messaging/statuses';
import { POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';
import { csvPhoneSql, csvSafeSql, sqlIdentifier } from '@/lib/files/csv';
import { csvHeader, sourceWordSql, statusWord, statusWordSql, type CsvColumn } from '@/lib/i18n/csv-words';
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locale';
import { addDays, startOfDay } from '@/lib/calendar';
import { copyable } from '@/lib/files/copyable';
import { historyFiltersOfView } from '@/lib/history/filters';
import { historyViewCondition } from '@/lib/history/query';
import type { Period } from './periods';

/**
 * The SQL of the three report types, for `copyCsv` (COPY takes no bind parameters).
 *
 * Only validated literals are inlined: the account id (a positive safe integer), the period's
 * instants (Date objects, written by toISOString(), so only digits, '-', ':', '.', 'T', 'Z')
 * and local days (checked against YYYY-MM-DD). Everything user-written is a column value,
 * neutralised with csvSafeSql() (phone numbers in E.164 written as they are, csvPhoneSql) and
 * force-quoted. Dates are formatted in the session TimeZone, which copyCsv sets (the account's
 * zone) with set_config(). Headers and status words are in the report's language.
 */

export type ReportType = (typeof reportType.enumValues)[number];
export type ReportQueryParams = {
  accountId: number;
  type: ReportType;
  options: ReportOptions;
  period: Period;
  timeZone: string;
  /** the language of the header and the status words; English when not given */
  locale?: Locale;
  /** the account's custom contact fields (lib/contacts/fields.ts): a column each with contact data */
  contactFields?: readonly { id: string; name: string }[];
};
/** `settings`: the values of the query's current_setting() reads, for copyCsv to set (lib/files/copyable.ts). */
export type ReportQuery = { sql: string; forceQuote: string[]; header: string[]; settings: Record<string, string> };

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const points = (expr: string) => `(${expr}::numeric / ${POINT_UNITS})::numeric(20, ${POINT_DECIMALS})`;

/** Builds "expr as "Name"" lines and remembers the header and the force-quoted columns. */
class Columns {
  readonly header: string[] = [];
  readonly forceQuote: string[] = [];
  private readonly lines: string[] = [];
  constructor(private readonly name: (column: CsvColumn) => string = csvHeader(DEFAULT_LOCALE)) {}
  /** A column of ours, named in the report's language. */
  col(column: CsvColumn, expr: string, text = false): this {
    return this.add(this.name(column), expr, text);
  }
  /** A user text column of ours: neutralised in SQL and always quoted. */
  textCol(column: CsvColumn, sqlColumn: string): this {
    return this.text(this.name(column), sqlColumn);
  }
  /** A phone number column (E.164 written as it is, anything else neutralised), always quoted. */
  phoneCol(column: CsvColumn, sqlColumn: string): this {
    return this.add(this.name(column), csvPhoneSql(sqlColumn), true);
  }
  add(name: string, expr: string, text = false): this {
    this.lines.push(`${expr} as ${sqlIdentifier(name)}`);
    this.header.push(name);
    if (text) this.forceQuote.push(name);
    return this;
  }
  /** A user text column under a name of its own (a custom contact field's): neutralised in SQL and always quoted. */
  text(name: string, column: string): this {
    return this.add(name, csvSafeSql(column), true);
  }
  toString(): string {
    return this.lines.join(',\n       ');
  }
}

/**
 * An exported History view's rows (options.view): the page's own filter SQL at the instant it was
 * asked for, in place of the period, so the file cannot drift from the page.
 */
function viewCondition(p: Pick<ReportQueryParams, 'accountId' | 'options'>) {
  const view = p.options.view;
  return view ? historyViewCondition(p.accountId, historyFiltersOfView(view), new Date(view.asOf)) : null;
}

function messageFilter(p: ReportQueryParams): { sql: string; settings: Record<string, string> } {
  const view = viewCondition(p);
  if (view) {
    const { text, settings } = copyable(view, 'report_view');
    return { sql: text, settings };
  }
  const parts = [
    `m.account_id = ${accountLiteral(p.accountId)}`,
    `m.created_at >= ${instantLiteral(p.period.start)}`,
    `m.created_at < ${instantLiteral(p.period.end)}`,
  ];
  if (!p.options.includeBulk) parts.push('m.campaign_id is null');
  return { sql: parts.join(' and '), settings: {} };
}

/** One row per message, oldest first (the (account_id, created_at, id) index, read backwards). */
export function detailedQuery(p: ReportQueryParams): ReportQuery {
  const o = p.options;
  const locale = p.locale ?? DEFAULT_LOCALE;
  const c = new Columns(csvHeader(locale))
    .col('messageId', 'm.id')
    .col('date', `to_char(m.created_at, ${ISO_LOCAL})`)
    .phoneCol('sender', 'm.sender_name')
    .phoneCol('recipient', 'm.recipient')
    .col('status', statusWordSql('m.status', locale))
    .col('statusCode', 'm.status')
    .col('parts', 'm.parts')
    .col('points', points('m.points'))
    .col('source', sourceWordSql('m.source::text', locale))
    .textCol('login', 'u.email');
  const joins = ['left join users u on u.id = m.user_id'];
  if (o.includeContent) {
    // A campaign's messages share its text (stored once, on the campaign).
    c.textCol('content', 'mt.content');
    joins.push('left join campaigns mc on mc.id = m.campaign_id', 'cross join lateral (select coalesce(m.content, mc.content) as content) mt');
  }
  if (o.idx) c.textCol('idx', 'm.idx');
  if (o.contacts) {
    c.textCol('firstName', 'ct.first_name').textCol('lastName', 'ct.last_name').textCol('email', 'ct.email').textCol('groups', 'cg.names');
    joins.push(
      'left join contacts ct on ct.account_id = m.account_id and ct.phone = m.recipient',
      `left join lateral (select string_agg(g.name, '; ' order by g.name) as names
                            from contact_group_members gm join contact_groups g on g.id = gm.group_id
                           where gm.contact_id = ct.id) cg on true`,
    );
    // Each custom field its own column, under its name (a second column by a name already taken gets a number).
    const fields = p.contactFields ?? [];
    fields.forEach((field, i) => {
      if (!UUID.test(field.id)) throw new Error('contact field id is not a uuid');
      let name = field.name;
      for (let n = 2; c.header.some((taken) => taken.toLowerCase() === name.toLowerCase()); n++) name = `${field.name} ${n}`;
      c.text(name, `cf.f${i}`);
    });
    if (fields.length) joins.push(`cross join lateral (select ${fields.map((f, i) => `ct.custom_fields ->> '${f.id}' as f${i}`).join(', ')}) cf`);
  }
  if (o.shortLinks) {
    c.textCol('shortLink', 'sl.code')
      .textCol('linkTarget', 'sl.target_url')
      .col('clicks', 'coalesce(sl.clicks, 0)')
      .col('firstClick', `to_char(sl.first_click, ${ISO_LOCAL})`)
      .col('lastClick', `to_char(sl.last_click, ${ISO_LOCAL})`);
    joins.push(`left join lateral (select l.code, l.target_url, count(k.id) as clicks, min(k.clicked_at) as first_click, max(k.clicked_at) as last_click
                            from short_links l left join short_link_clicks k on k.short_link_id = l.id
                           where l.message_id = m.id and l.account_id = m.account_id
                           group by l.id order by l.id limit 1) sl on true`);
  }
  const filter = messageFilter(p);
  return {
    sql: `select ${c}
  from messages m
  ${joins.join('\n  ')}
 where ${filter.sql}
 order by m.created_at, m.id`,
    forceQuote: c.forceQuote,
    header: c.header,
    settings: filter.settings,
  };
}

/** True when every local midnight of the period falls on a whole UTC hour (UTC buckets roll up exactly). */
export function dayBoundariesOnWholeHours(period: Period, timeZone: string): boolean {
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
  const locale = p.locale ?? DEFAULT_LOCALE;
  const word = statusWord(locale);
  const c = new Columns(csvHeader(locale)).col('day', `to_char(d.day, 'YYYY-MM-DD')`).col('messages', 'coalesce(sum(x.n), 0)');
  // A column per status, named in words and code ("Delivered 404").
  for (const name of Object.keys(STATUS) as StatusName[]) {
    c.add(`${word(name)} ${STATUS[name]}`, `coalesce(sum(x.n) filter (where x.status = ${STATUS[name]}), 0)`);
  }
  c.col('parts', 'coalesce(sum(x.parts), 0)').col('points', points('coalesce(sum(x.points), 0)'));
  const hourly = dayBoundariesOnWholeHours(p.period, p.timeZone)
    ? `select r.hour as h, r.status, sum(r.messages) as n, sum(r.parts) as parts, sum(r.points) as points
      from message_hourly_counts r
     where r.account_id = ${accountLiteral(p.accountId)}
       and r.hour >= ${instantLiteral(p.period.start)} and r.hour < ${instantLiteral(p.period.end)}${p.options.includeBulk ? '' : '\n       and not r.bulk'}
     group by 1, 2`
    : `select date_trunc('hour', m.created_at) as h, m.status, count(*) as n, sum(m.parts) as parts, sum(m.points) as points
      from messages m
     where ${messageFilter(p).sql}
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
    settings: {},
  };
}

/**
 * Recomputes the rollups of messages (message_hourly_counts and the deliverability counts of
 * lib/insights) for one account (or all): after a bulk load in replica mode
 * (session_replication_role = replica skips the triggers that keep them).
 * Writers to messages wait while it runs (a SHARE lock until the end of the transaction).
 */
export async function rebuildMessageRollup(accountId?: number, executor: Executor = db): Promise<void> {
  if (accountId !== undefined) accountLiteral(accountId);
  await executor.execute(sql`select message_hourly_counts_rebuild(${accountId ?? null}::integer), delivery_counts_rebuild(${accountId ?? null}::integer)`);
}

/**
 * One row per campaign created in the period, with its counts from campaign_status_counts.
 * Points spent are net of the refund, which stands beside them; a stopped campaign's unsent
 * messages are "stopped", not "undelivered".
 */
/** A campaign's origin, when it is a follow-up (lib/campaigns/resend.ts): the group report lists follow-ups under it. */
export const FOLLOW_UP_ORIGIN = 'left join campaigns o on o.id = c.follows_campaign_id and o.account_id = c.account_id';
export const FOLLOW_UP_ORDER = 'coalesce(o.created_at, c.created_at), coalesce(o.id, c.id), c.follows_campaign_id is not null, c.created_at, c.id';

export function groupQuery(p: ReportQueryParams): ReportQuery {
  const pending = PENDING_STATUSES.join(', ');
  const c = new Columns(csvHeader(p.locale ?? DEFAULT_LOCALE))
    .col('campaignId', 'c.id')
    .col('followsUp', 'c.follows_campaign_id')
    .textCol('campaign', 't.title')
    .phoneCol('sender', 'c.sender_name')
    .col('created', `to_char(c.created_at, ${ISO_LOCAL})`)
    .col('state', 'c.status::text')
    .col('recipients', 'c.recipients')
    .col('skippedOptedOut', 'c.skipped_opted_out')
    .col('partsPerMessage', 'c.parts')
    .col('pointsSpent', points('(c.points - c.points_refunded)'))
    .col('pointsRefunded', points('c.points_refunded'))
    .col('delivered', 'coalesce(s.delivered, 0)')
    .col('undelivered', 'coalesce(s.undelivered, 0)')
    .col('pending', 'coalesce(s.pending, 0)')
    .col('stopped', 'coalesce(s.stopped, 0)');
  return {
    sql: `select ${c}
  from campaigns c
  cross join lateral (select coalesce(nullif(btrim(c.name), ''), left(c.content, 60)) as title) t
  left join lateral (select sum(k.messages) filter (where k.status = ${STATUS.DELIVERED}) as delivered,
                            sum(k.messages) filter (where k.status not in (${STATUS.DELIVERED}, ${STATUS.STOP}, ${pending})) as undelivered,
                            sum(k.messages) filter (where k.status in (${pending})) as pending,
                            sum(k.messages) filter (where k.status = ${STATUS.STOP}) as stopped
                       from campaign_status_counts k where k.campaign_id = c.id) s on true
  ${FOLLOW_UP_ORIGIN}
 where c.account_id = ${accountLiteral(p.accountId)}
   and c.created_at >= ${instantLiteral(p.period.start)} and c.created_at < ${instantLiteral(p.period.end)}
 order by ${FOLLOW_UP_ORDER}`,
    forceQuote: c.forceQuote,
    header: c.header,
    settings: {},
  };
}

export function reportQuery(p: ReportQueryParams): ReportQuery {
  // A view is the History page's rows: one row per message.
  if (p.options.view && p.type !== 'detailed') throw new Error('an exported view is a detailed report');
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
          select count(*)::int as n from (select 1 from messages m
           where ${
             viewCondition(p) ??
             sql`m.account_id = ${p.accountId} and m.created_at >= ${start.toISOString()}::timestamptz and m.created_at < ${end.toISOString()}::timestamptz
             and (${p.options.includeBulk} or m.campaign_id is null)`
           }
           limit ${cap}) s`);
  const rows = Number(row.n);
  return { rows, capped: rows >= cap };
}
