import { clientIp } from '@/lib/auth/client-ip';
import { withUser } from '@/lib/gates/route';
import { campaignPdfResponse } from '@/lib/campaigns/delivery-report/downloads';

export const dynamic = 'force-dynamic';

// GET /bulk/ID/delivery-report.pdf: a one-page summary, rendered in a worker thread. No
// session: 401; another account's campaign or a malformed id: 404.
export const GET = withUser<{ id: string }>((request, { user, params }) =>
  campaignPdfResponse(user, params.id, request.headers.get('accept-language'), clientIp(request.headers)),
);
