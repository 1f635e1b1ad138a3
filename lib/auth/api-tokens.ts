import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, count, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { apiTokenFailures, apiTokens, users, type User } from '@/db/schema';
import { NO_ACTOR, recordAudit, type AuditActor } from '@/lib/audit/record';
import { createdIso, LIST_PAGE_SIZE, olderThan, toPage } from '@/lib/list-page';
import { isUuid } from '@/lib/validation';

const TOKEN_PREFIX = 'smsp_';

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export type NewApiToken = { id: string; token: string };

/**
 * 256 random bits; only the SHA-256 is stored, so the token can be shown once and never again.
 * Its user creates it (`ip`: from where, for the audit log, recorded in the same transaction).
 */
export async function createApiToken(input: { accountId: number; userId: number; name: string; ip?: string | null }): Promise<NewApiToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        accountId: input.accountId,
        userId: input.userId,
        name: input.name,
        tokenHash: digest(token),
        displayPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
      })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, {
      accountId: input.accountId,
      userId: input.userId,
      action: 'token.create',
      target: { type: 'token', id: row.id },
      ip: input.ip ?? null,
      details: { name: input.name },
    });
    return { id: row.id, token };
  });
}

/** Who a token speaks for: its user, their account and their role now (a demoted user's token reads only). */
export type ApiPrincipal = { tokenId: string; userId: number; accountId: number; role: User['role'] };

/** Resolves `Authorization: Bearer <token>` to its user; null for a missing, unknown or revoked token. */
export async function verifyApiToken(authorization: string | null, executor: Executor = db): Promise<ApiPrincipal | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const presented = digest(match[1]);
  const [row] = await executor
    .select({ id: apiTokens.id, hash: apiTokens.tokenHash, userId: apiTokens.userId, accountId: apiTokens.accountId, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, presented), isNull(apiTokens.revokedAt), eq(users.disabled, false)))
    .limit(1);
  // The lookup is by hash, so it reveals nothing about the token; the explicit constant-time
  // comparison keeps that true even if the lookup ever changes.
  if (!row || row.hash.length !== presented.length || !timingSafeEqual(row.hash, presented)) return null;
  await executor.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  return { tokenId: row.id, userId: row.userId, accountId: row.accountId, role: row.role };
}

export const API_TOKEN_LIMITS = {
  windowMinutes: 15,
  // bad tokens from one address; a token has 256 random bits, so this only stops noise and
  // guessing, and an integration with a stale token notices (429) instead of hammering on
  perIp: 30,
} as const;

export type ApiAuthentication = ApiPrincipal | 'invalid' | 'rate_limited';

// First key of the two-key advisory lock (the second is a hash of the address); see lib/auth/sign-in.ts.
const LOCK_BY_IP = 7313;

/**
 * verifyApiToken with a limit on bad tokens per client address. A request without an
 * Authorization header is no guess: it is neither counted nor limited. Past the limit the address gets
 * 'rate_limited' for its tokens, right or wrong, until the window has passed. The requests of
 * one address take their turn under an advisory lock held over count, check and record, so of N
 * parallel guesses no more than the limit are ever checked.
 */
export async function authenticateApiToken(authorization: string | null, ip: string): Promise<ApiAuthentication> {
  if (authorization === null) return 'invalid';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_BY_IP}, hashtext(${ip}))`);
    const [failures] = await tx
      .select({ n: count() })
      .from(apiTokenFailures)
      .where(and(eq(apiTokenFailures.ip, ip), gt(apiTokenFailures.createdAt, sql`now() - make_interval(mins => ${API_TOKEN_LIMITS.windowMinutes})`)));
    if (failures.n >= API_TOKEN_LIMITS.perIp) return 'rate_limited';
    const principal = await verifyApiToken(authorization, tx);
    if (principal) return principal;
    await tx.insert(apiTokenFailures).values({ ip });
    return 'invalid';
  });
}

/** An owner sees every token of the account; a member only their own. Newest first, a page at a time. */
export async function listApiTokens(accountId: number, onlyUserId: number | null, before: string | null = null, size = LIST_PAGE_SIZE) {
  const rows = await db
    .select({
      id: apiTokens.id,
      createdIso: createdIso(apiTokens.createdAt),
      name: apiTokens.name,
      displayPrefix: apiTokens.displayPrefix,
      owner: users.email,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      createdAt: apiTokens.createdAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.accountId, accountId),
        onlyUserId === null ? undefined : eq(apiTokens.userId, onlyUserId),
        olderThan(apiTokens.createdAt, apiTokens.id, before),
      ),
    )
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(size + 1);
  return toPage(rows, size);
}

/**
 * Deletes a revoked token of the account (a member: one of theirs); a live one must be revoked
 * first. `actor`: who deleted it, recorded in the audit log in the same transaction.
 */
export async function deleteRevokedApiToken(accountId: number, tokenId: string, onlyUserId: number | null, actor: AuditActor = NO_ACTOR): Promise<boolean> {
  if (!isUuid(tokenId)) return false;
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(apiTokens)
      .where(
        and(
          eq(apiTokens.id, tokenId),
          eq(apiTokens.accountId, accountId),
          onlyUserId === null ? undefined : eq(apiTokens.userId, onlyUserId),
          isNotNull(apiTokens.revokedAt),
        ),
      )
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (rows.length !== 1) return false;
    await recordTokenDeed(tx, accountId, 'token.delete', rows[0], actor);
    return true;
  });
}

/** Returns false when no such live token exists in this account (or, for a member, among theirs). */
export async function revokeApiToken(accountId: number, tokenId: string, onlyUserId: number | null, actor: AuditActor = NO_ACTOR): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiTokens.id, tokenId),
          eq(apiTokens.accountId, accountId),
          onlyUserId === null ? undefined : eq(apiTokens.userId, onlyUserId),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (rows.length !== 1) return false;
    await recordTokenDeed(tx, accountId, 'token.revoke', rows[0], actor);
    return true;
  });
}

function recordTokenDeed(tx: Executor, accountId: number, action: 'token.revoke' | 'token.delete', token: { id: string; name: string }, actor: AuditActor) {
  return recordAudit(tx, { accountId, ...actor, action, target: { type: 'token', id: token.id }, details: { name: token.name } });
}
