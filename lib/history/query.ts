import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { isStatusCode, PENDING_STATUSES, type StatusCode } from '@/lib/messaging/statuses';
import { encodeCursor, type Cursor } from './cursor';
import { likePrefix, PAGE_SIZES, PENDING_WINDOW_DAYS, RECENT_WINDOW_HOURS, type HistoryFilters, type MessageSource } from './filters';

export type HistoryRow = {
  id: number;
  sender: string;
  recipient: string;
  createdAt: Date;
  status: number;
  parts: number;
  source: MessageSource;
  /** point units (1 point = 10,000 units) */
  points: number;
  idx: string | null;
  errorCode: number | null;
  content: string;
  /** e-mail of the user who sent it; null for messages without a user */
  login: string | null;
  doneAt: Date | null;
  campaignId: string | null;
};

export type HistoryPage = {
  rows: HistoryRow[];
  /** cursor for the next page of older messages, or null when there is none */
  olderCursor: string | null;
  /** cursor for the page of newer messages, or null on the newest page */
  newerCursor: string | null;
};

type RawRow = {
  id: string;
  sender_name: string;
  recipient: string;
  created_iso: string;
  status: number;
  parts: number;
  source: MessageSource;
  points: string;
  idx: string | null;
  error_code: number | null;
  content: string;
  login: string | null;
  done_iso: string | null;
  campaign_id: string | null;
};

const MAX_PAGE_SIZE = Math.max(...PAGE_SIZES);

// Every branch returns these columns of `messages m`; the outer query adds the sender's login.
const BRANCH_COLUMNS = sql.raw(
  'm.id, m.user_id, m.sender_name, m.recipient, m.created_at, m.status, m.parts, m.source, m.points, m.idx, m.error_code, m.content, m.done_at, m.campaign_id',
);

/** Codes as SQL literals: validated small integers, inlined so a partial index's predicate is provable under any plan. */
function inList(codes: readonly StatusCode[]): SQL {
  const valid = codes.filter((code) => isStatusCode(code));
  return sql.raw(`(${valid.join(', ')})`);
}

/**
 * The filters every branch shares: account first, always. Each parameter carries its own cast, so
 * that an export (COPY, where parameters are read back as text: lib/files/copyable.ts) reads it as
 * the type it was.
 */
function commonConditions(accountId: number, filters: HistoryFilters): SQL[] {
  if (!Number.isSafeInteger(accountId)) throw new TypeError('accountId must be an integer');
  const conditions = [sql`m.account_id = ${accountId}::int`];
  if (filters.sender !== null) conditions.push(sql`m.sender_name = ${filters.sender}::text`);
  // With the actual prefix in the plan (plan_cache_mode=force_custom_plan), LIKE 'prefix%' becomes
  // a range on messages_account_recipient_idx (text_pattern_ops).
  if (filters.recipientPrefix !== null) conditions.push(sql`m.recipient like ${likePrefix(filters.recipientPrefix)}::text`);
  if (filters.source !== null) conditions.push(sql`m.source = ${filters.source}::message_source`);
  if (filters.campaign !== null) conditions.push(sql`m.campaign_id = ${filters.campaign}::uuid`);
  if (filters.range !== null) {
    conditions.push(sql`m.created_at >= ${filters.range.start.toISOString()}::timestamptz`);
    conditions.push(sql`m.created_at < ${filters.range.end.toISOString()}::timestamptz`);
  }
  if (filters.cursor !== null) conditions.push(keyset(filters.cursor, filters.direction === 'newer' ? '>' : '<'));
  return conditions;
}

// A row comparison is one index condition on (created_at, id) of the (account_id, created_at desc,
// id desc) indexes: the scan starts right at the cursor, however deep it is.
function keyset(cursor: Cursor, op: '<' | '>'): SQL {
  return sql`(m.created_at, m.id) ${sql.raw(op)} (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`;
}

function branch(conditions: SQL[], order: 'asc' | 'desc', limit: number): SQL {
  const dir = sql.raw(order);
  return sql`(select ${BRANCH_COLUMNS} from messages m where ${sql.join(conditions, sql` and `)} order by m.created_at ${dir}, m.id ${dir} limit ${sql.raw(String(limit))})`;
}

/**
 * The filters as disjoint alternatives, each a list of conditions a row must all meet: every
 * filter the page applies, at the instant `now` (SQL: the page's is now(); an export's is the
 * instant it was asked for). The page reads each alternative as one branch of its query; an
 * export of the view ORs them (historyViewCondition), so the two cannot filter differently.
 *
 * The default window ("last 24 hours, and up to 4 days while awaiting a delivery report") is an
 * OR of time ranges that no single index scan serves in order, so it is several alternatives:
 *   recent:  created_at >= now - 24h                          (messages_account_created_idx, or the filter's index)
 *   pending: one per status awaiting a report, now - 4d <= created_at < now - 24h
 *            (messages_account_status_idx: (account_id, status, created_at, id), an ordered range each;
 *            no index of its own, which every message would enter and leave twice)
 */
export function historyAlternatives(accountId: number, filters: HistoryFilters, now: SQL = sql`now()`): SQL[][] {
  const common = commonConditions(accountId, filters);
  const statuses = filters.statuses;
  // A date range replaces the default window; a campaign is shown whole.
  if (filters.range !== null || filters.campaign !== null) return [statuses.length ? [...common, sql`m.status in ${inList(statuses)}`] : common];
  const alternatives = [[...common, sql`m.created_at >= ${now} - interval '${sql.raw(String(RECENT_WINDOW_HOURS))} hours'`, ...(statuses.length ? [sql`m.status in ${inList(statuses)}`] : [])]];
  const pending = statuses.length ? PENDING_STATUSES.filter((code) => statuses.includes(code)) : [...PENDING_STATUSES];
  for (const code of pending) {
    alternatives.push([
      ...common,
      sql`m.status = ${sql.raw(String(code))}`,
      sql`m.created_at >= ${now} - interval '${sql.raw(String(PENDING_WINDOW_DAYS))} days'`,
      sql`m.created_at < ${now} - interval '${sql.raw(String(RECENT_WINDOW_HOURS))} hours'`,
    ]);
  }
  return alternatives;
}

/**
 * Every message of the account the page shows for these filters at the instant `asOf`, as one
 * condition on `messages m`, whatever its size: what "Export this view" exports. The cursor is
 * not a filter (the export is the whole view, not a page of it). `m.account_id` is in every
 * alternative, so the condition never reaches another account's rows.
 */
export function historyViewCondition(accountId: number, filters: HistoryFilters, asOf: Date): SQL {
  if (!Number.isFinite(asOf.getTime())) throw new TypeError('asOf must be a valid instant');
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const alternatives = historyAlternatives(accountId, { ...filters, cursor: null }, at);
  // Nothing sent after the instant was on the page then.
  return sql`(${sql.join(
    alternatives.map((conditions) => sql`(${sql.join(conditions, sql` and `)})`),
    sql` or `,
  )}) and m.created_at <= ${at}`;
}

/**
 * The page's SQL. Keyset pagination on (created_at, id), newest first, never OFFSET and never a
 * count. Each alternative of historyAlternatives is a UNION ALL branch, an ordered, limited index
 * scan, and the outer query merges at most 5 × (pageSize + 1) rows (recent, and one per status awaiting a report). now() is the same instant in
 * both.
 */
export function buildHistoryQuery(accountId: number, filters: HistoryFilters): SQL {
  const pageSize = Math.min(Math.max(1, Math.trunc(filters.pageSize) || 1), MAX_PAGE_SIZE);
  const limit = pageSize + 1;
  const order = filters.direction === 'newer' ? 'asc' : 'desc';
  const branches = historyAlternatives(accountId, filters).map((conditions) => branch(conditions, order, limit));

  const dir = sql.raw(order);
  return sql`
    select ${ROW_COLUMNS}
    from (${sql.join(branches, sql` union all `)}) w
    left join users u on u.id = w.user_id
    left join campaigns c on c.id = w.campaign_id
    order by w.created_at ${dir}, w.id ${dir}
    limit ${sql.raw(String(limit))}`;
}

/** A RawRow of messages `w`, the sender's user `u` and the campaign `c` (whose text its messages share). */
const ROW_COLUMNS = sql.raw(`
      w.id::text as id, w.sender_name, w.recipient,
      to_char(w.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso,
      w.status, w.parts, w.source, w.points::text as points, w.idx, w.error_code, coalesce(w.content, c.content) as content,
      u.email as login,
      to_char(w.done_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as done_iso,
      w.campaign_id::text as campaign_id`);

function toRow(raw: RawRow): HistoryRow {
  return {
    id: Number(raw.id),
    sender: raw.sender_name,
    recipient: raw.recipient,
    createdAt: new Date(raw.created_iso),
    status: Number(raw.status),
    parts: Number(raw.parts),
    source: raw.source,
    points: Number(raw.points),
    idx: raw.idx,
    errorCode: raw.error_code === null ? null : Number(raw.error_code),
    content: raw.content,
    login: raw.login,
    doneAt: raw.done_iso === null ? null : new Date(raw.done_iso),
    campaignId: raw.campaign_id,
  };
}

/**
 * One page of an account's message history, newest first. Only `accountId`'s messages, whatever
 * the filters say. Returns at most `filters.pageSize` (capped at 100) rows and the cursors for
 * the older and newer pages.
 */
export async function listMessages(accountId: number, filters: HistoryFilters, executor: Executor = db): Promise<HistoryPage> {
  const pageSize = Math.min(Math.max(1, Math.trunc(filters.pageSize) || 1), MAX_PAGE_SIZE);
  const raw = await executor.execute<RawRow>(buildHistoryQuery(accountId, filters));
  const more = raw.length > pageSize;
  const fetched = raw.slice(0, pageSize);
  if (filters.direction === 'newer') fetched.reverse();
  const rows = fetched.map(toRow);
  const cursorOf = (row: RawRow | undefined) => (row ? encodeCursor({ createdAt: row.created_iso, id: Number(row.id) }) : null);
  const newest = fetched[0];
  const oldest = fetched[fetched.length - 1];
  const moved = filters.cursor !== null;
  return {
    rows,
    olderCursor: (filters.direction === 'older' ? more : moved) ? cursorOf(oldest) : null,
    newerCursor: (filters.direction === 'newer' ? more : moved) ? cursorOf(newest) : null,
  };
}

/** One of the account's messages (its "i" details); null for an id that is not one of them. */
export async function getMessage(accountId: number, id: number, executor: Executor = db): Promise<HistoryRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const [raw] = await executor.execute<RawRow>(sql`
    select ${ROW_COLUMNS}
    from messages w left join users u on u.id = w.user_id left join campaigns c on c.id = w.campaign_id
    where w.account_id = ${accountId} and w.id = ${id}`);
  return raw ? toRow(raw) : null;
}

/**
 * Sender names to offer in the filter: the approved ones and any found in the account's history
 * (a name withdrawn since still has messages). The distinct names come from a skip scan of
 * messages_account_sender_idx: one index probe per name, however many messages there are.
 */
export async function listHistorySenders(accountId: number, executor: Executor = db): Promise<string[]> {
  const rows = await executor.execute<{ name: string }>(sql`
    with recursive used(name) as (
      (select sender_name from messages where account_id = ${accountId} order by sender_name limit 1)
      union all
      select (
        select m.sender_name from messages m
        where m.account_id = ${accountId} and m.sender_name > used.name
        order by m.sender_name limit 1
      )
      from used where used.name is not null
    )
    select name from (select name from used where name is not null limit 200) found
    union
    select name from sender_names where account_id = ${accountId}
    order by name`);
  return rows.map((row) => row.name);
}
