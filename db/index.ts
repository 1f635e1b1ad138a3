import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
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
  const client = postgres(url, clientOptions(Number(process.env.DB_POOL_MAX ?? 10)));
  const db = drizzle({ client, schema, casing: 'snake_case' });
  globalForDb.smsPortalDb = { client, db };
  return globalForDb.smsPortalDb;
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

export async function closeDb(): Promise<void> {
  const conn = globalForDb.smsPortalDb;
  globalForDb.smsPortalDb = undefined;
  await conn?.client.end({ timeout: 5 });
}
