import { and, count, eq, gt, sql } from 'drizzle-orm';
import { db } from '@/db';
import { signInAttempts, users, type User } from '@/db/schema';
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

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' | 'rate_limited' };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function isRateLimited(email: string, ip: string): Promise<boolean> {
  const since = sql`now() - make_interval(mins => ${SIGN_IN_LIMITS.windowMinutes})`;
  const [byIp] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.createdAt, since)));
  if (byIp.n >= SIGN_IN_LIMITS.perIp) return true;

  const [byAccount] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, false), gt(signInAttempts.createdAt, since)));
  if (byAccount.n < SIGN_IN_LIMITS.perAccount) return false;

  const known = await db
    .select({ id: signInAttempts.id })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.email, email),
        eq(signInAttempts.ip, ip),
        eq(signInAttempts.succeeded, true),
        gt(signInAttempts.createdAt, sql`now() - make_interval(days => ${SIGN_IN_LIMITS.knownIpDays})`),
      ),
    )
    .limit(1);
  return known.length === 0;
}

export async function attemptSignIn(input: { email: string; password: string; ip: string }): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  if (await isRateLimited(email, input.ip)) return { ok: false, reason: 'rate_limited' };

  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`).limit(1);
  let valid = false;
  if (user) valid = (await verifyPassword(user.passwordHash, input.password)) && !user.disabled;
  else await burnPasswordCheck(input.password);

  await db.insert(signInAttempts).values({ ip: input.ip, email, userId: user?.id ?? null, succeeded: valid });
  return valid && user ? { ok: true, user } : { ok: false, reason: 'invalid' };
}
