import { NextResponse, type NextRequest } from 'next/server';

// An optimistic redirect for visitors without a session cookie, nothing more: every page,
// action and route handler checks the session itself (the proxy is not a security boundary).
export function proxy(request: NextRequest) {
  const hasSession = request.cookies.getAll().some((cookie) => cookie.name.endsWith('authjs.session-token'));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/sign-in';
  url.search = '';
  if (request.nextUrl.pathname !== '/') url.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = {
  // Not for the API, assets, the sign-in page, or signed report links (/r/…: no session needed).
  matcher: ['/((?!api/|_next/|sign-in|r/|favicon.ico|.*\\.(?:png|svg|ico|txt|woff2?)$).*)'],
};
