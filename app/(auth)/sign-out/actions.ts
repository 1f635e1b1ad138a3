'use server';

import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth/config';

// Signing out needs no session check: without one it changes nothing.
export async function signOutAction(): Promise<void> {
  // Auth.js would redirect to an absolute URL built from the request's Host or X-Forwarded-Host
  // header (trustHost), which a client can forge; a path always stays on this site.
  await signOut({ redirectTo: '/sign-in?signedOut=1', redirect: false });
  redirect('/sign-in?signedOut=1');
}
