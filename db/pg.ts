import pg from 'pg';

/**
 * The process's one node-postgres pool, beside postgres.js (./index.ts, the app's queries). It
 * serves what needs `pg`: COPY ... TO STDOUT streamed with backpressure (pg-copy-streams,
 * lib/reports/csv.ts), report chunks written as binary bytea parameters (lib/reports/generate.ts)
 * and graphile-worker (lib/jobs/worker.ts). DATABASE_URL, at most DB_POOL_MAX connections
 * (default 10); created on first use, so importing this needs no database; ended by closeDb().
 */
const globalForPg = globalThis as unknown as { smsPortalPgPool?: pg.Pool };

export function pgPool(): pg.Pool {
  if (globalForPg.smsPortalPgPool) return globalForPg.smsPortalPgPool;
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL is not set: start through `npm start` / `npm run dev`, which provide one.');
  const pool = new pg.Pool({ connectionString, max: Number(process.env.DB_POOL_MAX ?? 10), application_name: 'sms-portal-pg' });
  // A connection lost while idle (PostgreSQL restarted) is dropped by the pool, one lost while
  // checked out fails the query in flight; without these listeners its 'error' event would end
  // the process.
  pool.on('error', (error) => console.warn(`[db] idle connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', () => {}));
  globalForPg.smsPortalPgPool = pool;
  return pool;
}

/**
 * Gives a client back. What its user set for the session (set_config, SET) is reset first, so
 * that it never reaches the next user; a client whose work failed or was cut short is destroyed
 * instead (pg ends a client with a query still running by dropping its socket, so a COPY stops
 * at the server's next write).
 */
export async function releasePgClient(client: pg.PoolClient, destroy = false): Promise<void> {
  if (!destroy) {
    try {
      await client.query('reset all');
    } catch {
      destroy = true;
    }
  }
  client.release(destroy);
}

export async function closePgPool(): Promise<void> {
  const pool = globalForPg.smsPortalPgPool;
  globalForPg.smsPortalPgPool = undefined;
  await pool?.end();
}
