import type { NextRequest } from 'next/server';
import { handlers } from '@/lib/auth/config';

export const GET = handlers.GET;

// Auth.js answers a refused credentials sign-in with a redirect carrying the error code; a
// rate-limited one is turned into a real 429, and one refused because too many password checks
// are running into a 503, so that clients and scripts can see them.
export async function POST(request: NextRequest) {
  const response = await handlers.POST(request);
  const target =
    response.headers.get('location') ??
    (response.headers.get('content-type')?.includes('json') ? String((await response.clone().json()).url ?? '') : '');
  if (target.includes('code=rate_limited')) {
    return Response.json({ error: 'too_many_attempts' }, { status: 429, headers: { 'retry-after': '900' } });
  }
  if (target.includes('code=busy')) {
    return Response.json({ error: 'busy' }, { status: 503, headers: { 'retry-after': '5' } });
  }
  return response;
}
