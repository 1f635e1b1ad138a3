import type { campaignStatus } from '@/db/schema';
import { toPoints } from '@/lib/messaging/api';
import { STATUS, statusName } from '@/lib/messaging/statuses';
import type { CampaignProgress } from './index';

/** What the API shows of a campaign (a campaign just created has no more). */
type CampaignSummary = Pick<
  CampaignProgress,
  'id' | 'name' | 'status' | 'sender' | 'rate' | 'recipients' | 'createdAt' | 'counts' | 'points' | 'pointsRefunded' | 'skippedOptedOut'
>;

const FAILED = [STATUS.UNDELIVERED, STATUS.FAILED, STATUS.REJECTED, STATUS.EXPIRED, STATUS.UNKNOWN, STATUS.NOT_FOUND];

/** A campaign as the API shows it: state, counts per status and the sent/delivered/failed/pending summary. */
export function campaignJson(progress: CampaignSummary) {
  const count = (codes: number[]) => codes.reduce((sum, code) => sum + (progress.counts[code] ?? 0), 0);
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
      failed: count(FAILED),
      awaiting_report: count([STATUS.SENT, STATUS.ACCEPTED, STATUS.RENEWAL]),
      stopped: count([STATUS.STOP]),
    },
    statuses: Object.fromEntries(Object.entries(progress.counts).map(([code, n]) => [statusName(Number(code)) ?? code, n])),
    points_spent: toPoints(progress.points - progress.pointsRefunded),
    points_refunded: toPoints(progress.pointsRefunded),
  };
}
