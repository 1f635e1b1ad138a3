import { sql, type SQL } from 'drizzle-orm';
import { createTranslator } from 'use-intl/core';
import { db, type Executor } from '@/db';
import { ledgerKind } from '@/db/schema';
import { localDay, safeTimeZone } from '@/lib/calendar';
import { copyable } from '@/lib/files/copyable';
import { copyCsv, CSV_CONTENT_TYPE, csvSafeSql, sqlIdentifier } from '@/lib/files/csv';
import { downloadHeaders } from '@/lib/files/download';
import { decodeCursor, encodeCursor } from '@/lib/history/cursor';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type pointsEn from '@/lib/i18n/messages/points.en.json';
import { POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';
import type { Period } from '@/lib/reports/periods';

/**
 * An account's ledger entries (append-only; lib/ledger), newest first, with what caused each:
 * the campaign, the single message, the user who did it, the note. Keyset pages on
 * (created_at, id) from ledger_entries_account_idx (account_id, created_at desc); the id breaks
 * ties of one instant.
 */

export type LedgerKind = (typeof ledgerKind.enumValues)[number];
export const LEDGER_KINDS = ledgerKind.enumValues;
export const ENTRIES_PAGE_SIZE = 50;

export type EntryFilters = { kind: LedgerKind | null; period: Pick<Period, 'start' | 'end'> | null };

export type LedgerEntryRow = {
  id: number;
  kind: LedgerKind;
  /** signed units */
  amount: number;
  createdAt: Date;
  note: string;
  campaign: { id: string; title: string } | null;
  /** the one message it was for: named by a refund, or the only message of a plain send */
  messageId: number | null;
  user: { id: number; label: string } | null;
};

export type EntriesPage = { rows: LedgerEntryRow[]; older: string | null };

function conditions(accountId: number, filters: EntryFilters): SQL[] {
  const where = [sql`le.account_id = ${accountId}::int`];
  if (filters.kind) where.push(sql`le.kind = ${filters.kind}::ledger_kind`);
  if (filters.period) {
    where.push(sql`le.created_at >= ${filters.period.start.toISOString()}::timestamptz`);
    where.push(sql`le.created_at < ${filters.period.end.toISOString()}::timestamptz`);
  }
  return where;
}

type EntrySqlRow = {
  id: string;
  kind: LedgerKind;
  amount: string;
  created_at: string;
  created_iso: string;
  note: string;
  campaign_id: string | null;
  campaign_title: string | null;
  message_id: string | null;
  user_id: number | null;
  user_label: string | null;
};

/**
 * The entries of one instant's plain send are its messages' transaction: they share created_at
 * (now()), so a debit without a campaign finds its message on messages_account_created_idx;
 * only a send of exactly one message is linked.
 */
const entrySelect = sql`
  select le.id::text, le.kind, le.amount::text, le.created_at,
         to_char(le.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso,
         le.note, le.campaign_id::text, coalesce(nullif(btrim(c.name), ''), left(c.content, 60)) as campaign_title,
         coalesce(le.message_id, one.id)::text as message_id,
         le.user_id, coalesce(nullif(btrim(u.name), ''), u.email) as user_label
    from ledger_entries le
    left join campaigns c on c.id = le.campaign_id and c.account_id = le.account_id
    left join users u on u.id = le.user_id and u.account_id = le.account_id
    left join lateral (
      select min(s.id) as id from (
        select m.id from messages m
         where le.kind = 'debit' and le.campaign_id is null and le.message_id is null
           and m.account_id = le.account_id and m.created_at = le.created_at and m.campaign_id is null
           and m.user_id is not distinct from le.user_id
         limit 2) s
      having count(*) = 1) one on true`;

/** The SQL of a page: `size + 1` entries older than the cursor's (a cursor not ours: the first page). */
export function entriesPageQuery(accountId: number, filters: EntryFilters, cursor: string | null, size: number): SQL {
  const where = conditions(accountId, filters);
  const at = cursor ? decodeCursor(cursor) : null;
  if (at) where.push(sql`(le.created_at, le.id) < (${at.createdAt}::timestamptz, ${at.id}::bigint)`);
  return sql`
    ${entrySelect}
     where ${sql.join(where, sql` and `)}
     order by le.created_at desc, le.id desc
     limit ${size + 1}`;
}

/** One page of entries, newest first; `cursor` from the previous page's `older`. */
export async function listEntries(
  accountId: number,
  filters: EntryFilters,
  cursor: string | null,
  size = ENTRIES_PAGE_SIZE,
  executor: Executor = db,
): Promise<EntriesPage> {
  const rows = await executor.execute<EntrySqlRow>(entriesPageQuery(accountId, filters, cursor, size));
  const shown = rows.slice(0, size);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      amount: Number(r.amount),
      createdAt: new Date(r.created_at),
      note: r.note,
      campaign: r.campaign_id ? { id: r.campaign_id, title: r.campaign_title ?? '' } : null,
      messageId: r.message_id === null ? null : Number(r.message_id),
      user: r.user_id === null ? null : { id: r.user_id, label: r.user_label ?? '' },
    })),
    older: rows.length > size && last ? encodeCursor({ createdAt: last.created_iso, id: Number(last.id) }) : null,
  };
}

/** The balance and the sum of every entry of the account: equal when the ledger reconciles. */
export async function reconciliation(accountId: number): Promise<{ balance: number; entriesSum: number; difference: number }> {
  const [row] = await db.execute<{ balance: string; total: string }>(sql`
    select a.balance::text, (select coalesce(sum(le.amount), 0) from ledger_entries le where le.account_id = a.id)::text as total
      from accounts a where a.id = ${accountId}`);
  if (!row) throw new Error(`No account ${accountId}`);
  const balance = Number(row.balance);
  const entriesSum = Number(row.total);
  return { balance, entriesSum, difference: balance - entriesSum };
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const ISO_LOCAL = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;

/** The CSV of the entries the filters select (every page), newest first, headers in `locale`. */
export function entriesCsvQuery(accountId: number, filters: EntryFilters, locale: Locale): { query: SQL; forceQuote: string[] } {
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof pointsEn, namespace: 'points' });
  const h = (key: Parameters<typeof t>[0]) => sqlIdentifier(t(key));
  const kinds = LEDGER_KINDS.map((kind) => `when '${kind}' then ${literal(t(`kinds.${kind}`))}`).join(' ');
  const forceQuote = [t('csv.campaign'), t('csv.user'), t('csv.note')];
  const query = sql`
    select x.id as ${sql.raw(h('csv.id'))},
           to_char(x.created_at, ${sql.raw(ISO_LOCAL)}) as ${sql.raw(h('csv.date'))},
           case x.kind::text ${sql.raw(kinds)} end as ${sql.raw(h('csv.kind'))},
           (x.amount::numeric / ${sql.raw(String(POINT_UNITS))})::numeric(20, ${sql.raw(String(POINT_DECIMALS))}) as ${sql.raw(h('csv.points'))},
           x.campaign_id as ${sql.raw(h('csv.campaignId'))},
           ${sql.raw(csvSafeSql('x.campaign_title'))} as ${sql.raw(h('csv.campaign'))},
           x.message_id as ${sql.raw(h('csv.messageId'))},
           ${sql.raw(csvSafeSql('x.user_label'))} as ${sql.raw(h('csv.user'))},
           ${sql.raw(csvSafeSql('x.note'))} as ${sql.raw(h('csv.note'))}
      from (${entrySelect} where ${sql.join(conditions(accountId, filters), sql` and `)}) x
     order by x.created_at desc, x.id::bigint desc`;
  return { query, forceQuote };
}

/** The entries as the product's CSV (lib/files/csv.ts), times in the account's zone with offsets. */
export function entriesCsvResponse(account: { id: number; timeZone: string }, filters: EntryFilters, locale: Locale, fileDays: string): Response {
  const { query, forceQuote } = entriesCsvQuery(account.id, filters, locale);
  const { text, settings } = copyable(query, 'points_entries');
  const timeZone = safeTimeZone(account.timeZone);
  const body = copyCsv(text, { forceQuote, settings: { ...settings, TimeZone: timeZone } });
  return new Response(body, { headers: downloadHeaders(CSV_CONTENT_TYPE, `points-${fileDays || localDay(new Date(), timeZone)}`, 'csv') });
}
