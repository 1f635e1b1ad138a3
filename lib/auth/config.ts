import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { safeCallbackPath } from './callback-url';
import { clientIp } from './client-ip';
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from './session-user';
import { attemptSignIn } from './sign-in';

declare module 'next-auth' {
  interface Session {
    uid: number;
    sid: string;
  }
}

declare module '@auth/core/jwt' {
  interface JWT {
    uid?: number;
    sid?: string;
  }
}

export class TooManyAttempts extends CredentialsSignin {
  code = 'rate_limited';
}

export class PasswordChecksBusy extends CredentialsSignin {
  code = 'busy';
}

const credentialsSchema = z.object({
  email: z.string().trim().max(320),
  password: z.string().max(256),
});

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
          if (result.reason === 'busy') throw new PasswordChecksBusy();
          return null;
        }
        return { id: String(result.user.id), email: result.user.email, name: result.user.name };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      // `user` is there only at sign-in: each sign-in is a session of its own on the server.
      if (user?.id) {
        token.uid = Number(user.id);
        token.sid = await startSession(token.uid);
      }
      return token;
    },
    session({ session, token }) {
      session.uid = token.uid ?? 0;
      session.sid = token.sid ?? '';
      return session;
    },
    // Auth.js's own endpoints take a callbackUrl from the request: the same check as the sign-in form's.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${safeCallbackPath(path) ?? '/history'}`;
    },
  },
  events: {
    // Sign-out through Auth.js's endpoint; the app's sign-out action ends the session itself first.
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (sid) await endSession(sid);
    },
  },
});
