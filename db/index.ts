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
  // What PostgreSQL ending a session (a restart, a terminated backend) did to postgres.js 3.4.9
  // is fixed in the package itself: patches/postgres+3.4.9.patch.
  const client = postgres(url, clientOptions(Number(process.env.DB_POOL_MAX ?? 10)));
  const connection = { client, db: drizzle({ client, schema, casing: 'snake_case' }) };
  globalForDb.smsPortalDb = connection;
  return connection;
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

const globalForClosers = globalThis as unknown as { smsPortalDbClosers?: Set<() => Promise<void>> };

/** A pool made beside the primary's (the replica's, db/replica.ts) is ended by closeDb() too. */
export function endWithDb(close: () => Promise<void>): void {
  (globalForClosers.smsPortalDbClosers ??= new Set()).add(close);
}

/** Ends the process's pools: postgres.js's, pg's (db/pg.ts) and those given to endWithDb(). */
export async function closeDb(): Promise<void> {
  const conn = globalForDb.smsPortalDb;
  globalForDb.smsPortalDb = undefined;
  const others = [...(globalForClosers.smsPortalDbClosers ?? [])];
  globalForClosers.smsPortalDbClosers?.clear();
  await Promise.all([conn?.client.end({ timeout: 5 }), closePgPool(), ...others.map((close) => close())]);
}
