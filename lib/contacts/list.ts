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
  /** the contact's groups' names, alphabetical */
  groups: string[];
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
  groups: string[] | null;
  opt_out_reason: string | null;
  opt_out_at: string | null;
};

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
  if (search?.kind === 'name') {
    for (const word of search.words) {
      const like = sql`${likePrefix(word)}::text`;
      conditions.push(sql`(lower(c.first_name) like ${like} or lower(c.last_name) like ${like} or lower(c.email) like ${like})`);
    }
  }
  if (filters.groupId !== null) {
    conditions.push(sql`exists (select 1 from contact_group_members gm where gm.group_id = ${filters.groupId}::uuid and gm.contact_id = c.id)`);
  }
  if (filters.optedOut !== null) {
    const optedOut = sql`exists (select 1 from opt_outs o where o.account_id = c.account_id and o.phone = c.phone)`;
    conditions.push(filters.optedOut ? optedOut : sql`not ${optedOut}`);
  }
  return conditions;
}

/**
 * One page of the account's contacts, newest first, by keyset on (created_at, id): never OFFSET,
 * never a count. Each row brings its groups' names and its opt-out.
 */
export async function listContacts(accountId: number, filters: ContactFilters, executor: Executor = db): Promise<ContactPage> {
  const conditions = contactConditions(accountId, filters);
  const order = filters.direction === 'newer' ? 'asc' : 'desc';
  if (filters.cursor) {
    conditions.push(sql`(c.created_at, c.id) ${sql.raw(filters.direction === 'newer' ? '>' : '<')} (${filters.cursor.createdAt}::timestamptz, ${filters.cursor.id}::uuid)`);
  }
  const dir = sql.raw(order);
  const limit = filters.pageSize + 1;
  const raw = await executor.execute<RawRow>(sql`
    select p.id::text as id, p.phone, p.first_name, p.last_name, p.email, p.custom_fields,
           to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso, p.updated_at,
           g.names as groups, o.reason as opt_out_reason, o.created_at as opt_out_at
      from (select c.* from contacts c where ${sql.join(conditions, sql` and `)}
             order by c.created_at ${dir}, c.id ${dir} limit ${sql.raw(String(limit))}) p
      left join lateral (select array_agg(cg.name order by cg.name) as names
                           from contact_group_members gm join contact_groups cg on cg.id = gm.group_id
                          where gm.contact_id = p.id and cg.account_id = p.account_id) g on true
      left join opt_outs o on o.account_id = p.account_id and o.phone = p.phone
     order by p.created_at ${dir}, p.id ${dir}`);
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
