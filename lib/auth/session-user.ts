import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { accounts, users } from '@/db/schema';

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  role: 'owner' | 'member';
  language: 'en' | 'bg' | null;
  account: { id: number; name: string; country: string; timeZone: string; balance: number };
};

/**
 * The user behind a session, read fresh from the database on every request: a disabled user,
 * or a session issued before the user's sessions_valid_after (password change), gets null.
 */
export async function loadSessionUser(userId: number, authenticatedAt: number): Promise<SessionUser | null> {
  const [row] = await db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || row.user.disabled) return null;
  if (authenticatedAt < row.user.sessionsValidAfter.getTime()) return null;
  const { user, account } = row;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    language: user.language,
    account: {
      id: account.id,
      name: account.name,
      country: account.country,
      timeZone: account.timeZone,
      balance: account.balance,
    },
  };
}
