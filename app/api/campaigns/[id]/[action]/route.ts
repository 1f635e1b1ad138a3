import { controlCampaign as operation } from '@/lib/api/operations';
import { clientIp } from '@/lib/auth/client-ip';
import { controlCampaign, getCampaignProgress } from '@/lib/campaigns';
import { campaignJson } from '@/lib/campaigns/api';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';
import { toPoints } from '@/lib/messaging/api';

// POST /api/campaigns/ID/pause | resume | stop
export const POST = withApiToken(operation, async ({ principal, params, request }) => {
  const result = await controlCampaign(params.action, principal.accountId, params.id, principal.userId, clientIp(request.headers));
  if (!result.ok && result.reason === 'not_found') throw new AppError('campaign_not_found');
  if (!result.ok) throw new AppError('campaign_invalid_state', { params: { status: result.status ?? '' } });
  const progress = await getCampaignProgress(principal.accountId, params.id);
  return { ...campaignJson(progress!), refunded: toPoints(result.refunded) };
});
