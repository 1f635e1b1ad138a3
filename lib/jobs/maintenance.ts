import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { API_TOKEN_LIMITS } from '@/lib/auth/api-tokens';
import { SESSION_MAX_AGE_SECONDS } from '@/lib/auth/session-user';
import { SIGN_IN_LIMITS } from '@/lib/auth/sign-in';

/**
 * Drops records whose purpose has passed: sign-in attempts older than the known-address window
 * (the longest any rate limit looks back), bad-token records past their window,
 * Idempotency-Keys past their 24 hours, and sessions that were ended or are past their maximum
 * age (loadSessionUser refuses both).
 */
export async function pruneExpiredRecords(): Promise<{ signInAttempts: number; apiTokenFailures: number; idempotencyKeys: number; userSessions: number }> {
  const attempts = await db.execute(sql`
    delete from sign_in_attempts where created_at < now() - make_interval(days => ${SIGN_IN_LIMITS.knownIpDays}) returning id`);
  const failures = await db.execute(sql`
    delete from api_token_failures where created_at < now() - make_interval(mins => ${API_TOKEN_LIMITS.windowMinutes}) returning id`);
  const keys = await db.execute(sql`
    delete from idempotency_keys where created_at < now() - interval '24 hours' returning key`);
  const sessions = await db.execute(sql`
    delete from user_sessions
    where ended_at is not null or created_at <= now() - make_interval(secs => ${SESSION_MAX_AGE_SECONDS}) returning id`);
  return { signInAttempts: attempts.length, apiTokenFailures: failures.length, idempotencyKeys: keys.length, userSessions: sessions.length };
}
