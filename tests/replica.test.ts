import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, db } from '@/db';
import { runMigrations } from '@/db/migrate';
import { readerAsOfNow, readerFor } from '@/db/replica';
import { loadSessionUser, startSession, type SessionUser } from '@/lib/auth/session-user';
import { campaignCsvResponse } from '@/lib/campaigns/delivery-report/downloads';
import { ownReader } from '@/lib/gates/own-writes';
import { defaultFilters } from '@/lib/history/filters';
import { listMessages } from '@/lib/history/query';
import { parseCsv } from '@/lib/files/csv-testing';
import { sendNow } from '@/app/(app)/send/actions';
import { generateRun } from '@/lib/reports/generate';
import { makeAccount } from './fixtures/accounts';
import { queuedBigReport } from './fixtures/reports';
import { session } from './fixtures/session';
import { POSTGRES_15_BIN, startCluster, startReplica, type Cluster } from './postgres-cluster';

// A real streaming replica (Debian's PostgreSQL 15: a primary, and pg_basebackup's copy of it
// streaming from it) behind DATABASE_REPLICA_URL. History and exports read the replica, unless
// it lacks what the user just wrote (then the primary), or lags more than the limit (then the
// primary for everyone), or is down (the primary, no error). Replay is paused on the replica to
// make it fall behind, as a slow or distant one would.

vi.mock('@/lib/auth', () => import('./fixtures/session'));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
// The browser's cookie jar: what a server action sets, the next request sends.
const jar = vi.hoisted(() => new Map<string, string>());
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.80', 'x-forwarded-proto': 'http' }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string) => void jar.set(name, value),
  }),
}));

const MAX_LAG_SECONDS = 2;
let primary: Cluster;
let replica: Cluster;
let standby: postgres.Sql;
let user: SessionUser;

const waitFor = async (what: string, check: () => Promise<boolean>, seconds = 30) => {
  for (const deadline = Date.now() + seconds * 1000; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
/** The replica has replayed everything the primary has written. */
const caughtUp = () =>
  waitFor('the replica catches up', async () => {
    const [{ lsn }] = await db.execute<{ lsn: string }>(sql`select pg_current_wal_lsn()::text as lsn`);
    const [{ done }] = await standby<{ done: boolean }[]>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`;
    return done;
  });
const contents = async (reader: { db: typeof db }) => (await listMessages(user.account.id, defaultFilters(), reader.db)).rows.map((r) => r.content);
const send = async (content: string) => {
  const sent = await sendNow({ sender: 'ReplicaCo', recipients: '+359888400001', groupIds: [], content });
  if (!sent.ok) throw new Error(sent.message);
};

beforeAll(async () => {
  primary = await startCluster(POSTGRES_15_BIN);
  replica = await startReplica(POSTGRES_15_BIN, primary);
  await closeDb();
  process.env.DATABASE_URL = primary.url;
  process.env.DATABASE_REPLICA_MAX_LAG_SECONDS = String(MAX_LAG_SECONDS);
  await runMigrations(primary.url);
  // The replica is read as a plain role that may only read (as an operator would set it up): no
  // superuser's view of the WAL receiver's status.
  const admin = postgres(primary.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create role portal_reader login; grant usage on schema public to portal_reader; grant select on all tables in schema public to portal_reader`);
  await admin.end();
  const readerUrl = new URL(replica.url);
  readerUrl.username = 'portal_reader';
  readerUrl.password = '';
  process.env.DATABASE_REPLICA_URL = readerUrl.toString();
  standby = postgres(replica.url, { max: 1, onnotice: () => {} });
  const made = await makeAccount('ReplicaCo', 1000);
  user = (await loadSessionUser(made.user.id, await startSession(made.user.id)))!;
  session.user = user;
}, 120_000);

afterAll(async () => {
  await standby?.end();
  await closeDb();
  delete process.env.DATABASE_REPLICA_URL;
  await replica?.stop();
  await primary?.stop();
});

describe('a streaming replica behind DATABASE_REPLICA_URL', () => {
  it('serves the history once it has the rows; a user who just sent reads the primary until it has their message', async () => {
    await send('first, replayed');
    await caughtUp();
    jar.clear(); // long ago: the cookie has expired
    const reader = await ownReader();
    expect(reader.target).toBe('replica');
    expect(await contents(reader)).toEqual(['first, replayed']);

    await standby`select pg_wal_replay_pause()`;
    await send('second, not replayed');
    // The replica lacks it, and says so: reads through it really are the replica's.
    expect(await contents(await readerFor())).toEqual(['first, replayed']);
    // The sender's own next page: the primary, with their message.
    const own = await ownReader();
    expect(own.target).toBe('primary');
    expect(await contents(own)).toEqual(['second, not replayed', 'first, replayed']);

    await standby`select pg_wal_replay_resume()`;
    await caughtUp();
    const after = await ownReader();
    expect(after.target).toBe('replica');
    expect(await contents(after)).toEqual(['second, not replayed', 'first, replayed']);
  });

  it('lagging more than DATABASE_REPLICA_MAX_LAG_SECONDS, it serves nobody; caught up again, it does', async () => {
    jar.clear();
    await caughtUp();
    await standby`select pg_wal_replay_pause()`;
    try {
      // Another process writes (a delivery report, a campaign's worker): no cookie of this user's.
      await db.execute(sql`update accounts set name = name where id = ${user.account.id}`);
      await waitFor('the lag passes the limit', async () => (await readerFor()).target === 'primary', MAX_LAG_SECONDS * 10);
      const [{ lag }] = await standby<{ lag: number }[]>`select extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as lag`;
      expect(lag).toBeGreaterThan(MAX_LAG_SECONDS);
    } finally {
      await standby`select pg_wal_replay_resume()`;
    }
    await caughtUp();
    await waitFor('the replica serves again', async () => (await readerFor()).target === 'replica');
  });

  it('a report job and a campaign CSV read it when it has everything, and are whole', async () => {
    await sendNow({ sender: 'ReplicaCo', recipients: '+359888400002\n+359888400003\n+359888400004', groupIds: [], content: 'campaign' }).catch(() => {});
    const [{ id: campaignId }] = await db.execute<{ id: string }>(sql`select id from campaigns where account_id = ${user.account.id} order by created_at desc limit 1`);
    jar.clear();
    await caughtUp();
    expect((await readerAsOfNow()).target).toBe('replica');
    const response = await campaignCsvResponse(user, campaignId);
    expect(response.status).toBe(200);
    const { rows } = parseCsv((await response.text()).replace(/^\uFEFF/, ''));
    expect(rows.slice(1).map((row) => row.find((cell) => cell.startsWith('+359'))).sort()).toEqual(['+359888400002', '+359888400003', '+359888400004']);

    // A report generated now: the replica has its rows; the file is whole.
    const big = await queuedBigReport('ReplicaReport', 2_000);
    await caughtUp();
    expect(await generateRun(big.runId)).toBe('ready');
    const [run] = await db.execute<{ status: string; rows_done: number }>(sql`select status, rows_done::int from report_runs where id = ${big.runId}`);
    expect(run).toEqual({ status: 'ready', rows_done: 2_000 });
    const replicaCopies = await standby<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where application_name = 'sms-portal-replica' and usename = 'portal_reader'`;
    expect(replicaCopies[0].n).toBeGreaterThan(0); // the COPY ran on the replica's pool

    // Paused: a report asked for now waits for the replica (up to the lag allowed), then reads the primary.
    await standby`select pg_wal_replay_pause()`;
    try {
      await send('after the pause');
      const started = Date.now();
      expect((await readerAsOfNow()).target).toBe('primary');
      expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_LAG_SECONDS * 1000 - 100);
    } finally {
      await standby`select pg_wal_replay_resume()`;
    }
  });

  it('down, it is replaced by the primary without an error', async () => {
    await replica.exec('pg_ctl', ['-D', replica.dataDir, '-m', 'immediate', '-w', 'stop']);
    await new Promise((r) => setTimeout(r, 300)); // past the cached state
    const reader = await ownReader();
    expect(reader.target).toBe('primary');
    expect(await contents(reader)).toContain('after the pause');
  });
});
