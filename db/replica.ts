import postgres from 'postgres';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { clientOptions, db, endWithDb, type Database } from './index';
import { pgPool } from './pg';
import * as schema from './schema';

/**
 * DATABASE_REPLICA_URL: a streaming replica (hot standby) for the reads that may trail the
 * primary a little: history pages, report generation, exports. Anything that must see its own
 * write (a campaign after a control, a just-sent message, money) reads the primary, and so does
 * every read when no replica is set.
 *
 * The rule for a read sent to the replica: the replica streams from the primary, its lag is at
 * most DATABASE_REPLICA_MAX_LAG_SECONDS (default 5), and it has replayed the WAL position `after`
 * when one is given (the position the primary was at after this user's last write, or when a
 * report's job started). Otherwise the primary serves the read; a replica that does not answer is
 * the primary's too, never an error. Lag: 0 while everything received is replayed, else the time
 * since the last transaction it replayed committed (so a replica paused, or slow to apply, ages).
 * The replica's state is read at most every STATE_TTL_MS per process.
 */

export type Reader = { target: 'replica' | 'primary'; db: Database; pool: pg.Pool };
type ReplicaState = { replayLsn: bigint; lagSeconds: number } | null;
type Replica = { client: postgres.Sql; db: Database; pool: pg.Pool; state: ReplicaState; checkedAt: number; checking: Promise<ReplicaState> | null };

const STATE_TTL_MS = 250;
// A replica that failed to answer is not asked again for this long: a page never waits on it twice.
const DOWN_TTL_MS = 5_000;
const WAIT_STEP_MS = 100;
const globalForReplica = globalThis as unknown as { smsPortalReplica?: Replica | null };

export function replicaConfigured(): boolean {
  return Boolean(process.env.DATABASE_REPLICA_URL);
}

export function maxReplicaLagSeconds(): number {
  const value = Number(process.env.DATABASE_REPLICA_MAX_LAG_SECONDS ?? 5);
  return Number.isFinite(value) && value >= 0 ? value : 5;
}

function replica(): Replica | null {
  if (globalForReplica.smsPortalReplica !== undefined) return globalForReplica.smsPortalReplica;
  const url = process.env.DATABASE_REPLICA_URL;
  if (!url) return null;
  const max = Number(process.env.DB_POOL_MAX ?? 10);
  const client = postgres(url, { ...clientOptions(max), connect_timeout: 2 });
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'sms-portal-replica', connectionTimeoutMillis: 2_000 });
  pool.on('error', (error) => console.warn(`[db] idle replica connection lost: ${error.message}`));
  pool.on('connect', (connection) => connection.on('error', () => {}));
  const created: Replica = { client, db: drizzle({ client, schema, casing: 'snake_case' }), pool, state: null, checkedAt: 0, checking: null };
  globalForReplica.smsPortalReplica = created;
  endWithDb(closeReplica);
  return created;
}

/** A WAL position ('16/B374D848') as a number; null when it is not one. */
export function parseLsn(text: string | null | undefined): bigint | null {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text ?? '');
  return match ? (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`) : null;
}

/**
 * The replica's position and lag; null when it is not usable: down, not a standby (promoted: it
 * no longer receives the primary's writes), or not receiving. pg_stat_wal_receiver shows its
 * status only to pg_read_all_stats members (a plain role sees the row, status null): a row there
 * means a WAL receiver runs.
 */
async function readState(r: Replica): Promise<ReplicaState> {
  try {
    const [row] = await r.client<{ replay: string | null; lag: number | null; receiving: boolean; standby: boolean }[]>`
      select pg_is_in_recovery() as standby,
             pg_last_wal_replay_lsn()::text as replay,
             exists (select 1 from pg_stat_wal_receiver where status is null or status = 'streaming') as receiving,
             case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                  else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) end::float8 as lag`;
    const replayLsn = parseLsn(row.replay);
    if (!row.standby || !row.receiving || replayLsn === null) return null;
    return { replayLsn, lagSeconds: row.lag ?? Number.POSITIVE_INFINITY };
  } catch {
    return null;
  }
}

/** The cached state, read again once it is older than its TTL; concurrent readers share one check. */
async function currentState(r: Replica, fresh: boolean): Promise<ReplicaState> {
  const ttl = r.state === null && r.checkedAt > 0 ? DOWN_TTL_MS : STATE_TTL_MS;
  if (!(fresh || Date.now() - r.checkedAt > ttl)) return r.state;
  r.checking ??= readState(r).then((state) => {
    r.state = state;
    r.checkedAt = Date.now();
    r.checking = null;
    return state;
  });
  return r.checking;
}

const primary = (): Reader => ({ target: 'primary', db, pool: pgPool() });

/**
 * Where a read goes (see above). `after`: a WAL position the replica must have replayed;
 * `waitSeconds`: how long to wait for it before the primary serves the read instead.
 */
export async function readerFor(options: { after?: string | null; waitSeconds?: number } = {}): Promise<Reader> {
  const r = replica();
  if (!r) return primary();
  const after = parseLsn(options.after);
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  for (let fresh = false; ; fresh = true) {
    const state = await currentState(r, fresh);
    if (!state || state.lagSeconds > maxReplicaLagSeconds()) return primary();
    if (after === null || state.replayLsn >= after) return { target: 'replica', db: r.db, pool: r.pool };
    // Behind `after`: the cached state may be old; look again, then wait while allowed.
    if (fresh) {
      if (Date.now() >= deadline) return primary();
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }
}

/**
 * The primary's WAL position now: a read after it on the replica sees every write committed
 * before. The insert position, at or past every commit record (with synchronous_commit off, the
 * write position may not be yet).
 */
export async function primaryLsn(): Promise<string> {
  const [row] = await db.execute<{ lsn: string }>(sql`select pg_current_wal_insert_lsn()::text as lsn`);
  return row.lsn;
}

/**
 * A reader that sees every write committed on the primary by now (a report's rows as of its job):
 * the replica once it has replayed that far, waiting up to the lag allowed, else the primary.
 */
export async function readerAsOfNow(): Promise<Reader> {
  if (!replicaConfigured()) return primary();
  return readerFor({ after: await primaryLsn(), waitSeconds: maxReplicaLagSeconds() });
}

export async function closeReplica(): Promise<void> {
  const r = globalForReplica.smsPortalReplica;
  globalForReplica.smsPortalReplica = undefined;
  if (r) await Promise.all([r.client.end({ timeout: 5 }), r.pool.end()]);
}
