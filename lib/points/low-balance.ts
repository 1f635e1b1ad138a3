import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { accounts } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { parsePoints, POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';

/**
 * The low-balance warning: the owner sets a threshold (or turns it off), and the ledger
 * (lib/ledger postEntry) stamps accounts.low_balance_warned_at and queues the 'points:low-balance'
 * job in the transaction of the entry that crossed it. The job mails each owner once per crossing
 * (./low-balance-mail.ts: apart, so pages that show the setting do not load the e-mail renderer).
 */

/** "12,5" / "12.5" points as units; empty: off (null). Throws AppError 'threshold_invalid'. */
export function parseThreshold(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  let units: number;
  try {
    units = parsePoints(trimmed);
  } catch {
    throw new AppError('threshold_invalid', { field: 'threshold' });
  }
  if (units <= 0) throw new AppError('threshold_invalid', { field: 'threshold' });
  return units;
}

/**
 * Sets the account's threshold (units, null: off) and forgets any warning out, so that the next
 * entry below the new threshold warns; audited with the old and new values in one transaction.
 */
export async function setLowBalanceThreshold(accountId: number, threshold: number | null, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ threshold: accounts.lowBalanceThreshold })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .for('update');
    if (!before) throw new AppError('not_found');
    await tx.update(accounts).set({ lowBalanceThreshold: threshold, lowBalanceWarnedAt: null }).where(eq(accounts.id, accountId));
    await recordAudit(tx, {
      accountId,
      userId: actor.userId,
      action: 'account.low_balance_threshold',
      target: { type: 'account', id: accountId },
      ip: actor.ip,
      details: { from: before.threshold, to: threshold },
    });
  });
}

/** Units as the threshold field shows them back: the locale's decimal mark, no grouping (parseThreshold reads it). */
export function thresholdText(units: number, locale: string): string {
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: POINT_DECIMALS }).format(`${units / POINT_UNITS}` as `${number}`);
}

/** The account's threshold and when it last warned (the /points page). */
export async function lowBalanceSetting(accountId: number): Promise<{ threshold: number | null; warnedAt: Date | null }> {
  const [row] = await db
    .select({ threshold: accounts.lowBalanceThreshold, warnedAt: accounts.lowBalanceWarnedAt })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!row) throw new AppError('not_found');
  return row;
}
