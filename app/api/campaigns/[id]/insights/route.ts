import { getCampaignInsights } from '@/lib/api/insight-operations';
import { getCampaignProgress } from '@/lib/campaigns';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';
import { insightsJson } from '@/lib/insights/api';
import { loadInsights } from '@/lib/insights/query';

// GET /api/campaigns/ID/insights: the campaign's deliverability (another account's id: 404).
export const GET = withApiToken(getCampaignInsights, async ({ principal, params }) => {
  const progress = await getCampaignProgress(principal.accountId, params.id);
  if (!progress) throw new AppError('campaign_not_found');
  return insightsJson(await loadInsights({ accountId: principal.accountId, campaignId: progress.id }));
});
