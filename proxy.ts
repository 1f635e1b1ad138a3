import { NextResponse, type NextRequest } from 'next/server';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { contentSecurityPolicy } from '@/lib/security/headers.mjs';

const PUBLIC_PAGES = ['/sign-in'];

/**
 * Two jobs, neither a security boundary for data:
 * - a fresh CSP nonce for every page (Next.js reads it from the request's policy header and puts
 *   it on its scripts; the same policy goes on the response);
 * - an optimistic redirect for visitors without a session cookie. Every page, action and route
 *   handler checks the session itself.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const hasSession = request.cookies.getAll().some((cookie) => cookie.name.endsWith('authjs.session-token'));
  if (!hasSession && !PUBLIC_PAGES.includes(pathname)) {
    const url = request.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = '';
    const callbackUrl = pathname === '/' ? null : safeCallbackPath(pathname + search);
    if (callbackUrl) url.searchParams.set('callbackUrl', callbackUrl);
    return NextResponse.redirect(url);
  }
  const policy = contentSecurityPolicy({ dev: process.env.NODE_ENV === 'development', nonce: crypto.randomUUID().replaceAll('-', '') });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Pages only: not the API, assets, or signed report links (/r/…: no session, no HTML).
  matcher: ['/((?!api/|_next/|r/|favicon.ico|.*\\.(?:png|svg|ico|txt|woff2?)$).*)'],
};
