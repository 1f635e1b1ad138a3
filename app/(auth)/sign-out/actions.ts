'use server';

import { signOut } from '@/lib/auth/config';

// Signing out needs no session check: without one it changes nothing.
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in?signedOut=1' });
}
