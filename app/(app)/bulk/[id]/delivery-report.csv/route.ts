import { clientIp } from '@/lib/auth/client-ip';
import { withUser } from '@/lib/gates/route';
import { campaignCsvResponse } from '@/lib/campaigns/delivery-report/downloads';

export const dynamic = 'force-dynamic';

// GET /bulk/ID/delivery-report.csv: one row per message, streamed from COPY (compressed by the
// server when the client accepts it). No session: 401; another account's campaign or a malformed id: 404, nothing
// streamed.
export const GET = withUser<{ id: string }>((request, { user, params }) =>
  campaignCsvResponse(user, params.id, { acceptLanguage: request.headers.get('accept-language'), ip: clientIp(request.headers) }),
);
