import { resendCampaign as operation } from '@/lib/api/operations';
import { clientIp } from '@/lib/auth/client-ip';
import { previewResend, resendCampaign } from '@/lib/campaigns/resend';
import { withApiToken } from '@/lib/gates/api';
import { toPoints } from '@/lib/messaging/api';

// POST /api/campaigns/ID/resend: a linked follow-up to the undelivered (preview=1: count and cost only).
export const POST = withApiToken(operation, async ({ principal, params, input, request, tx }) => {
  const edits = { sender: input.from, content: input.message };
  if (input.preview) {
    const preview = await previewResend(principal.accountId, params.id, edits, tx);
    const { optedOut, ...rest } = preview.breakdown;
    return {
      preview: true,
      follow_up_id: preview.followUp?.id ?? null,
      created: false,
      recipients: preview.recipients,
      points: toPoints(preview.points),
      breakdown: { ...rest, opted_out: optedOut },
    };
  }
  const result = await resendCampaign(principal.accountId, params.id, { userId: principal.userId, ip: clientIp(request.headers) }, { edits, source: 'api', tx });
  return { preview: false, follow_up_id: result.campaignId, created: result.created, recipients: result.recipients, points: toPoints(result.points), breakdown: null };
});
