import { getCurrentUser } from '@/lib/auth';
import { getCampaignProgress } from '@/lib/campaigns';
import { campaignCsvResponse } from '@/lib/reports/campaign-downloads';
import { emptyResponse } from '@/lib/reports/download';

export const dynamic = 'force-dynamic';

// GET /bulk/ID/delivery-report.csv: one row per message, streamed from COPY. No session: 401;
// another account's campaign or a malformed id: 404, nothing streamed.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return emptyResponse(401);
  const progress = await getCampaignProgress(user.account.id, (await params).id);
  if (!progress) return emptyResponse(404);
  return campaignCsvResponse(user, progress);
}
