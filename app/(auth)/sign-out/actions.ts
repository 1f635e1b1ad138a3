'use server';

import { redirect } from 'next/navigation';
import { requestIp } from '@/lib/audit/request-ip';
import { auth, signOut } from '@/lib/auth/config';
import { endSession } from '@/lib/auth/session-user';

// Signing out needs no session check: without one it changes nothing.
export async function signOutAction(): Promise<void> {
  // The session ends on the server before Auth.js clears the cookie, so a copy of the cookie
  // opens nothing afterwards; if that fails, the user is not told they signed out.
  const session = await auth();
  if (session?.sid) await endSession(session.sid, await requestIp());
  // Auth.js would redirect to an absolute URL built from the request's Host or X-Forwarded-Host
  // header (trustHost), which a client can forge; a path always stays on this site.
  await signOut({ redirectTo: '/sign-in?signedOut=1', redirect: false });
  redirect('/sign-in?signedOut=1');
}
