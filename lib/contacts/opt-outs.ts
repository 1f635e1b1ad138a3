import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { optOuts, optOutSource, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { likePrefix } from '@/lib/history/filters';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';
import { CONTROL_CHARACTERS } from '@/lib/validation';
import { parseRecipientList, type CountryCode } from '@/lib/messaging/phone';
import { MAX_OPT_OUT_REASON_LENGTH, MAX_OPT_OUTS_PER_CALL } from './limits';

/**
 * Opted-out numbers (the provider's blacklist): a send never sends to one and never charges for
 * it (lib/messaging/send.ts planSend skips them). A number may be opted out whether or not it is
 * a contact; the first opt-out's when and why are kept.
 */

export type OptOutSource = (typeof optOutSource.enumValues)[number];
export type OptOut = { id: number; phone: string; reason: string; source: OptOutSource; login: string | null; createdAt: Date };

export function optOutReason(raw: string | undefined): string {
  const reason = (raw ?? '').trim();
  if (reason.length > MAX_OPT_OUT_REASON_LENGTH) throw new AppError('text_too_long', { field: 'reason', params: { max: MAX_OPT_OUT_REASON_LENGTH } });
  if (CONTROL_CHARACTERS.test(reason)) throw new AppError('text_control', { field: 'reason' });
  return reason;
}

/** Opts out E.164 numbers; returns how many were not opted out before. */
export async function optOutNumbers(
  accountId: number,
  phones: readonly string[],
  by: { reason: string; source: OptOutSource; userId: number | null },
  executor: Executor = db,
): Promise<number> {
  const unique = [...new Set(phones)];
  if (!unique.length) return 0;
  const rows = await executor
    .insert(optOuts)
    .values(unique.map((phone) => ({ accountId, phone, reason: by.reason, source: by.source, userId: by.userId })))
    .onConflictDoNothing()
    .returning({ id: optOuts.id });
  return rows.length;
}

/** Lets numbers be sent to again; returns how many were opted out. */
export async function removeOptOuts(accountId: number, phones: readonly string[], executor: Executor = db): Promise<number> {
  if (!phones.length) return 0;
  const rows = await executor
    .delete(optOuts)
    .where(and(eq(optOuts.accountId, accountId), inArray(optOuts.phone, [...new Set(phones)])))
    .returning({ id: optOuts.id });
  return rows.length;
}

export async function removeOptOutById(accountId: number, id: number): Promise<void> {
  const rows = await db
    .delete(optOuts)
    .where(and(eq(optOuts.accountId, accountId), eq(optOuts.id, id)))
    .returning({ id: optOuts.id });
  if (!rows.length) throw new AppError('not_found');
}

/** Which of these E.164 numbers are opted out. */
export async function optedOutAmong(accountId: number, phones: readonly string[], executor: Executor = db): Promise<Set<string>> {
  if (!phones.length) return new Set();
  const rows = await executor.execute<{ phone: string }>(
    sql`select phone from opt_outs where account_id = ${accountId} and phone = any(${pgTextArray(phones)}::text[])`,
  );
  return new Set(rows.map((row) => row.phone));
}

/** A Postgres array literal of E.164 numbers (digits and '+' only), as one parameter. */
function pgTextArray(phones: readonly string[]): string {
  for (const phone of phones) if (!/^\+\d{1,15}$/.test(phone)) throw new TypeError(`not an E.164 number: ${phone}`);
  return `{${phones.join(',')}}`;
}

export async function getOptOut(accountId: number, phone: string, executor: Executor = db): Promise<OptOut | null> {
  const [row] = await executor
    .select({ id: optOuts.id, phone: optOuts.phone, reason: optOuts.reason, source: optOuts.source, login: users.email, createdAt: optOuts.createdAt })
    .from(optOuts)
    .leftJoin(users, eq(users.id, optOuts.userId))
    .where(and(eq(optOuts.accountId, accountId), eq(optOuts.phone, phone)));
  return row ?? null;
}

// An opt-out's id in a cursor: a positive bigint that JavaScript holds exactly.
const optOutCursorId = z.string().regex(/^[1-9]\d{0,15}$/);

export type OptOutPage = { rows: OptOut[]; nextCursor: string | null };

/** The account's opted-out numbers, newest first, by keyset; `prefix` an E.164 beginning (numberPrefixForSearch). */
export async function listOptOuts(accountId: number, options: { prefix?: string | null; cursor?: string | null; limit: number }): Promise<OptOutPage> {
  const cursor = options.cursor ? decodeKeysetCursor(options.cursor, optOutCursorId) : null;
  if (options.cursor && !cursor) throw new AppError('invalid_cursor', { field: 'cursor' });
  const rows = await db.execute<{ id: string; phone: string; reason: string; source: OptOutSource; login: string | null; created_iso: string }>(sql`
    select o.id::text as id, o.phone, o.reason, o.source, u.email as login,
           to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso
      from opt_outs o left join users u on u.id = o.user_id
     where o.account_id = ${accountId}
       ${options.prefix ? sql`and o.phone like ${likePrefix(options.prefix)}` : sql``}
       ${cursor ? sql`and (o.created_at, o.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)` : sql``}
     order by o.created_at desc, o.id desc
     limit ${options.limit + 1}`);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({ id: Number(r.id), phone: r.phone, reason: r.reason, source: r.source, login: r.login, createdAt: new Date(r.created_iso) })),
    nextCursor: rows.length > options.limit && last ? encodeKeysetCursor(last.created_iso, last.id) : null,
  };
}

/**
 * Opts out the numbers in a typed or pasted list (separated by lines, commas, semicolons or
 * spaces), normalised per the account's country; at most MAX_OPT_OUTS_PER_CALL. Returns how many
 * were added and the entries that are not numbers.
 */
export async function optOutList(
  account: { id: number; country: string },
  text: string,
  by: { reason: string; source: OptOutSource; userId: number | null },
): Promise<{ added: number; invalid: string[] }> {
  const list = parseRecipientList(text, account.country as CountryCode);
  if (list.valid.length + list.invalid.length === 0) throw new AppError('recipients_required', { field: 'numbers' });
  if (list.valid.length > MAX_OPT_OUTS_PER_CALL) throw new AppError('too_many_recipients', { field: 'numbers', params: { max: MAX_OPT_OUTS_PER_CALL } });
  const added = await optOutNumbers(account.id, list.valid.map((v) => v.e164), { ...by, reason: optOutReason(by.reason) });
  return { added, invalid: list.invalid.map((i) => i.input).slice(0, 20) };
}
