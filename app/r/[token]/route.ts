import { emptyResponse } from '@/lib/reports/download';
import { runFileResponse } from '@/lib/reports/run-download';
import { verifyReportLink } from '@/lib/reports/signed-links';

export const dynamic = 'force-dynamic';

// GET /r/TOKEN: a report file from a signed e-mail link, no session needed. Tampered or
// malformed: 403; expired link: 410; a run deleted, cancelled, not ready or past its
// retention: 404. The account id in the token is checked against the run's.
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const check = verifyReportLink((await params).token);
  if (!check.ok) return emptyResponse(check.status);
  return runFileResponse(check.accountId, check.runId);
}
