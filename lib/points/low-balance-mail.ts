import { and, eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { accounts, users } from '@/db/schema';
import { queueEmail } from '@/lib/email';
import { renderLowBalanceEmail } from '@/lib/email/render';
import { appUrl } from '@/lib/env';
import { resolveLocale } from '@/lib/i18n/locale';
import { formatPoints } from '@/lib/messaging/pricing';

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
