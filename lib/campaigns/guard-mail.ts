import { and, eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { accounts, campaignStatusCounts, campaigns, users } from '@/db/schema';
import { queueEmail } from '@/lib/email';
import { renderCampaignGuardEmail } from '@/lib/email/render';
import { appUrl } from '@/lib/env';
import { resolveLocale } from '@/lib/i18n/locale';
import { STATUS } from '@/lib/messaging/statuses';

/**
 * Queues the e-mail of one trip of a campaign's failure guard (lib/campaigns/guard.ts) to each
 * active owner, in their language. The idempotency key names the trip and the owner, so a
 * retried job queues nothing twice; a trip already replaced by a later one mails nothing.
 * Apart from guard.ts, so that the report appliers do not load the e-mail renderer.
 */
export async function mailGuardTrip(campaignId: string, trippedAt: string): Promise<number> {
  const [campaign] = await db
    .select({
      accountId: campaigns.accountId,
      accountName: accounts.name,
      name: campaigns.name,
      content: campaigns.content,
      recipients: campaigns.recipients,
      failed: campaigns.guardFailed,
      reports: campaigns.guardReports,
      percent: campaigns.guardFailurePercent,
    })
    .from(campaigns)
    .innerJoin(accounts, eq(accounts.id, campaigns.accountId))
    .where(and(eq(campaigns.id, campaignId), sql`${campaigns.guardTrippedAt} = ${trippedAt}::timestamptz`));
  if (!campaign || campaign.failed === null || campaign.reports === null) return 0;
  const [waiting] = await db
    .select({ n: campaignStatusCounts.messages })
    .from(campaignStatusCounts)
    .where(and(eq(campaignStatusCounts.campaignId, campaignId), eq(campaignStatusCounts.status, STATUS.QUEUE)));
  const owners = await db
    .select({ id: users.id, email: users.email, language: users.language })
    .from(users)
    .where(and(eq(users.accountId, campaign.accountId), eq(users.role, 'owner'), eq(users.disabled, false)));
  let queued = 0;
  for (const owner of owners) {
    const locale = resolveLocale(owner.language, null);
    const number = new Intl.NumberFormat(locale === 'bg' ? 'bg-BG' : 'en-GB');
    const percent = new Intl.NumberFormat(locale === 'bg' ? 'bg-BG' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 });
    const waitingCount = waiting?.n ?? 0;
    const email = await renderCampaignGuardEmail({
      locale,
      accountName: campaign.accountName,
      campaignName: campaign.name || campaign.content.slice(0, 40),
      failed: number.format(campaign.failed),
      reports: number.format(campaign.reports),
      share: percent.format(campaign.failed / campaign.reports),
      threshold: percent.format((campaign.percent ?? 0) / 100),
      sent: number.format(campaign.recipients - waitingCount),
      waiting: number.format(waitingCount),
      url: `${appUrl()}/bulk/${campaignId}`,
    });
    const result = await db.transaction((tx) =>
      queueEmail(tx, { accountId: campaign.accountId, idempotencyKey: `campaign-guard/${campaignId}/${trippedAt}/${owner.id}`, to: [owner.email], ...email }),
    );
    if (result.queued) queued++;
  }
  return queued;
}
