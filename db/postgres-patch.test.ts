import net from 'node:net';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// patches/postgres+3.4.9.patch: what postgres.js 3.4.9 does when PostgreSQL ends a session under
// it (a restart, pg_terminate_backend), on the real server. Each test has its own one-connection
// client; `admin` terminates its backends.

const url = () => process.env.DATABASE_URL!;
const options = { max: 1, connect_timeout: 5, onnotice: () => {} };
let admin: postgres.Sql;
const opened: postgres.Sql[] = [];
const escaped: unknown[] = [];
const record = (error: unknown) => escaped.push(error);

function client(extra: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const sql = postgres(url(), { ...options, ...extra });
  opened.push(sql);
  return sql;
}

const terminate = (pid: number) => admin`select pg_terminate_backend(${pid})`;
const backendPid = async (sql: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql) =>
  (await sql<{ pid: number }[]>`select pg_backend_pid() as pid`)[0].pid;

/** Runs a statement that is still running when its backend is terminated; resolves to its rejection. */
async function terminatedDuring(sql: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql, pid: number): Promise<unknown> {
  const running = sql`select pg_sleep(10)`.then(
    () => null,
    (error: unknown) => error,
  );
  await expect.poll(async () => (await admin`select 1 from pg_stat_activity where pid = ${pid} and state = 'active'`).length).toBe(1);
  await terminate(pid);
  return running;
}

beforeAll(() => {
  admin = postgres(url(), options);
  // Nothing may escape a client: an uncaught TypeError or an unhandled rejection ends a plain
  // Node process (`npm run worker`).
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});

afterEach(async () => {
  await new Promise((r) => setTimeout(r, 100)); // a late setImmediate write or rejection lands here
  expect(escaped.splice(0)).toEqual([]);
  await Promise.all(opened.splice(0).map((sql) => sql.end({ timeout: 1 })));
});

afterAll(async () => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
  await admin.end();
});

describe('postgres.js when PostgreSQL ends a session', () => {
  it('the statement that was running fails, and the next one on the same connection succeeds (not given the old 57P01)', async () => {
    const sql = client();
    const pid = await backendPid(sql);
    expect(await terminatedDuring(sql, pid)).toBeTruthy();
    const [{ n }] = await sql<{ n: number }[]>`select 1 as n`;
    expect(n).toBe(1);
    expect(await backendPid(sql)).not.toBe(pid);
  });

  it('a transaction whose connection closed: its later statements, commit and rollback are refused, never sent on the new session', async () => {
    const sql = client();
    let inside: unknown = null;
    const transaction = sql.begin(async (tx) => {
      expect(await terminatedDuring(tx, await backendPid(tx))).toBeTruthy();
      await sql`select 1`; // the pool has reconnected the same connection for other work
      inside = await tx`select 1`.then(
        () => 'ran',
        (error: { code?: string }) => error.code,
      );
    });
    await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await expect.poll(() => inside).toBe('CONNECTION_CLOSED');
    expect((await sql<{ n: number }[]>`select 1 as n`)[0].n).toBe(1);
  });

  it('a transaction whose connection closed in a statement: the callback that throws leads to no write on the closed socket', async () => {
    const sql = client();
    const transaction = sql.begin(async (tx) => {
      await terminatedDuring(tx, await backendPid(tx));
      throw new Error('the caller gives up'); // begin() then sends ROLLBACK
    });
    await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect((await sql<{ n: number }[]>`select 1 as n`)[0].n).toBe(1);
  });

  it('a reserved connection that closed: its statements are refused, release() leaves the pool working', async () => {
    const sql = client();
    const reserved = await sql.reserve();
    await terminatedDuring(reserved, await backendPid(reserved));
    await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    reserved.release();
    expect((await sql<{ n: number }[]>`select 1 as n`)[0].n).toBe(1);
    const again = await sql.reserve();
    expect((await again<{ n: number }[]>`select 1 as n`)[0].n).toBe(1);
    again.release();
  });
});

describe('postgres.js reading array types on a new connection', () => {
  // A proxy to the real server that holds back the driver's first pg_type query and meanwhile
  // has PostgreSQL terminate that session, as a restart does to a connection that is starting.
  let proxy: net.Server;
  let port: number;
  let killed = 0;

  beforeAll(async () => {
    const target = new URL(url());
    proxy = net.createServer((downstream) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      upstream.on('data', (data) => downstream.write(data));
      upstream.on('close', () => downstream.destroy());
      upstream.on('error', () => {});
      downstream.on('error', () => {});
      downstream.on('close', () => upstream.destroy());
      downstream.on('data', (data) => {
        if (killed === 0 && data.includes('pg_catalog.pg_type')) {
          killed++;
          admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'array-types-test'`.catch(record);
          return;
        }
        upstream.write(data);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = (proxy.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => proxy.close(resolve)));

  it('a session ended while it reads them is no unhandled rejection, and the first statement runs on the next session', async () => {
    const target = new URL(url());
    target.host = `127.0.0.1:${port}`;
    const sql = postgres(target.toString(), { ...options, connection: { application_name: 'array-types-test' } });
    opened.push(sql);
    const [{ n }] = await sql<{ n: number }[]>`select 1 as n`;
    expect(killed).toBe(1);
    expect(n).toBe(1);
    // The types were read on the second session: arrays still go as arrays.
    const [{ total }] = await sql<{ total: number }[]>`select (select sum(x) from unnest(${sql.array([1, 2, 3])}::int[]) x)::int as total`;
    expect(total).toBe(6);
  });
});
