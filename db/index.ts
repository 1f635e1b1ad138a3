import net from 'node:net';
import postgres from 'postgres';
import { DrizzleQueryError } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { closePgPool } from './pg';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

type Connection = { client: postgres.Sql; db: Database };
const globalForDb = globalThis as unknown as { smsPortalDb?: Connection };

export function clientOptions(max: number): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    max,
    onnotice: () => {},
    // Generic plans are badly wrong for skewed filters (a rare recipient prefix): always plan
    // with the actual values (shared/spec/performance.md).
    connection: { plan_cache_mode: 'force_custom_plan', application_name: 'sms-portal' },
  };
}

function connect(): Connection {
  if (globalForDb.smsPortalDb) return globalForDb.smsPortalDb;
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: start through `npm start` / `npm run dev`, which provide one.');
  }
  const connection = {} as Connection;
  const options = process.env.NO_RECYCLE ? clientOptions(Number(process.env.DB_POOL_MAX ?? 10)) : { ...clientOptions(Number(process.env.DB_POOL_MAX ?? 10)), socket: watchedSocket(() => retire(connection)) };
  connection.client = guardPinnedConnections(postgres(url, options));
  connection.db = drizzle({ client: connection.client, schema, casing: 'snake_case' });
  globalForDb.smsPortalDb = connection;
  return connection;
}

/**
 * A session PostgreSQL ends on us (it restarted, a backend was terminated) can leave its
 * postgres.js 3.4.9 connection object broken for good: the error of the statement that was
 * running when the session was terminated (57P01) is handed to the first statement after the
 * reconnect, and a write still pending at the close is never flushed again (that connection's
 * statements then wait for connect_timeout, every time). So when a session ends without our
 * asking, this client is retired: new work gets a fresh client, and the old one ends as soon
 * as the work it still holds is done. A refused connection (server down) leaves nothing behind.
 */
function watchedSocket(onLost: () => void) {
  return (options: { host: string[]; port: number[]; path?: string | false }): net.Socket => {
    const socket = options.path ? net.connect(options.path) : net.connect(options.port[0], options.host[0]);
    Object.assign(socket, { host: options.host[0], port: options.port[0] }); // as postgres.js does, for its error messages
    let connected = false;
    let endedByUs = false;
    socket.once('connect', () => (connected = true));
    // postgres.js ends a session itself (end(), idle and lifetime timeouts) by sending the
    // protocol's Terminate message ('X') with socket.end; Node's own end() after the server
    // closed comes without data.
    const end = socket.end.bind(socket);
    socket.end = ((...args: Parameters<net.Socket['end']>) => {
      if (Buffer.isBuffer(args[0]) && args[0][0] === 0x58) endedByUs = true;
      return end(...args);
    }) as net.Socket['end'];
    socket.once('close', () => {
      if (connected && !endedByUs) onLost();
    });
    return socket;
  };
}

function retire(connection: Connection): void {
  if (globalForDb.smsPortalDb !== connection) return;
  globalForDb.smsPortalDb = undefined;
  // No timeout: a healthy reserved connection (a report's advisory lock) is never cut short.
  connection.client.end().catch(() => {});
}

// Connects on first use, so importing this module (e.g. during `next build`) needs no database.
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const real = connect().db;
    const value = Reflect.get(real, prop, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});

export function sqlClient(): postgres.Sql {
  return connect().client;
}

/**
 * postgres.js 3.4.9 (the latest) writes to a socket it has already dropped when a query goes to
 * a pinned connection (a transaction's, or one from reserve()) after that connection closed:
 * PostgreSQL restarted, a backend was terminated. The write runs in a setImmediate and throws a
 * TypeError nothing can catch, so the process exits (porsager/postgres#1208, #1154); where
 * uncaught exceptions are only logged (Next.js), the connection is left unable to write again.
 * begin() does it by itself: when a transaction's query fails because the connection closed, it
 * sends ROLLBACK on that connection.
 *
 * So nothing is sent on a pinned connection that postgres.js has let go. Through the internal
 * `onexecute` hook (the one begin() uses) we learn the connection a transaction or reservation
 * runs on; its `reserved` marker, set while it is pinned, is cleared by postgres.js when the
 * socket closes. It is checked before every query on the transaction or reservation, and before
 * begin() may send COMMIT or ROLLBACK. begin() has already rejected a transaction whose
 * connection closed (CONNECTION_CLOSED); its callback is then left pending, so postgres.js never
 * reaches the dead socket. A closed reservation is not released (postgres.js has taken it back).
 */
type PinnedConnection = { reserved: unknown };
type Pin = { alive: () => boolean };
type QueryOptions = { onexecute?: (connection: PinnedConnection) => unknown };

function pin(connection: PinnedConnection): () => boolean {
  const marker = connection.reserved;
  return () => connection.reserved === marker;
}

function connectionClosed(): Error {
  return Object.assign(new Error('write CONNECTION_CLOSED: the connection of this transaction or reservation has closed'), {
    code: 'CONNECTION_CLOSED',
  });
}

const pending = new Promise<never>(() => {});

/** Runs a transaction's (or savepoint's) callback; a settled result may reach postgres.js only while its connection lives. */
async function guardedScope<T>(sql: postgres.TransactionSql, state: Pin, fn: (sql: postgres.TransactionSql) => T | Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn(guardSql(sql, state));
  } catch (error) {
    if (!state.alive()) return pending; // postgres.js would send ROLLBACK on the closed socket
    throw error;
  }
  if (!state.alive()) return pending; // ... or COMMIT
  return result;
}

/** A pinned Sql that refuses queries once its connection has closed. */
function guardSql<S extends postgres.TransactionSql | postgres.ReservedSql>(sql: S, state: Pin): S {
  const check = () => {
    if (!state.alive()) throw connectionClosed();
  };
  return new Proxy(sql, {
    apply(target, self, args) {
      check();
      return Reflect.apply(target, self, args);
    },
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (...args: unknown[]) => {
          check();
          return Reflect.apply(value, target, args);
        };
      }
      if (property === 'savepoint') {
        return (...args: unknown[]) => {
          check();
          const fn = args.pop() as (sql: postgres.TransactionSql) => unknown;
          return Reflect.apply(value, target, [...args, (inner: postgres.TransactionSql) => guardedScope(inner, state, fn)]);
        };
      }
      if (property === 'release') {
        return () => {
          if (state.alive()) (value as () => void)();
        };
      }
      return value;
    },
  });
}

function guardPinnedConnections(client: postgres.Sql): postgres.Sql {
  const unsafe = client.unsafe;
  const begin = client.begin;
  const reserve = client.reserve;
  let capture: ((connection: PinnedConnection) => void) | null = null;

  // begin() sends BEGIN with client.unsafe(text, [], { onexecute }) before its first await.
  client.unsafe = ((...args: unknown[]) => {
    const options = args[2] as QueryOptions | undefined;
    if (capture && options?.onexecute) {
      const seen = capture;
      const onexecute = options.onexecute;
      args[2] = {
        ...options,
        onexecute: (connection: PinnedConnection) => {
          const result = onexecute(connection);
          seen(connection);
          return result;
        },
      };
    }
    return Reflect.apply(unsafe, client, args);
  }) as typeof client.unsafe;

  client.begin = ((...args: unknown[]) => {
    const fn = args.pop() as (sql: postgres.TransactionSql) => unknown;
    let alive: (() => boolean) | null = null;
    const state: Pin = { alive: () => alive === null || alive() };
    capture = (connection) => (alive = pin(connection));
    try {
      return Reflect.apply(begin, client, [...args, (sql: postgres.TransactionSql) => guardedScope(sql, state, fn)]);
    } finally {
      capture = null;
    }
  }) as typeof client.begin;

  client.reserve = async () => {
    const reserved = await reserve.call(client);
    let alive: (() => boolean) | null = null;
    await reserved.unsafe('select 1', [], {
      onexecute: (connection: PinnedConnection) => {
        alive = pin(connection);
        return true;
      },
    } as postgres.UnsafeQueryOptions);
    return guardSql(reserved, { alive: () => alive === null || alive() });
  };
  return client;
}

// The database went away, or is shutting down or starting up: postgres.js's own connection
// errors, SQLSTATE class 08 (connection exception) and 57P01-57P03, pg's messages for a lost
// connection; and socket errors, when they come from a query (a gateway's fetch has them too).
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03']);
export const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const LOST_MESSAGES = new Set(['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable']);

type ErrorLink = { code?: unknown; message?: unknown; cause?: unknown };

/** Whether a database call failed because the database was unreachable (also through drizzle's "Failed query" wrapper). */
export function isConnectionError(error: unknown): boolean {
  let fromQuery = false;
  const seen = new Set<unknown>();
  for (let e = error as ErrorLink | null | undefined; e && typeof e === 'object' && !seen.has(e); e = e.cause as ErrorLink | undefined) {
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : '';
    fromQuery ||= e instanceof DrizzleQueryError || 'query' in e;
    if (DRIVER_CODES.has(code) || code.startsWith('08')) return true;
    if (fromQuery && SOCKET_ERROR_CODES.has(code)) return true;
    if (typeof e.message === 'string' && LOST_MESSAGES.has(e.message)) return true;
  }
  return false;
}

/** Ends both of the process's pools: postgres.js's and pg's (db/pg.ts). */
export async function closeDb(): Promise<void> {
  const conn = globalForDb.smsPortalDb;
  globalForDb.smsPortalDb = undefined;
  await Promise.all([conn?.client.end({ timeout: 5 }), closePgPool()]);
}
