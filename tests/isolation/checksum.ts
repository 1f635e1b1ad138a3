import { sql } from 'drizzle-orm';
import { db } from '@/db';

/** The tables an isolation breach would show in; each has an account_id (accounts: id). */
export const CHECKED_TABLES = [
  'accounts',
  'api_tokens',
  'sender_names',
  'contact_groups',
  'campaigns',
  'messages',
  'ledger_entries',
  'report_definitions',
  'report_runs',
  'email_outbox',
] as const;

/**
 * One md5 per table over every row's text (ordered by that text), either of one account's rows
 * or of the whole table (accountId null).
 */
export async function checksums(accountId: number | null): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of CHECKED_TABLES) {
    const column = table === 'accounts' ? 'id' : 'account_id';
    const where = accountId === null ? sql`` : sql`where t.${sql.identifier(column)} = ${accountId}`;
    const rows = await db.execute<{ sum: string }>(
      sql`select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as sum from ${sql.identifier(table)} t ${where}`,
    );
    out[table] = rows[0].sum;
  }
  return out;
}
