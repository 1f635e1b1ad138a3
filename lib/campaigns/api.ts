import type { campaignStatus } from '@/db/schema';
import { toPoints } from '@/lib/messaging/api';
import { AWAITING_REPORT_STATUSES, FAILED_STATUSES, STATUS, statusName } from '@/lib/messaging/statuses';
import type { CampaignProgress } from './index';

/** What the API shows of a campaign (a campaign just created has no more). */
type CampaignSummary = Pick<
  CampaignProgress,
  'id' | 'name' | 'status' | 'sender' | 'rate' | 'recipients' | 'createdAt' | 'counts' | 'points' | 'pointsRefunded' | 'skippedOptedOut'
>;

/** A campaign as the API shows it: state, counts per status and the sent/delivered/failed/pending summary. */
export function campaignJson(progress: CampaignSummary) {
  const count = (codes: readonly number[]) => codes.reduce((sum, code) => sum + (progress.counts[code] ?? 0), 0);
  return {
    id: progress.id,
    name: progress.name,
    status: progress.status as (typeof campaignStatus.enumValues)[number],
    from: progress.sender,
    rate: progress.rate,
    recipients: progress.recipients,
    // opted-out numbers left out at submit: never sent, never charged
    skipped_opted_out: progress.skippedOptedOut,
    created_at: progress.createdAt.toISOString(),
    progress: {
      pending: count([STATUS.QUEUE]),
      sent: progress.recipients - count([STATUS.QUEUE, STATUS.STOP]),
      delivered: count([STATUS.DELIVERED]),
      failed: count(FAILED_STATUSES),
      awaiting_report: count(AWAITING_REPORT_STATUSES),
      stopped: count([STATUS.STOP]),
    },
    statuses: Object.fromEntries(Object.entries(progress.counts).map(([code, n]) => [statusName(Number(code)) ?? code, n])),
    points_spent: toPoints(progress.points - progress.pointsRefunded),
    points_refunded: toPoints(progress.pointsRefunded),
  };
}
