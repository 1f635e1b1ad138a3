import type { campaignStatus } from '@/db/schema';
import { toPoints } from '@/lib/messaging/api';
import { AWAITING_REPORT_STATUSES, FAILED_STATUSES, STATUS, statusName } from '@/lib/messaging/statuses';
import type { CampaignProgress } from './index';

/** What the API shows of a campaign (a campaign just created has no more). */
type CampaignSummary = Pick<
  CampaignProgress,
  | 'id'
  | 'name'
  | 'status'
  | 'sender'
  | 'rate'
  | 'recipients'
  | 'createdAt'
  | 'counts'
  | 'points'
  | 'pointsRefunded'
  | 'skippedOptedOut'
  | 'skippedSuppressed'
  | 'followsCampaignId'
  | 'guard'
  | 'guardTrip'
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
    // suppressed (dead) numbers left out at submit, likewise
    skipped_suppressed: progress.skippedSuppressed,
    follows_campaign_id: progress.followsCampaignId,
    guard: progress.guard ? { failure_percent: progress.guard.failurePercent, window: progress.guard.window } : null,
    guard_paused: progress.guardTrip ? { at: progress.guardTrip.at.toISOString(), failed: progress.guardTrip.failed, reports: progress.guardTrip.reports } : null,
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
