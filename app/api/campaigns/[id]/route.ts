import { getCampaignProgress } from '@/lib/campaigns';
import { campaignJson } from '@/lib/campaigns/api';
import { API_ERRORS, apiError } from '@/lib/messaging/api';
import { authenticate } from '@/lib/messaging/request';

// GET /api/campaigns/ID: the campaign's state and progress (another account's id: 404).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const principal = await authenticate(request);
  if (principal instanceof Response) return principal;
  const progress = await getCampaignProgress(principal.accountId, (await params).id);
  if (!progress) return apiError(404, API_ERRORS.NOT_FOUND, 'No such campaign');
  return Response.json(campaignJson(progress));
}
