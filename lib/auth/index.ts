import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { sessionClaims } from './session-cookie';
import { loadSessionUser, type SessionUser } from './session-user';

export type { SessionUser };

/**
 * The signed-in user, checked against the database once per request (React cache: the layout,
 * the page and the message loader share one answer); null if none.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const claims = await sessionClaims(cookieStore.getAll(), headerList.get('x-forwarded-proto'));
  if (!claims) return null;
  return loadSessionUser(claims.uid, claims.sid);
});

/** For pages and server actions: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return user;
}

export async function requireOwner(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== 'owner') redirect('/settings?error=forbidden');
  return user;
}
