import { getCurrentUser } from '@/lib/auth';
import { emptyResponse } from '@/lib/reports/download';
import { runFileResponse } from '@/lib/reports/run-download';

export const dynamic = 'force-dynamic';

// GET /reports/runs/ID/download: a generated report file of the user's account. No session:
// 401; another account's run, a run not ready (queued, generating, failed, cancelled) or
// expired, a malformed id: 404, nothing streamed.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return emptyResponse(401);
  return runFileResponse(user.account.id, (await params).id);
}
