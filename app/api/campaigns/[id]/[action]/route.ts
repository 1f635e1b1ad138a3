import { z } from 'zod';
import { controlCampaign, getCampaignProgress } from '@/lib/campaigns';
import { campaignJson } from '@/lib/campaigns/api';
import { API_ERRORS, apiError, toPoints } from '@/lib/messaging/api';
import { authenticate } from '@/lib/messaging/request';

// POST /api/campaigns/ID/pause | resume | stop
export async function POST(request: Request, { params }: { params: Promise<{ id: string; action: string }> }) {
  const principal = await authenticate(request);
  if (principal instanceof Response) return principal;
  const { id, action } = await params;
  const parsedAction = z.enum(['pause', 'resume', 'stop']).safeParse(action);
  if (!parsedAction.success) return apiError(404, API_ERRORS.NOT_FOUND, 'Unknown action: use pause, resume or stop');
  const result = await controlCampaign(parsedAction.data, principal.accountId, id, principal.userId);
  if (!result.ok && result.reason === 'not_found') return apiError(404, API_ERRORS.NOT_FOUND, 'No such campaign');
  if (!result.ok) return apiError(409, API_ERRORS.BAD_REQUEST, `Cannot ${action} a campaign that is ${result.status}`);
  const progress = await getCampaignProgress(principal.accountId, id);
  return Response.json({ ...campaignJson(progress!), refunded: toPoints(result.refunded) });
}
