import { encode } from 'next-auth/jwt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionClaims, sessionCookieName, sessionToken } from './session-cookie';

const SECRET = 'session-cookie-test-secret-0123456789abcdef';
const HTTP_NAME = 'authjs.session-token';
const HTTPS_NAME = '__Secure-authjs.session-token';

/** A session cookie as Auth.js issues it at sign-in (the cookie name is the key's salt). */
const issue = (claims: Record<string, unknown>, name = HTTP_NAME, maxAge = 3600) =>
  encode({ token: { sub: '7', email: 'a@example.com', ...claims }, secret: SECRET, salt: name, maxAge });

describe('session cookie', () => {
  const saved = process.env.AUTH_SECRET;
  beforeEach(() => {
    process.env.AUTH_SECRET = SECRET;
  });
  afterEach(() => {
    process.env.AUTH_SECRET = saved;
    vi.useRealTimers();
  });

  it('names the cookie as Auth.js does for the request protocol', () => {
    expect(sessionCookieName('http')).toBe(HTTP_NAME);
    expect(sessionCookieName('https')).toBe(HTTPS_NAME);
    expect(sessionCookieName('https, http')).toBe(HTTPS_NAME);
    expect(sessionCookieName(null)).toBe(HTTPS_NAME);
  });

  it('reads the ids of a cookie Auth.js issued, again from memory the second time', async () => {
    const token = await issue({ uid: 7, sid: 'a7c1bd53-4a11-4c4e-9f3f-6b1f3c1b2d10' });
    const cookies = [{ name: HTTP_NAME, value: token }, { name: 'other', value: 'x' }];
    expect(await sessionClaims(cookies, 'http')).toEqual({ uid: 7, sid: 'a7c1bd53-4a11-4c4e-9f3f-6b1f3c1b2d10' });
    expect(await sessionClaims(cookies, 'http')).toEqual({ uid: 7, sid: 'a7c1bd53-4a11-4c4e-9f3f-6b1f3c1b2d10' });
  });

  it('joins a chunked cookie in order', async () => {
    const token = await issue({ uid: 8, sid: 's-8' }, HTTPS_NAME);
    const cookies = [
      { name: `${HTTPS_NAME}.1`, value: token.slice(100) },
      { name: `${HTTPS_NAME}.0`, value: token.slice(0, 100) },
    ];
    expect(sessionToken(cookies, HTTPS_NAME)).toBe(token);
    expect(await sessionClaims(cookies, 'https')).toEqual({ uid: 8, sid: 's-8' });
  });

  it('refuses a cookie for the other protocol, a tampered or expired one, another secret, and one without ids', async () => {
    const token = await issue({ uid: 9, sid: 's-9' });
    expect(await sessionClaims([{ name: HTTPS_NAME, value: token }], 'https')).toBeNull();
    const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
    expect(await sessionClaims([{ name: HTTP_NAME, value: flipped }], 'http')).toBeNull();
    const expired = await issue({ uid: 9, sid: 's-9' }, HTTP_NAME, -60);
    expect(await sessionClaims([{ name: HTTP_NAME, value: expired }], 'http')).toBeNull();
    const foreign = await encode({ token: { uid: 9, sid: 's-9' }, secret: `${SECRET}-other`, salt: HTTP_NAME });
    expect(await sessionClaims([{ name: HTTP_NAME, value: foreign }], 'http')).toBeNull();
    expect(await sessionClaims([{ name: HTTP_NAME, value: await issue({ uid: '9', sid: 's-9' }) }], 'http')).toBeNull();
    expect(await sessionClaims([{ name: HTTP_NAME, value: await issue({ uid: 9 }) }], 'http')).toBeNull();
    expect(await sessionClaims([], 'http')).toBeNull();
  });

  it('forgets a remembered cookie when it expires', async () => {
    const cookies = [{ name: HTTP_NAME, value: await issue({ uid: 10, sid: 's-10' }, HTTP_NAME, 60) }];
    expect(await sessionClaims(cookies, 'http')).toEqual({ uid: 10, sid: 's-10' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await sessionClaims(cookies, 'http')).toBeNull();
  });
});
