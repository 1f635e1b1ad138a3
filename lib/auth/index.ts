import 'server-only';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import { auth } from './config';
import { loadSessionUser, type SessionUser } from './session-user';

export type { SessionUser };

/** The signed-in user, checked against the database once per request; null if none. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  if (!session?.uid || !session.sid) return null;
  return loadSessionUser(session.uid, session.sid);
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
