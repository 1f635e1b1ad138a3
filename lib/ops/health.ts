import { sql } from 'drizzle-orm';
import { db } from '@/db';

export type Readiness = { ready: boolean; checks: { database: 'ok' | 'down'; jobs: 'ok' | 'down' } };

const CHECK_MS = 2_000;

/** Resolves to whether `check` succeeded within CHECK_MS (a hung connection counts as down). */
async function passes(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_MS)));
  try {
    return await Promise.race([check().then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process can serve: the database answers, and the job queue's tables (graphile-worker's
 * schema, migrated at start) can be read, each within 2 s. What failed is named, never how.
 */
export async function readiness(): Promise<Readiness> {
  const [database, jobs] = await Promise.all([
    passes(() => db.execute(sql`select 1`)),
    passes(() => db.execute(sql`select 1 from graphile_worker._private_jobs limit 1`)),
  ]);
  return { ready: database && jobs, checks: { database: database ? 'ok' : 'down', jobs: jobs ? 'ok' : 'down' } };
}
