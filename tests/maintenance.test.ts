import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiTokenFailures, idempotencyKeys, signInAttempts } from '@/db/schema';
import { pruneExpiredRecords } from '@/lib/jobs/maintenance';
import { makeAccount } from './fixtures/accounts';

describe('pruning expired records', () => {
  it('drops only sign-in attempts past 90 days, bad-token records past 15 minutes and idempotency keys past 24 hours', async () => {
    const { account } = await makeAccount('Prune');
    await db.insert(signInAttempts).values([
      { ip: '10.0.0.1', email: 'a@example.com', succeeded: false, createdAt: sql`now() - interval '91 days'` as unknown as Date },
      { ip: '10.0.0.1', email: 'a@example.com', succeeded: true, createdAt: sql`now() - interval '89 days'` as unknown as Date },
    ]);
    await db.insert(idempotencyKeys).values([
      { accountId: account.id, key: 'old', requestHash: 'x', status: 200, response: {}, createdAt: sql`now() - interval '25 hours'` as unknown as Date },
      { accountId: account.id, key: 'new', requestHash: 'x', status: 200, response: {}, createdAt: sql`now() - interval '23 hours'` as unknown as Date },
    ]);
    await db.insert(apiTokenFailures).values([
      { ip: '10.0.0.1', createdAt: sql`now() - interval '16 minutes'` as unknown as Date },
      { ip: '10.0.0.1', createdAt: sql`now() - interval '14 minutes'` as unknown as Date },
    ]);
    expect(await pruneExpiredRecords()).toEqual({ signInAttempts: 1, apiTokenFailures: 1, idempotencyKeys: 1, userSessions: 0 });
    expect(await db.$count(apiTokenFailures)).toBe(1);
    expect((await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((r) => r.key)).toEqual(['new']);
    expect(await db.$count(signInAttempts)).toBe(1);
  });
});
