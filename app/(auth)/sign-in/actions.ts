'use server';

import { redirect } from 'next/navigation';
import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { signIn } from '@/lib/auth/config';

export type SignInState = { error?: 'invalid' | 'rateLimited' | 'busy' | 'failed'; email?: string };

const schema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(256),
  callbackUrl: z.string().max(2048).optional(),
});

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'invalid', email: String(formData.get('email') ?? '') };
  const { email, password, callbackUrl } = parsed.data;
  const target = safeCallbackPath(callbackUrl) ?? '/history';
  try {
    // No redirect from Auth.js: it would build an absolute URL from the request's Host or
    // X-Forwarded-Host header (trustHost), which a client can forge. A path stays on this site.
    await signIn('credentials', { email, password, redirectTo: target, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      const errors: Record<string, SignInState['error']> = { rate_limited: 'rateLimited', busy: 'busy' };
      return { error: errors[error.code] ?? 'invalid', email };
    }
    if (error instanceof AuthError) {
      console.error('sign-in failed', error);
      return { error: 'failed', email };
    }
    throw error;
  }
  redirect(target);
}
