import { and, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import { db, sqlClient } from '@/db';
import { accounts, users, userSessions } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';

/** A session lasts at most this long from its sign-in, however often its cookie is renewed. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: 'owner' | 'member' | 'viewer';
  language: 'en' | 'bg' | null;
  account: { id: number; name: string; country: string; timeZone: string; balance: number };
};

/** A new session of the user, at sign-in; its id goes into the session's JWT. */
export async function startSession(userId: number): Promise<string> {
  const [row] = await db.insert(userSessions).values({ userId }).returning({ id: userSessions.id });
  return row.id;
}

/**
 * Ends one session (sign-out); the user's other sessions go on. Ending a live one is recorded in
 * the audit log in the same transaction (`ip`: the client's, null where there is no request).
 */
export async function endSession(sessionId: string, ip: string | null = null): Promise<void> {
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .update(userSessions)
      .set({ endedAt: sql`now()` })
      .where(and(eq(userSessions.id, sessionId), isNull(userSessions.endedAt)))
      .returning({ userId: userSessions.userId });
    if (!ended) return;
    const [user] = await tx.select({ accountId: users.accountId }).from(users).where(eq(users.id, ended.userId));
    await recordAudit(tx, { accountId: user.accountId, userId: ended.userId, action: 'auth.sign_out', ip });
  });
}

/** The session check: one round trip, only the columns a SessionUser needs, a prepared statement. */
function prepareSessionUserQuery() {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      language: users.language,
      account: { id: accounts.id, name: accounts.name, country: accounts.country, timeZone: accounts.timeZone, balance: accounts.balance },
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(
      and(
        eq(userSessions.id, sql.placeholder('sessionId')),
        eq(userSessions.userId, sql.placeholder('userId')),
        isNull(userSessions.endedAt),
        gt(userSessions.createdAt, sql`now() - make_interval(secs => ${sql.raw(String(SESSION_MAX_AGE_SECONDS))})`),
        gte(userSessions.createdAt, users.sessionsValidAfter),
        eq(users.disabled, false),
      ),
    )
    .limit(1)
    .prepare('session_user');
}

// Built once per connection pool (the query is bound to it), not on every request.
let prepared: { client: ReturnType<typeof sqlClient>; query: ReturnType<typeof prepareSessionUserQuery> } | null = null;

/**
 * The user behind a session, read fresh from the database on every request, in one query: null
 * when the session was ended (sign-out), is older than SESSION_MAX_AGE_SECONDS, began before the
 * user's sessions_valid_after (password change, disabling), or the user is disabled.
 */
export async function loadSessionUser(userId: number, sessionId: string): Promise<SessionUser | null> {
  const client = sqlClient();
  if (prepared?.client !== client) prepared = { client, query: prepareSessionUserQuery() };
  const [row] = await prepared.query.execute({ userId, sessionId });
  return row ?? null;
}
