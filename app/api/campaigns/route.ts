import { invalidNumbersJson, skippedNumbersJson } from '@/lib/api/errors';
import { createCampaign } from '@/lib/api/operations';
import { campaignJson } from '@/lib/campaigns/api';
import { guardSettings } from '@/lib/campaigns/guard';
import { clientIp } from '@/lib/auth/client-ip';
import { withApiToken } from '@/lib/gates/api';
import { groupIdsByName, toPoints } from '@/lib/messaging/api';
import { planSend, submitSend } from '@/lib/messaging/send';
import { STATUS } from '@/lib/messaging/statuses';

// POST /api/campaigns: a bulk campaign, sent in the background at `rate` messages per second.
export const POST = withApiToken(createCampaign, async ({ principal, input, request, tx }) => {
  const guard = guardSettings(input.guard, input.guard_failure_percent, input.guard_window);
  const groups = input.group === undefined ? [] : Array.isArray(input.group) ? input.group : [input.group];
  const plan = await planSend(
    {
      accountId: principal.accountId,
      userId: principal.userId,
      ip: clientIp(request.headers),
      source: 'api',
      sender: input.from,
      content: input.message,
      recipients: input.to ?? [],
      groupIds: await groupIdsByName(principal.accountId, groups, tx),
      idx: input.idx ?? null,
      scheduledAt: input.date ?? null,
      campaign: { name: input.name, rate: input.rate, guard },
    },
    tx,
  );
  const result = await submitSend(plan, tx);
  // Built from what was just stored: inside an idempotent request the rows are not committed yet.
  const body = campaignJson({
    id: result.campaignId!,
    name: input.name ?? '',
    status: input.date && input.date.getTime() > Date.now() ? 'scheduled' : 'sending',
    sender: input.from,
    recipients: plan.valid.length,
    rate: input.rate ?? 100,
    points: plan.totalPoints,
    pointsRefunded: 0,
    createdAt: result.createdAt,
    counts: { [STATUS.QUEUE]: plan.valid.length },
    skippedOptedOut: plan.skipped.filter((s) => s.reason === 'opted_out').length,
    skippedSuppressed: plan.skipped.filter((s) => s.reason === 'suppressed').length,
    followsCampaignId: null,
    guard,
    guardTrip: null,
  });
  return {
    ...body,
    points: toPoints(plan.totalPoints),
    invalid_numbers: invalidNumbersJson(plan.invalid),
    skipped_numbers: skippedNumbersJson(plan.skipped),
    duplicates: plan.duplicates,
  };
});
