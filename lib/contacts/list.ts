import { sql, type SQL } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { likePrefix } from '@/lib/history/filters';
import { encodeContactCursor, type ContactFilters } from './filters';

export type ContactRow = {
  id: string;
  phone: string;
  firstName: string;
  lastName: string;
  email: string | null;
  customFields: Record<string, string>;
  /** the contact's groups, by name */
  groups: { id: string; name: string }[];
  /** when and why the number was opted out, or null */
  optOut: { reason: string; createdAt: Date } | null;
  createdAt: Date;
  updatedAt: Date;
};

export type ContactPage = { rows: ContactRow[]; olderCursor: string | null; newerCursor: string | null };

type RawRow = {
  id: string;
  phone: string;
  first_name: string;
  last_name: string;
  email: string | null;
  custom_fields: Record<string, string>;
  created_iso: string;
  updated_at: string;
  groups: { id: string; name: string }[] | null;
  opt_out_reason: string | null;
  opt_out_at: string | null;
};

/**
 * Each word begins the first name, the last name or the e-mail (`columns`: their lower-case
 * values). The first two words as the OR of which column each begins (the same rows): every arm is
 * a range of one index, the pair of names one of contacts_account_last_first_name_idx, so two
 * common words that no contact has together (a first and a last name) read nothing, where their
 * two ORs ANDed read all of one word's rows.
 */
function nameConditions(words: string[], columns: SQL[]): SQL[] {
  const likes = words.map((word) => sql`${likePrefix(word)}::text`);
  const any = (like: SQL) => sql`(${sql.join(columns.map((column) => sql`${column} like ${like}`), sql` or `)})`;
  if (likes.length < 2) return likes.map(any);
  const arms = columns.flatMap((a) => columns.map((b) => sql`(${a} like ${likes[0]} and ${b} like ${likes[1]})`));
  return [sql`(${sql.join(arms, sql` or `)})`, ...likes.slice(2).map(any)];
}

/**
 * The WHERE of the table, the API's list and the export: the account first, always. A number is a
 * range of contacts_account_phone_key (text_pattern_ops); each word of a name must begin the first
 * name, last name or e-mail (a BitmapOr of their lower() indexes); a group or the opt-out state is
 * a semi-join. Every parameter carries its cast, so the export can hand them to COPY as settings
 * (lib/contacts/export.ts). With the actual values in the plan (force_custom_plan) the planner picks between
 * those and the keyset index by how many rows they match.
 */
export function contactConditions(accountId: number, filters: Pick<ContactFilters, 'search' | 'groupId' | 'optedOut'>): SQL[] {
  if (!Number.isSafeInteger(accountId)) throw new TypeError('accountId must be an integer');
  const conditions = [sql`c.account_id = ${accountId}::int`];
  const search = filters.search;
  if (search?.kind === 'number') conditions.push(sql`c.phone like ${likePrefix(search.prefix)}::text`);
  if (search?.kind === 'name') conditions.push(...nameConditions(search.words, [sql`lower(c.first_name)`, sql`lower(c.last_name)`, sql`lower(c.email)`]));
  if (filters.groupId !== null) {
    conditions.push(sql`exists (select 1 from contact_group_members gm where gm.group_id = ${filters.groupId}::uuid and gm.contact_id = c.id)`);
  }
  if (filters.optedOut !== null) {
    const optedOut = sql`exists (select 1 from opt_outs o where o.account_id = c.account_id and o.phone = c.phone)`;
    conditions.push(filters.optedOut ? optedOut : sql`not ${optedOut}`);
  }
  return conditions;
}

/** The contact's columns a page brings. */
const COLUMNS = sql.raw('c.id, c.account_id, c.phone, c.first_name, c.last_name, c.email, c.custom_fields, c.created_at, c.updated_at');
/** A group this small is read whole through its members and sorted, rather than found along the keyset. */
const SMALL_GROUP = 5_000;
/** How many of the next contacts along the keyset a name search looks at first. */
const PROBE = 1_000;
/** Matches among the probe's that make the walk go on (0.5%: collecting would fetch thousands at a million contacts). */
const WALK_MATCHES = 5;
/** The most contacts along the keyset a name search walks through. */
const WALK = 40_000;

/**
 * One page of the account's contacts by keyset, never OFFSET, never a count; each row brings its
 * groups' names and its opt-out. Each filter reads through what bounds its work, whatever the
 * statistics say and however the rows lie (an imported file puts its matches side by side):
 * - a number search lists its matches in number order: a range of contacts_account_phone_key,
 *   read in order and stopped after a page (the cursor's row gives the number to go on from);
 * - a name search looks at the next PROBE contacts along the keyset; when they hold a page of
 *   matches (a common name) that is the page; when they hold some (a word of one contact in a
 *   hundred) the walk goes on, bounded, to a page; otherwise its matches are collected through
 *   the name and e-mail indexes and sorted (a walk along the keyset that filters could go through
 *   a million rows to find the few);
 * - a small group (its member count is kept) is read through its members and sorted, a large
 *   one along the keyset;
 * - otherwise newest first along (account_id, created_at desc, id desc).
 */
export async function listContacts(accountId: number, filters: ContactFilters, executor: Executor = db): Promise<ContactPage> {
  const newer = filters.direction === 'newer';
  const byNumber = filters.search?.kind === 'number';
  const along = [sql`c.account_id = ${accountId}::int`];
  if (filters.cursor && byNumber) {
    along.push(sql`c.phone ${sql.raw(newer ? '~<~' : '~>~')} (select x.phone from contacts x where x.id = ${filters.cursor.id}::uuid and x.account_id = ${accountId}::int)`);
  } else if (filters.cursor) {
    along.push(sql`(c.created_at, c.id) ${sql.raw(newer ? '>' : '<')} (${filters.cursor.createdAt}::timestamptz, ${filters.cursor.id}::uuid)`);
  }
  const conditions = [...along, ...contactConditions(accountId, filters).slice(1)];
  const dir = sql.raw(newer ? 'asc' : 'desc');
  // The index's own (byte-wise, text_pattern_ops) order: ORDER BY phone would sort by the collation.
  const order = byNumber ? sql`phone using ${sql.raw(newer ? '~>~' : '~<~')}` : sql`created_at ${dir}, id ${dir}`;
  const limit = filters.pageSize + 1;
  const where = sql.join(conditions, sql` and `);
  let page = sql`(select ${COLUMNS} from contacts c where ${where} order by ${order} limit ${sql.raw(String(limit))})`;
  const collected = sql`(with matches as materialized (select ${COLUMNS} from contacts c where ${where}) select * from matches order by ${order} limit ${sql.raw(String(limit))})`;
  if (filters.search?.kind === 'name') {
    // The probe's matches tell how common the words are. Short of a page but at least
    // WALK_MATCHES of PROBE, the walk goes on along the keyset past the probe, up to where a page
    // is due at that rate four times over (at most WALK rows): it stops at the page, a few
    // thousand rows read in order, where collecting would fetch each of the thousands of matches.
    // Rarer words, or a walk that comes up short too, collect. Each branch runs only when the one
    // before came up short (one-time filters; a LIMIT 0 reads nothing). Along the keyset each
    // row's lower-case names are computed once (the conditions name them a dozen times).
    const lowered = [sql.raw('lower_first'), sql.raw('lower_last'), sql.raw('lower_email')];
    const walkWhere = sql.join([...contactConditions(accountId, { ...filters, search: null }).slice(1), ...nameConditions(filters.search.words, lowered)], sql` and `);
    const alongRows = (rows: SQL) =>
      sql`(select c.*, lower(c.first_name) as lower_first, lower(c.last_name) as lower_last, lower(c.email) as lower_email
             from contacts c where ${sql.join(along, sql` and `)} order by ${order} ${rows})`;
    const n = (cte: string) => sql.raw(`(select n from ${cte})`);
    const L = sql.raw(String(limit));
    page = sql`(with probe as (select ${COLUMNS} from ${alongRows(sql.raw(`limit ${PROBE}`))} c where ${walkWhere} order by ${order} limit ${L}),
                  found as (select count(*)::int as n from probe),
                  walk as (select ${COLUMNS} from ${alongRows(sql.raw(`limit (select case when n >= ${limit} or n < ${WALK_MATCHES} then 0 else least(${WALK}, ceil(${4 * limit * PROBE} / n::numeric))::int end from found) offset ${PROBE}`))} c
                            where ${walkWhere} order by ${order} limit (select ${L} - n from found)),
                  walked as (select count(*)::int as n from walk)
                select * from probe where ${n('found')} >= ${L}
                union all
                select * from (select * from probe union all select * from walk) w where ${n('found')} < ${L} and ${n('found')} + ${n('walked')} >= ${L}
                union all
                select * from ${collected} m where ${n('found')} < ${L} and ${n('found')} + ${n('walked')} < ${L})`;
  } else if (!byNumber && filters.groupId !== null) {
    const [group] = await executor.execute<{ members: number }>(
      sql`select members from contact_groups where id = ${filters.groupId}::uuid and account_id = ${accountId}::int`,
    );
    if ((group?.members ?? 0) <= SMALL_GROUP) page = collected;
  }
  const raw = await executor.execute<RawRow>(sql`
    select p.id::text as id, p.phone, p.first_name, p.last_name, p.email, p.custom_fields,
           to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso, p.updated_at,
           g.names as groups, o.reason as opt_out_reason, o.created_at as opt_out_at
      from ${page} p
      left join lateral (select json_agg(json_build_object('id', cg.id, 'name', cg.name) order by cg.name) as names
                           from contact_group_members gm join contact_groups cg on cg.id = gm.group_id
                          where gm.contact_id = p.id and cg.account_id = p.account_id) g on true
      left join opt_outs o on o.account_id = p.account_id and o.phone = p.phone
     order by ${byNumber ? sql`p.phone using ${sql.raw(newer ? '~>~' : '~<~')}` : sql`p.created_at ${dir}, p.id ${dir}`}`);
  const more = raw.length > filters.pageSize;
  const fetched = raw.slice(0, filters.pageSize);
  if (filters.direction === 'newer') fetched.reverse();
  const cursorOf = (row: RawRow | undefined) => (row ? encodeContactCursor({ createdAt: row.created_iso, id: row.id }) : null);
  const moved = filters.cursor !== null;
  return {
    rows: fetched.map((r) => ({
      id: r.id,
      phone: r.phone,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      customFields: r.custom_fields,
      groups: r.groups ?? [],
      optOut: r.opt_out_at === null ? null : { reason: r.opt_out_reason ?? '', createdAt: new Date(r.opt_out_at) },
      createdAt: new Date(r.created_iso),
      updatedAt: new Date(r.updated_at),
    })),
    olderCursor: (filters.direction === 'older' ? more : moved) ? cursorOf(fetched[fetched.length - 1]) : null,
    newerCursor: (filters.direction === 'newer' ? more : moved) ? cursorOf(fetched[0]) : null,
  };
}
