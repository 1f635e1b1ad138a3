import { eq, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { accounts, ledgerEntries } from '@/db/schema';

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
 */
export async function postEntry(tx: Executor, entry: LedgerEntryInput): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
    throw new Error(`Ledger amount must be a non-zero integer number of units, got ${entry.amount}`);
  }
  let updated: { balance: number }[];
  try {
    updated = await tx
      .update(accounts)
      .set({ balance: sql`${accounts.balance} + ${entry.amount}` })
      .where(eq(accounts.id, entry.accountId))
      .returning({ balance: accounts.balance });
  } catch (error) {
    if (isCheckViolation(error, 'accounts_balance_non_negative')) throw new InsufficientBalanceError();
    throw error;
  }
  if (updated.length !== 1) throw new Error(`No account ${entry.accountId}`);
  await tx.insert(ledgerEntries).values({
    accountId: entry.accountId,
    kind: entry.kind,
    amount: entry.amount,
    campaignId: entry.campaignId ?? null,
    messageId: entry.messageId ?? null,
    userId: entry.userId ?? null,
    note: entry.note ?? '',
  });
  return updated[0];
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
