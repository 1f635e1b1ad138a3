import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { accounts, numberFailures } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { likePrefix } from '@/lib/history/filters';
import { failureReason } from '@/lib/insights/errors';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';
import { STATUS } from '@/lib/messaging/statuses';
import { SUPPRESS_AFTER } from './suppression-limits';

/**
 * Suppression of dead numbers: a number whose last `suppressAfter` delivery reports (the
 * account's setting, default 3) all said permanent failure (lib/insights/errors.ts: not in
 * service, unknown, barred) is suppressed for the account. A send skips it and charges nothing
 * for it, as for an opt-out (lib/messaging/send.ts), until someone releases it by hand.
 */

export { SUPPRESS_AFTER };

/** A final report as it was applied to a message (lib/gateway/reports.ts). */
export type AppliedReport = { messageId: number; accountId: number; campaignId: string | null; phone: string; status: number; errorCode: number | null };

export function isPermanentFailure(status: number, errorCode: number | null): boolean {
  return failureReason(status, errorCode)?.kind === 'permanent';
}

/**
 * Folds applied final reports, in their order, into each number's run of permanent failures: any
 * other report ends the run (the row goes, unless the number is already suppressed); the run's
 * permanent failures after the last such report are added, and a run that reaches the account's
 * threshold suppresses the number. Two statements for the whole batch. Runs inside the applier's
 * transaction (one applier at a time), so the runs stay exact.
 */
export async function recordNumberOutcomes(tx: Executor, reports: readonly AppliedReport[]): Promise<void> {
  const runs = new Map<string, { accountId: number; phone: string; reset: boolean; failures: number; last: AppliedReport | null }>();
  for (const report of reports) {
    if (report.status === STATUS.STOP) continue;
    const key = `${report.accountId} ${report.phone}`;
    const run = runs.get(key) ?? { accountId: report.accountId, phone: report.phone, reset: false, failures: 0, last: null };
    if (isPermanentFailure(report.status, report.errorCode)) {
      run.failures++;
      run.last = report;
    } else {
      run.reset = true;
      run.failures = 0;
      run.last = null;
    }
    runs.set(key, run);
  }
  const reset = [...runs.values()].filter((r) => r.reset).map((r) => ({ account_id: r.accountId, phone: r.phone }));
  if (reset.length) {
    await tx.execute(sql`
      delete from number_failures f
       using jsonb_to_recordset(${JSON.stringify(reset)}::jsonb) as r(account_id int, phone text)
       where f.account_id = r.account_id and f.phone = r.phone and f.suppressed_at is null`);
  }
  const failing = [...runs.values()]
    .filter((r) => r.last)
    .map((r) => ({ account_id: r.accountId, phone: r.phone, failures: r.failures, status: r.last!.status, error_code: r.last!.errorCode, message_id: r.last!.messageId }));
  if (failing.length) {
    // Sorted, so that two appliers (never at once today) would lock rows in one order.
    failing.sort((a, b) => a.account_id - b.account_id || (a.phone < b.phone ? -1 : 1));
    await tx.execute(sql`
      insert into number_failures as f (account_id, phone, failures, status, error_code, last_message_id, updated_at, suppressed_at)
      select r.account_id, r.phone, r.failures, r.status, r.error_code, r.message_id, now(),
             case when r.failures >= a.suppress_after then now() end
        from jsonb_to_recordset(${JSON.stringify(failing)}::jsonb)
             as r(account_id int, phone text, failures int, status smallint, error_code int, message_id bigint)
        join accounts a on a.id = r.account_id
      on conflict (account_id, phone) do update
         set failures = f.failures + excluded.failures, status = excluded.status, error_code = excluded.error_code,
             last_message_id = excluded.last_message_id, updated_at = now(),
             suppressed_at = coalesce(f.suppressed_at,
               case when f.failures + excluded.failures >= (select suppress_after from accounts where id = excluded.account_id) then now() end)`);
  }
}

/** Which of these E.164 numbers are suppressed for the account. */
export async function suppressedAmong(accountId: number, phones: readonly string[], executor: Executor = db): Promise<Set<string>> {
  if (!phones.length) return new Set();
  for (const phone of phones) if (!/^\+\d{1,15}$/.test(phone)) throw new TypeError(`not an E.164 number: ${phone}`);
  const rows = await executor.execute<{ phone: string }>(sql`
    select phone from number_failures
     where account_id = ${accountId} and phone = any(${`{${phones.join(',')}}`}::text[]) and suppressed_at is not null`);
  return new Set(rows.map((row) => row.phone));
}

export type SuppressedNumber = { phone: string; failures: number; status: number; errorCode: number | null; lastMessageId: number | null; suppressedAt: Date };
export type SuppressedPage = { rows: SuppressedNumber[]; nextCursor: string | null };

const phoneCursor = z.string().regex(/^\+\d{1,15}$/);

/** The account's suppressed numbers, newest first, by keyset; `prefix` an E.164 beginning. */
export async function listSuppressed(accountId: number, options: { prefix?: string | null; cursor?: string | null; limit: number }): Promise<SuppressedPage> {
  const cursor = options.cursor ? decodeKeysetCursor(options.cursor, phoneCursor) : null;
  if (options.cursor && !cursor) throw new AppError('invalid_cursor', { field: 'cursor' });
  const rows = await db.execute<{ phone: string; failures: number; status: number; error_code: number | null; last_message_id: string | null; at_iso: string }>(sql`
    select phone, failures, status, error_code, last_message_id,
           to_char(suppressed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_iso
      from number_failures
     where account_id = ${accountId} and suppressed_at is not null
       ${options.prefix ? sql`and phone like ${likePrefix(options.prefix)}` : sql``}
       ${cursor ? sql`and (suppressed_at, phone) < (${cursor.createdAt}::timestamptz, ${cursor.id})` : sql``}
     order by suppressed_at desc, phone desc
     limit ${options.limit + 1}`);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      phone: r.phone,
      failures: r.failures,
      status: r.status,
      errorCode: r.error_code,
      lastMessageId: r.last_message_id === null ? null : Number(r.last_message_id),
      suppressedAt: new Date(r.at_iso),
    })),
    nextCursor: rows.length > options.limit && last ? encodeKeysetCursor(last.at_iso, last.phone) : null,
  };
}

export async function countSuppressed(accountId: number): Promise<number> {
  return db.$count(numberFailures, and(eq(numberFailures.accountId, accountId), isNotNull(numberFailures.suppressedAt)));
}

/** Lets a suppressed number be sent to again; its run of failures starts over. */
export async function releaseSuppressed(accountId: number, phone: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .delete(numberFailures)
      .where(and(eq(numberFailures.accountId, accountId), eq(numberFailures.phone, phone), isNotNull(numberFailures.suppressedAt)))
      .returning({ failures: numberFailures.failures });
    if (!rows.length) throw new AppError('not_found');
    await recordAudit(tx, { accountId, userId: actor.userId, action: 'number.release', target: { type: 'account', id: accountId }, ip: actor.ip, details: { phone } });
  });
}

export async function suppressionSetting(accountId: number): Promise<number | null> {
  const [row] = await db.select({ after: accounts.suppressAfter }).from(accounts).where(eq(accounts.id, accountId));
  return row?.after ?? null;
}

/** Sets after how many permanent failures in a row a number is suppressed (null: never). */
export async function setSuppressAfter(accountId: number, after: number | null, actor: AuditActor): Promise<void> {
  if (after !== null && (!Number.isInteger(after) || after < SUPPRESS_AFTER.min || after > SUPPRESS_AFTER.max)) {
    throw new AppError('invalid_value', { field: 'suppressAfter', params: { detail: `${SUPPRESS_AFTER.min}..${SUPPRESS_AFTER.max}` } });
  }
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ suppressAfter: after }).where(eq(accounts.id, accountId));
    await recordAudit(tx, { accountId, userId: actor.userId, action: 'account.suppression', target: { type: 'account', id: accountId }, ip: actor.ip, details: { after } });
  });
}
