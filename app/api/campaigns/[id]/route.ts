import { getCampaign } from '@/lib/api/operations';
import { getCampaignProgress } from '@/lib/campaigns';
import { campaignJson } from '@/lib/campaigns/api';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';

// GET /api/campaigns/ID: the campaign's state and progress (another account's id: 404).
export const GET = withApiToken(getCampaign, async ({ principal, params }) => {
  const progress = await getCampaignProgress(principal.accountId, params.id);
  if (!progress) throw new AppError('campaign_not_found');
  return campaignJson(progress);
});
