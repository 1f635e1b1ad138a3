import { getCurrentUser } from '@/lib/auth';
import { campaignPdfResponse } from '@/lib/reports/campaign-downloads';
import { emptyResponse } from '@/lib/reports/download';

export const dynamic = 'force-dynamic';

// GET /bulk/ID/delivery-report.pdf: a one-page summary, rendered in a worker thread. No
// session: 401; another account's campaign or a malformed id: 404 (getCampaignProgress).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return emptyResponse(401);
  return campaignPdfResponse(user, (await params).id, request.headers.get('accept-language'));
}
