import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { clientIp } from './client-ip';
import { attemptSignIn } from './sign-in';

declare module 'next-auth' {
  interface Session {
    uid: number;
    authAt: number;
  }
}

declare module '@auth/core/jwt' {
  interface JWT {
    uid?: number;
    authAt?: number;
  }
}

export class TooManyAttempts extends CredentialsSignin {
  code = 'rate_limited';
}

const credentialsSchema = z.object({
  email: z.string().trim().max(320),
  password: z.string().max(256),
});

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const result = await attemptSignIn({ ...parsed.data, ip: clientIp(request.headers) });
        if (!result.ok) {
          if (result.reason === 'rate_limited') throw new TooManyAttempts();
          return null;
        }
        return { id: String(result.user.id), email: result.user.email, name: result.user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.uid = Number(user.id);
        // Milliseconds, unlike `iat`, so a password change in the same second still ends it.
        token.authAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      session.uid = token.uid ?? 0;
      session.authAt = token.authAt ?? 0;
      return session;
    },
  },
});
