import { decode } from 'next-auth/jwt';
import { env } from '@/lib/env';

/**
 * The session cookie read the way Auth.js reads it, without running Auth.js: `auth()` answers a
 * server component by building a Request to its own session endpoint and running its whole
 * pipeline on it, re-encrypting the token for a cookie nobody can set there; that cost more per
 * page than the page's SQL. Here: the cookie Auth.js would pick for the request's protocol, its
 * chunks joined, decrypted once with the same secret and salt (exp checked by the decryption),
 * and the claims remembered per token until it expires. The database check of the session
 * (ended, too old, invalidated, user disabled) still runs on every request: session-user.ts.
 */

const COOKIE = 'authjs.session-token';
const SECURE_COOKIE = `__Secure-${COOKIE}`;
const MAX_REMEMBERED = 10_000;

export type SessionClaims = { uid: number; sid: string };
type Cookie = { name: string; value: string };

/**
 * The cookie's name: Auth.js derives it (and the salt of the encryption key) from the protocol
 * of the URL it builds from X-Forwarded-Proto (Next.js sets it), https when none.
 */
export function sessionCookieName(forwardedProto: string | null): string {
  const protocol = (forwardedProto ?? 'https').split(',')[0].trim().replace(/:$/, '');
  return protocol === 'https' ? SECURE_COOKIE : COOKIE;
}

/** The token: the cookie itself, or its chunks `name.0`, `name.1`… joined in order (Auth.js splits a large one). */
export function sessionToken(cookies: readonly Cookie[], name: string): string | null {
  const parts = cookies.filter((c) => c.name.startsWith(name) && c.value);
  if (!parts.length) return null;
  const index = (c: Cookie) => parseInt(c.name.split('.').pop() || '0') || 0;
  return [...parts].sort((a, b) => index(a) - index(b)).map((c) => c.value).join('');
}

// Decrypted tokens, oldest first (a Map keeps insertion order): a hit costs a lookup, not a decryption.
const remembered = new Map<string, { claims: SessionClaims; exp: number }>();

/** The user and session ids a valid, unexpired session cookie carries; null for none or anything else. */
export async function sessionClaims(cookies: readonly Cookie[], forwardedProto: string | null): Promise<SessionClaims | null> {
  const name = sessionCookieName(forwardedProto);
  const token = sessionToken(cookies, name);
  if (!token) return null;
  const now = Date.now() / 1000;
  const hit = remembered.get(token);
  if (hit) return hit.exp > now ? hit.claims : null;
  const secret = env().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: start through `npm start` / `npm run dev`, which provide one.');
  const payload = await decode({ token, secret, salt: name }).catch(() => null);
  const uid = payload?.uid;
  const sid = payload?.sid;
  const exp = payload?.exp;
  if (typeof uid !== 'number' || !Number.isSafeInteger(uid) || typeof sid !== 'string' || !sid || typeof exp !== 'number') return null;
  const claims = { uid, sid };
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  remembered.set(token, { claims, exp });
  return claims;
}
