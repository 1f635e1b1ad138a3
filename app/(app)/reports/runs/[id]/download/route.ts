import { clientIp } from '@/lib/auth/client-ip';
import { withUser } from '@/lib/gates/route';
import { runFileResponse } from '@/lib/reports/run-download';

export const dynamic = 'force-dynamic';

// GET /reports/runs/ID/download: a generated report file of the user's account. No session:
// 401; another account's run, a run not ready (queued, generating, failed, cancelled) or
// expired, a malformed id: 404, nothing streamed.
export const GET = withUser<{ id: string }>((request, { user, params }) =>
  runFileResponse(user.account.id, params.id, { action: 'report.download', userId: user.id, ip: clientIp(request.headers) }),
);
