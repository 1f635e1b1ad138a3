import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { Logger, runMigrations as runJobQueueMigrations } from 'graphile-worker';

const quietLogger = new Logger(() => () => {});

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

// Any number of processes may start at once (app, worker, CLI): an advisory lock on the one
// connection that migrates makes them take turns.
export async function runMigrations(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(7246001)`;
    await migrate(drizzle({ client }), { migrationsFolder });
    // The job queue's own schema (graphile_worker), so that jobs can be added in any transaction.
    await runJobQueueMigrations({ connectionString: url, logger: quietLogger });
  } finally {
    await client.end({ timeout: 5 });
  }
}
