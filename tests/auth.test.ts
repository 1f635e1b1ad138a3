import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { signInAttempts, userSessions } from '@/db/schema';
import { createUser, setUserDisabled, setUserPassword } from '@/lib/accounts';
import { attemptSignIn, SIGN_IN_LIMITS } from '@/lib/auth/sign-in';
import { endSession, loadSessionUser, SESSION_MAX_AGE_SECONDS, startSession } from '@/lib/auth/session-user';
import { pruneExpiredRecords } from '@/lib/jobs/maintenance';
import { makeAccount, PASSWORD } from './fixtures/accounts';

const attemptCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(signInAttempts))[0].n;

describe('credentials sign-in', () => {
  it('accepts the right password, case-insensitively for the e-mail', async () => {
    const { user } = await makeAccount('Alpha');
    const result = await attemptSignIn({ email: ` ${user.email.toUpperCase()} `, password: PASSWORD, ip: '10.0.0.1' });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.user.id).toBe(user.id);
  });

  it('refuses a wrong password and an unknown e-mail with the same answer', async () => {
    const { user } = await makeAccount('Bravo');
    expect(await attemptSignIn({ email: user.email, password: 'wrong password', ip: '10.0.0.2' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await attemptSignIn({ email: 'nobody@example.com', password: PASSWORD, ip: '10.0.0.2' })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a disabled user even with the right password', async () => {
    const { user } = await makeAccount('Charlie');
    await setUserDisabled(user.id, true);
    expect(await attemptSignIn({ email: user.email, password: PASSWORD, ip: '10.0.0.3' })).toEqual({ ok: false, reason: 'invalid' });
  });

  it(`rate-limits one address after ${SIGN_IN_LIMITS.perIp} failures, without touching other addresses`, async () => {
    const { user } = await makeAccount('Delta');
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      expect((await attemptSignIn({ email: user.email, password: `wrong ${i}`, ip: '10.0.0.4' })).ok).toBe(false);
    }
    const before = await attemptCount();
    // Even the right password is refused from that address now, and nothing is recorded.
    expect(await attemptSignIn({ email: user.email, password: PASSWORD, ip: '10.0.0.4' })).toEqual({ ok: false, reason: 'rate_limited' });
    expect(await attemptCount()).toBe(before);
    // The owner, from their own address, still gets in.
    expect((await attemptSignIn({ email: user.email, password: PASSWORD, ip: '10.0.0.5' })).ok).toBe(true);
  });

  it('limits a distributed attack on one account without locking the owner out of a known address', async () => {
    const { user } = await makeAccount('Echo');
    expect((await attemptSignIn({ email: user.email, password: PASSWORD, ip: '192.0.2.1' })).ok).toBe(true);
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      await attemptSignIn({ email: user.email, password: 'guess', ip: `198.51.100.${i}` });
    }
    expect(await attemptSignIn({ email: user.email, password: PASSWORD, ip: '203.0.113.9' })).toEqual({ ok: false, reason: 'rate_limited' });
    expect((await attemptSignIn({ email: user.email, password: PASSWORD, ip: '192.0.2.1' })).ok).toBe(true);
  });
});

describe('sessions', () => {
  it('loads the user and account of a live session', async () => {
    const { user, account } = await makeAccount('Foxtrot');
    const session = await loadSessionUser(user.id, await startSession(user.id));
    expect(session).toMatchObject({ id: user.id, role: 'owner', account: { id: account.id, name: 'Foxtrot', timeZone: 'Europe/Sofia', country: 'BG' } });
  });

  it('ends sessions issued before a password change', async () => {
    const { user } = await makeAccount('Golf');
    const before = await startSession(user.id);
    await setUserPassword(user.id, 'a brand new password');
    expect(await loadSessionUser(user.id, before)).toBeNull();
    expect(await loadSessionUser(user.id, await startSession(user.id))).not.toBeNull();
    expect((await attemptSignIn({ email: user.email, password: PASSWORD, ip: '10.0.1.1' })).ok).toBe(false);
    expect((await attemptSignIn({ email: user.email, password: 'a brand new password', ip: '10.0.1.1' })).ok).toBe(true);
  });

  it('ends the sessions of a disabled user at once', async () => {
    const { user } = await makeAccount('Hotel');
    const session = await startSession(user.id);
    await setUserDisabled(user.id, true);
    expect(await loadSessionUser(user.id, session)).toBeNull();
    expect(await loadSessionUser(user.id, await startSession(user.id))).toBeNull();
  });

  it('rejects a session for a user that does not exist, or of another user', async () => {
    const { user } = await makeAccount('Juliett');
    const session = await startSession(user.id);
    expect(await loadSessionUser(999_999, session)).toBeNull();
    expect(await loadSessionUser(user.id, randomUUID())).toBeNull();
  });

  it('ends only the session signed out of; the user’s other sessions go on', async () => {
    const { user } = await makeAccount('Kilo');
    const [signedOut, other] = [await startSession(user.id), await startSession(user.id)];
    await endSession(signedOut);
    expect(await loadSessionUser(user.id, signedOut)).toBeNull();
    expect(await loadSessionUser(user.id, other)).toMatchObject({ id: user.id });
  });

  it(`ends a session ${SESSION_MAX_AGE_SECONDS / 3600} hours after its sign-in, however its cookie was renewed`, async () => {
    const { user } = await makeAccount('Lima');
    const [old, fresh] = [await startSession(user.id), await startSession(user.id)];
    await db.update(userSessions).set({ createdAt: sql`now() - make_interval(secs => ${SESSION_MAX_AGE_SECONDS + 1})` }).where(eq(userSessions.id, old));
    expect(await loadSessionUser(user.id, old)).toBeNull();
    expect(await loadSessionUser(user.id, fresh)).not.toBeNull();
  });

  it('prunes ended and expired sessions in the daily maintenance, keeping live ones', async () => {
    const { user } = await makeAccount('Mike');
    const [ended, expired, live] = [await startSession(user.id), await startSession(user.id), await startSession(user.id)];
    await endSession(ended);
    await db.update(userSessions).set({ createdAt: sql`now() - make_interval(secs => ${SESSION_MAX_AGE_SECONDS})` }).where(eq(userSessions.id, expired));
    expect((await pruneExpiredRecords()).userSessions).toBeGreaterThanOrEqual(2);
    const left = (await db.select({ id: userSessions.id }).from(userSessions).where(eq(userSessions.userId, user.id))).map((r) => r.id);
    expect(left).toEqual([live]);
  });

  it('refuses a weak password and changes nothing', async () => {
    const { account } = await makeAccount('India');
    await expect(createUser({ accountId: account.id, email: 'weak@example.com', password: 'short' })).rejects.toThrow(/at least 10/);
    await expect(createUser({ accountId: account.id, email: 'not-an-email', password: PASSWORD })).rejects.toThrow(/email/);
    const rows = await db.execute(sql`select count(*)::int as n from users where email in ('weak@example.com', 'not-an-email')`);
    expect(rows[0].n).toBe(0);
  });
});
