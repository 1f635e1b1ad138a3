import { clientIp } from '@/lib/auth/client-ip';
import { AppError } from '@/lib/errors';
import { publicRoute } from '@/lib/gates/route';
import { runFileResponse } from '@/lib/reports/run-download';
import { verifyReportLink } from '@/lib/reports/signed-links';

export const dynamic = 'force-dynamic';

// GET /r/TOKEN: a report file from a signed e-mail link, no session needed. Tampered or
// malformed: 403; expired link: 410; a run deleted, cancelled, not ready or past its
// retention: 404. The account id in the token is checked against the run's.
export const GET = publicRoute<{ token: string }>(async (request, { token }) => {
  const check = verifyReportLink(token);
  if (!check.ok) throw new AppError(check.status === 410 ? 'link_expired' : 'link_invalid');
  // Whoever holds the link: no user, only the address it was opened from.
  return runFileResponse(check.accountId, check.runId, { action: 'report.link_open', userId: null, ip: clientIp(request.headers) });
});
