import { eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { signInAttempts, users, type User } from '@/db/schema';
import { audit, recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { burnPasswordCheck, verifyPassword } from './password';

export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  // failures from one address, whatever the account
  perIp: 10,
  // failures on one account from all addresses; past it only addresses that signed in to this
  // account successfully before may try, so a distributed attack cannot lock the owner out
  perAccount: 50,
  knownIpDays: 90,
} as const;

// First keys of the two-key advisory locks (the second is a hash of the value); report
// generation uses 7301, the API token limit 7313.
const LOCK_BY_IP = 7311;
const LOCK_BY_EMAIL = 7312;

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' | 'rate_limited' | 'busy' };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Records an attempt as a failure, unless the limits are reached: then nothing is recorded and
 * null comes back. Attempts on one address, and on one e-mail, take their turn under advisory
 * locks held to the end of the transaction, so of N parallel attempts each sees the ones
 * before it: N count as N before any password is checked.
 */
async function recordAttempt(email: string, ip: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    // Always the address first, then the e-mail: two attempts never wait for each other in a circle.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_BY_IP}, hashtext(${ip}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_BY_EMAIL}, hashtext(${email}))`);
    const since = sql`now() - make_interval(mins => ${SIGN_IN_LIMITS.windowMinutes})`;
    const rows = await tx.execute<{ id: number }>(sql`
      insert into sign_in_attempts (ip, email, user_id, succeeded)
      select ${ip}, ${email}, (select id from users where lower(email) = ${email}), false
      where (select count(*) from sign_in_attempts where ip = ${ip} and not succeeded and created_at > ${since}) < ${SIGN_IN_LIMITS.perIp}
        and ((select count(*) from sign_in_attempts where email = ${email} and not succeeded and created_at > ${since}) < ${SIGN_IN_LIMITS.perAccount}
          or exists (select from sign_in_attempts where email = ${email} and ip = ${ip} and succeeded
                       and created_at > now() - make_interval(days => ${SIGN_IN_LIMITS.knownIpDays})))
      returning id`);
    return rows[0]?.id ?? null;
  });
}

export async function attemptSignIn(input: { email: string; password: string; ip: string }): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const attemptId = await recordAttempt(email, input.ip);
  if (attemptId === null) return { ok: false, reason: 'rate_limited' };

  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
  let passwordOk = false;
  try {
    if (user) passwordOk = await verifyPassword(user.passwordHash, input.password);
    else await burnPasswordCheck(input.password);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'busy')) throw error;
    // No password was checked: the attempt is taken back and counts against no one.
    await db.delete(signInAttempts).where(eq(signInAttempts.id, attemptId));
    return { ok: false, reason: 'busy' };
  }
  if (!user || !passwordOk || user.disabled) {
    // The account whose e-mail was tried sees the failure; an unknown e-mail belongs to no one.
    // A rate-limited attempt writes nothing (as it records no attempt), so guessing cannot flood the log.
    if (user) {
      const reason = passwordOk ? 'disabled' : 'wrong_password';
      await audit({ accountId: user.accountId, userId: null, action: 'auth.sign_in_failed', ip: input.ip, details: { email, reason } });
    }
    return { ok: false, reason: 'invalid' };
  }
  await db.transaction(async (tx) => {
    await tx.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
    await recordAudit(tx, { accountId: user.accountId, userId: user.id, action: 'auth.sign_in', ip: input.ip });
  });
  return { ok: true, user };
}
