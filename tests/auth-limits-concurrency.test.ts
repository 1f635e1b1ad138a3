import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import * as argon2 from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { apiTokenFailures, signInAttempts } from '@/db/schema';
import { API_TOKEN_LIMITS, authenticateApiToken, createApiToken } from '@/lib/auth/api-tokens';
import { hashPassword, PASSWORD_HASHING, verifyPassword } from '@/lib/auth/password';
import { attemptSignIn, SIGN_IN_LIMITS } from '@/lib/auth/sign-in';
import { AppError } from '@/lib/errors';
import { makeAccount, PASSWORD } from './fixtures/accounts';

// The limits hold for parallel bursts, not only for one attempt after another: the probe counts
// the Argon2id checks that really run (a pass-through around the library, not our code).
const probe = vi.hoisted(() => ({ calls: 0, active: 0, peak: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (...args: Parameters<typeof real.verify>) => {
      probe.calls++;
      probe.active++;
      probe.peak = Math.max(probe.peak, probe.active);
      try {
        return await real.verify(...args);
      } finally {
        probe.active--;
      }
    },
  };
});

function resetProbe() {
  Object.assign(probe, { calls: 0, active: 0, peak: 0 });
}

const tally = (reasons: string[]) => reasons.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
const reasonOf = (result: Awaited<ReturnType<typeof attemptSignIn>>) => (result.ok ? 'ok' : result.reason);

describe('sign-in limits under a parallel burst', () => {
  it(`checks exactly ${SIGN_IN_LIMITS.perIp} of 40 parallel wrong passwords from one address and refuses the rest as rate_limited`, async () => {
    const { user } = await makeAccount('BurstIp');
    resetProbe();
    const ip = '203.0.113.40';
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => attemptSignIn({ email: user.email, password: `wrong ${i}`, ip })));
    expect(tally(results.map(reasonOf))).toEqual({ invalid: SIGN_IN_LIMITS.perIp, rate_limited: 40 - SIGN_IN_LIMITS.perIp });
    expect(probe.calls).toBe(SIGN_IN_LIMITS.perIp);
    expect(await db.$count(signInAttempts, eq(signInAttempts.ip, ip))).toBe(SIGN_IN_LIMITS.perIp);
    // The right password from that address is refused too now.
    expect(await attemptSignIn({ email: user.email, password: PASSWORD, ip })).toEqual({ ok: false, reason: 'rate_limited' });
  });

  it('checks no more than the account limit allows when many addresses guess one account at once', async () => {
    const { user } = await makeAccount('BurstAccount');
    const left = 5;
    await db.insert(signInAttempts).values(
      Array.from({ length: SIGN_IN_LIMITS.perAccount - left }, (_, i) => ({ ip: `198.51.100.${i}`, email: user.email, userId: user.id, succeeded: false })),
    );
    resetProbe();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attemptSignIn({ email: user.email, password: `guess ${i}`, ip: `192.0.2.${100 + i}` })),
    );
    expect(tally(results.map(reasonOf))).toEqual({ invalid: left, rate_limited: 20 - left });
    expect(probe.calls).toBe(left);
    expect(await db.$count(signInAttempts, eq(signInAttempts.email, user.email))).toBe(SIGN_IN_LIMITS.perAccount);
  });
});

describe('API token limit under a parallel burst', () => {
  it(`counts exactly ${API_TOKEN_LIMITS.perIp} of 60 parallel bad tokens from one address; the rest, and then a right token, are rate_limited`, async () => {
    const { account, user } = await makeAccount('BurstToken');
    const { token } = await createApiToken({ accountId: account.id, userId: user.id, name: 'burst' });
    const ip = '203.0.113.60';
    const results = await Promise.all(
      Array.from({ length: 60 }, () => authenticateApiToken(`Bearer smsp_${randomBytes(32).toString('base64url')}`, ip)),
    );
    expect(tally(results.map(String))).toEqual({ invalid: API_TOKEN_LIMITS.perIp, rate_limited: 60 - API_TOKEN_LIMITS.perIp });
    expect(await db.$count(apiTokenFailures, eq(apiTokenFailures.ip, ip))).toBe(API_TOKEN_LIMITS.perIp);
    expect(await authenticateApiToken(`Bearer ${token}`, ip)).toBe('rate_limited');
    expect(await authenticateApiToken(`Bearer ${token}`, '203.0.113.61')).toMatchObject({ accountId: account.id });
  });
});

describe('password hashing in one process', () => {
  it(`runs at most ${PASSWORD_HASHING.concurrent} Argon2id checks at once and refuses what does not fit in the queue as busy`, async () => {
    const phc = await hashPassword('a password for the queue test');
    resetProbe();
    const total = PASSWORD_HASHING.concurrent + PASSWORD_HASHING.queued + 10;
    const outcomes = await Promise.allSettled(Array.from({ length: total }, () => verifyPassword(phc, 'not it')));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(10);
    for (const o of refused) expect((o as PromiseRejectedResult).reason).toSatisfy((e) => e instanceof AppError && e.code === 'busy');
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<boolean>).value)).toEqual(
      Array(total - 10).fill(false),
    );
    expect(probe.calls).toBe(total - 10);
    expect(probe.peak).toBe(PASSWORD_HASHING.concurrent);
  });

  it('keeps a burst of sign-ins from many addresses to the bound', async () => {
    resetProbe();
    const total = 40;
    const results = await Promise.all(
      Array.from({ length: total }, (_, i) => attemptSignIn({ email: `nobody-${i}@example.com`, password: 'guess', ip: `10.77.0.${i}` })),
    );
    const reasons = tally(results.map(reasonOf));
    expect(Object.keys(reasons).every((r) => r === 'invalid' || r === 'busy'), JSON.stringify(reasons)).toBe(true);
    expect(probe.peak).toBeGreaterThan(0);
    expect(probe.peak).toBeLessThanOrEqual(PASSWORD_HASHING.concurrent);
    const [recorded] = await db.execute<{ n: number }>(sql`select count(*)::int as n from sign_in_attempts where email like 'nobody-%'`);
    expect(recorded.n).toBe(reasons.invalid);
  });

  it('refuses a sign-in as busy, recording nothing, while the hashing queue is full; it works again once the queue drains', async () => {
    const { user } = await makeAccount('BusyQueue');
    // Slow checks (a hash made with t=8) hold every slot and queue place for a while.
    const slow = await argon2.hash('hog', { algorithm: 2, memoryCost: 19_456, timeCost: 8, parallelism: 1 });
    const hogs = Array.from({ length: PASSWORD_HASHING.concurrent + PASSWORD_HASHING.queued }, () => verifyPassword(slow, 'not it'));
    const ip = '203.0.113.99';
    expect(await attemptSignIn({ email: user.email, password: PASSWORD, ip })).toEqual({ ok: false, reason: 'busy' });
    expect(await db.$count(signInAttempts, eq(signInAttempts.ip, ip))).toBe(0);
    expect(await Promise.all(hogs)).toEqual(hogs.map(() => false));
    expect((await attemptSignIn({ email: user.email, password: PASSWORD, ip })).ok).toBe(true);
  });
});
