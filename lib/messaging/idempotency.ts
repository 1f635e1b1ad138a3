import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { db, type Transaction } from '@/db';
import { idempotencyKeys } from '@/db/schema';

export type ApiReply = { status: number; body: Record<string, unknown> };

/**
 * The hash of a request's route and parameters, the same for the same parameters however the
 * client ordered them: object keys are sorted at every level (a form-encoded body arrives here as
 * an object too). Array order is kept: it is part of the request (the order of recipients).
 */
export function requestHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(parts))).digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/**
 * Runs `work` once per (account, Idempotency-Key) for 24 hours. The key is claimed in the same
 * transaction as the work, so a concurrent retry waits for the first to commit and then gets its
 * response; if the first fails, nothing is kept and the retry does the work. The same key with
 * different parameters is refused (422).
 */
export async function withIdempotency(
  accountId: number,
  key: string,
  hash: string,
  work: (tx: Transaction) => Promise<ApiReply>,
): Promise<ApiReply & { replayed: boolean }> {
  return db.transaction(async (tx) => {
    const where = and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key));
    await tx.delete(idempotencyKeys).where(and(where, sql`${idempotencyKeys.createdAt} < now() - interval '24 hours'`));
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ accountId, key, requestHash: hash, status: 0, response: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [first] = await tx.select().from(idempotencyKeys).where(where);
      if (first.requestHash !== hash) {
        return {
          status: 422,
          body: { error: 8, message: 'This Idempotency-Key was used with different parameters' },
          replayed: false,
        };
      }
      return { status: first.status, body: first.response as Record<string, unknown>, replayed: true };
    }
    const reply = await work(tx);
    await tx.update(idempotencyKeys).set({ status: reply.status, response: reply.body }).where(where);
    return { ...reply, replayed: false };
  });
}
