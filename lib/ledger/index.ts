import { eq, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { accounts, ledgerEntries } from '@/db/schema';
import { enqueue, type JobName } from '@/lib/jobs';

/** The job that mails a low-balance crossing (lib/points/low-balance.ts mailLowBalance). */
export const LOW_BALANCE_JOB: JobName = 'points:low-balance';

export class InsufficientBalanceError extends Error {
  constructor() {
    super('Not enough points');
    this.name = 'InsufficientBalanceError';
  }
}

export type LedgerEntryInput = {
  accountId: number;
  kind: 'top_up' | 'debit' | 'refund' | 'adjustment';
  /** signed units: credits positive, debits negative */
  amount: number;
  campaignId?: string | null;
  messageId?: number | null;
  userId?: number | null;
  note?: string;
};

/**
 * Appends a ledger entry and moves the cached balance by the same amount, in the caller's
 * transaction. The balance CHECK (>= 0) refuses an overdraft, which aborts the whole transaction.
 *
 * The same UPDATE keeps the low-balance warning (accounts.low_balance_threshold): the entry that
 * takes the balance below the threshold while no warning is out stamps low_balance_warned_at and
 * queues the owners' e-mail (lib/points/low-balance.ts) with it; an entry that leaves the balance
 * at or above the threshold clears the stamp, so the next crossing warns again. With the
 * threshold off, nothing but the balance changes.
 */
export async function postEntry(tx: Executor, entry: LedgerEntryInput): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
    throw new Error(`Ledger amount must be a non-zero integer number of units, got ${entry.amount}`);
  }
  let updated: { balance: string; warned_at: string | null }[];
  try {
    // This statement's own crossing, under the row's lock: the CTE locks the row and reads the
    // stamp the UPDATE replaces (the lock reads the latest version, as the UPDATE then does). FOR
    // NO KEY UPDATE, the UPDATE's own lock: FOR UPDATE would also wait for every transaction that
    // inserted a row referencing the account (their KEY SHARE), and two sends of one account
    // deadlock that way.
    updated = await tx.execute<{ balance: string; warned_at: string | null }>(sql`
      with locked as (select id, low_balance_warned_at as was_warned_at from accounts where id = ${entry.accountId} for no key update)
      update accounts a
         set balance = a.balance + ${entry.amount}::bigint,
             low_balance_warned_at = case
               when a.low_balance_threshold is null then a.low_balance_warned_at
               when a.balance + ${entry.amount}::bigint >= a.low_balance_threshold then null
               when ${entry.amount}::bigint < 0 and a.low_balance_warned_at is null then now()
               else a.low_balance_warned_at end
        from locked
       where a.id = locked.id
      returning a.balance::text as balance,
                case when locked.was_warned_at is null and a.low_balance_warned_at is not null
                     then to_char(a.low_balance_warned_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') end as warned_at`);
  } catch (error) {
    if (isCheckViolation(error, 'accounts_balance_non_negative')) throw new InsufficientBalanceError();
    throw error;
  }
  if (updated.length !== 1) throw new Error(`No account ${entry.accountId}`);
  const [{ balance, warned_at: warnedAt }] = updated;
  if (warnedAt) await enqueue(tx, LOW_BALANCE_JOB, { accountId: entry.accountId, warnedAt }, { jobKey: `low-balance:${entry.accountId}:${warnedAt}` });
  await tx.insert(ledgerEntries).values({
    accountId: entry.accountId,
    kind: entry.kind,
    amount: entry.amount,
    campaignId: entry.campaignId ?? null,
    messageId: entry.messageId ?? null,
    userId: entry.userId ?? null,
    note: entry.note ?? '',
  });
  return { balance: Number(balance) };
}

export function addPoints(input: { accountId: number; amount: number; userId?: number | null; note?: string }) {
  return db.transaction((tx) =>
    postEntry(tx, { ...input, kind: input.amount > 0 ? 'top_up' : 'adjustment' }),
  );
}

/** Per account: cached balance and the sum of its ledger entries (they must always be equal). */
export async function ledgerTotals(accountId: number): Promise<{ balance: number; ledgerSum: number }> {
  const [row] = await db
    .select({
      balance: accounts.balance,
      ledgerSum: sql<number>`(select coalesce(sum(le.amount), 0)::bigint from ledger_entries le where le.account_id = ${accountId})`.mapWith(Number),
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!row) throw new Error(`No account ${accountId}`);
  return row;
}

function isCheckViolation(error: unknown, constraint: string): boolean {
  const seen = new Set<unknown>();
  for (let e = error as { code?: string; constraint_name?: string; cause?: unknown } | undefined; e && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (e.code === '23514' && e.constraint_name === constraint) return true;
  }
  return false;
}
