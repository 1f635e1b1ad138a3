import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';

/** The tables an isolation breach would show in: each has an account_id, or hangs on a row that has one. */
export const CHECKED_TABLES = [
  'accounts',
  'api_tokens',
  'users',
  'sender_names',
  'contact_groups',
  'campaigns',
  'messages',
  'ledger_entries',
  'report_definitions',
  'report_runs',
  'email_outbox',
  'contacts',
  'contact_fields',
  'contact_group_members',
  'opt_outs',
  'contact_imports',
  'contact_import_chunks',
  'contact_import_errors',
  'saved_views',
] as const;

/** Tables without an account_id: their rows belong to the account of the rows they hang on (a membership to both sides'). */
const OWNED_BY: Partial<Record<(typeof CHECKED_TABLES)[number], (accountId: number) => SQL>> = {
  accounts: (id) => sql`t.id = ${id}`,
  contact_group_members: (id) => sql`(exists (select 1 from contact_groups g where g.id = t.group_id and g.account_id = ${id})
    or exists (select 1 from contacts c where c.id = t.contact_id and c.account_id = ${id}))`,
  contact_import_chunks: (id) => sql`exists (select 1 from contact_imports i where i.id = t.import_id and i.account_id = ${id})`,
  contact_import_errors: (id) => sql`exists (select 1 from contact_imports i where i.id = t.import_id and i.account_id = ${id})`,
};

/**
 * One md5 per table over every row's text (ordered by that text), either of one account's rows
 * or of the whole table (accountId null). A token's last use is left out: it is the request's
 * bookkeeping (a refused call with a valid token still used it), not a change the call made.
 */
export async function checksums(accountId: number | null): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of CHECKED_TABLES) {
    const where = accountId === null ? sql`` : sql`where ${OWNED_BY[table]?.(accountId) ?? sql`t.account_id = ${accountId}`}`;
    const rows = await db.execute<{ sum: string }>(
      sql`select md5(coalesce(string_agg(r, ',' order by r), '')) as sum from (select (to_jsonb(t) - 'last_used_at')::text as r from ${sql.identifier(table)} t ${where}) rows`,
    );
    out[table] = rows[0].sum;
  }
  return out;
}
