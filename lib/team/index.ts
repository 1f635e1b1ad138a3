import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { apiTokens, users } from '@/db/schema';
import { createUser, emailSchema, passwordSchema, USER_ROLES, type UserRole } from '@/lib/accounts';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { AppError, parseOrThrow } from '@/lib/errors';

/**
 * The account's team, kept by its owners: who may sign in, with which role. Every change is
 * audited in its own transaction, and the account always keeps an enabled owner: the users of
 * the account are locked for the check, so two owners demoting each other at once cannot both win.
 */

export type TeamMember = {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
  createdAt: Date;
  liveTokens: number;
};

export async function listTeam(accountId: number): Promise<TeamMember[]> {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabled: users.disabled,
      createdAt: users.createdAt,
      liveTokens: sql<number>`(select count(*)::int from api_tokens t where t.user_id = users.id and t.revoked_at is null)`,
    })
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.createdAt), asc(users.id));
}

export const addTeamUserSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().max(100, { error: 'text_too_long' }),
  role: z.enum(USER_ROLES),
  password: passwordSchema,
});

/** Adds a user to the account (an e-mail no user has yet, anywhere: it is how they sign in). */
export async function addTeamUser(accountId: number, input: unknown, actor: AuditActor): Promise<{ id: number }> {
  const data = parseOrThrow(addTeamUserSchema, input);
  return db.transaction(async (tx) => {
    const user = await createUser({ accountId, ...data }, tx);
    await recordAudit(tx, {
      accountId,
      ...actor,
      action: 'user.create',
      target: { type: 'user', id: user.id },
      details: { email: user.email, role: user.role },
    });
    return { id: user.id };
  });
}

/** The account's users, locked until the transaction ends; the one asked for, or not_found. */
async function lockTeam(tx: Executor, accountId: number, userId: number) {
  const team = await tx
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      disabled: users.disabled,
    })
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.id))
    .for('update');
  const target = team.find((u) => u.id === userId);
  if (!target) throw new AppError('not_found');
  const otherOwners = team.filter((u) => u.id !== userId && u.role === 'owner' && !u.disabled).length;
  return { target, otherOwners };
}

/** Revokes the user's live tokens (a viewer or a disabled user holds none); how many. */
async function revokeTokensOf(tx: Executor, userId: number): Promise<number> {
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length;
}

/**
 * Gives a user of the account another role. The last enabled owner stays one. A user made a
 * viewer loses their live API tokens (a viewer has none); the role takes effect on their next
 * request, since every request reads it (the session and the token gates).
 */
export async function changeRole(accountId: number, userId: number, role: UserRole, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const { target, otherOwners } = await lockTeam(tx, accountId, userId);
    if (target.role === role) return;
    if (target.role === 'owner' && !target.disabled && otherOwners === 0) throw new AppError('last_owner', { field: 'role' });
    await tx.update(users).set({ role }).where(eq(users.id, userId));
    const tokensRevoked = role === 'viewer' ? await revokeTokensOf(tx, userId) : 0;
    await recordAudit(tx, {
      accountId,
      ...actor,
      action: 'user.role_change',
      target: { type: 'user', id: userId },
      details: {
        email: target.email,
        from: target.role,
        to: role,
        ...(tokensRevoked ? { tokensRevoked } : {}),
      },
    });
  });
}

/**
 * Disables a user (their sessions end at once and their live tokens are revoked, so enabling
 * them again brings back neither) or enables them again. No owner disables themselves, and the
 * last enabled owner stays enabled.
 */
export async function setMemberDisabled(accountId: number, userId: number, disabled: boolean, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const { target, otherOwners } = await lockTeam(tx, accountId, userId);
    if (target.disabled === disabled) return;
    if (disabled && userId === actor.userId) throw new AppError('cannot_disable_self');
    if (disabled && target.role === 'owner' && otherOwners === 0) throw new AppError('last_owner');
    await tx
      .update(users)
      .set({ disabled, sessionsValidAfter: sql`now()` })
      .where(eq(users.id, userId));
    const tokensRevoked = disabled ? await revokeTokensOf(tx, userId) : 0;
    await recordAudit(tx, {
      accountId,
      ...actor,
      action: disabled ? 'user.disable' : 'user.enable',
      target: { type: 'user', id: userId },
      details: { email: target.email, ...(tokensRevoked ? { tokensRevoked } : {}) },
    });
  });
}
