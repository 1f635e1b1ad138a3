import { and, eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { accounts, users } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { queueEmail } from '@/lib/email';
import { renderLowBalanceEmail } from '@/lib/email/render';
import { appUrl } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { resolveLocale } from '@/lib/i18n/locale';
import { formatPoints, parsePoints, POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';

/**
 * The low-balance warning: the owner sets a threshold (or turns it off), and the ledger
 * (lib/ledger postEntry) stamps accounts.low_balance_warned_at and queues the 'points:low-balance'
 * job in the transaction of the entry that crossed it. The job mails each owner once per crossing.
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

/**
 * Queues the e-mail of the crossing stamped `warnedAt` to each active owner, in their language
 * (else the portal's default). The idempotency key names the crossing and the owner, so a
 * retried job queues nothing twice. A crossing already cleared (or a threshold turned off since)
 * mails nothing. Returns how many e-mails it queued.
 */
export async function mailLowBalance(accountId: number, warnedAt: string): Promise<number> {
  const [account] = await db
    .select({ name: accounts.name, balance: accounts.balance, threshold: accounts.lowBalanceThreshold, current: accounts.lowBalanceWarnedAt })
    .from(accounts)
    .where(and(eq(accounts.id, accountId), sql`${accounts.lowBalanceWarnedAt} = ${warnedAt}::timestamptz`));
  if (!account || account.threshold === null) return 0;
  const owners = await db
    .select({ id: users.id, email: users.email, language: users.language })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, 'owner'), eq(users.disabled, false)));
  let queued = 0;
  for (const owner of owners) {
    const locale = resolveLocale(owner.language, null);
    const email = await renderLowBalanceEmail({
      locale,
      accountName: account.name,
      balance: formatPoints(account.balance, locale),
      threshold: formatPoints(account.threshold, locale),
      url: `${appUrl()}/points`,
    });
    const result = await db.transaction((tx) =>
      queueEmail(tx, { accountId, idempotencyKey: `low-balance/${accountId}/${warnedAt}/${owner.id}`, to: [owner.email], ...email }),
    );
    if (result.queued) queued++;
  }
  return queued;
}
