import { closeDb } from '../db';
import { resolveDatabase } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { checkEnv } from '../lib/env';
import { AppError } from '../lib/errors';

/**
 * Runs a command-line task against DATABASE_URL, or the embedded cluster in .data/postgres
 * (joined if the app already runs it, started and stopped again otherwise), migrated first.
 */
export async function withDatabase<T>(task: () => Promise<T>): Promise<T> {
  checkEnv();
  const database = await resolveDatabase();
  process.env.DATABASE_URL = database.url;
  try {
    await runMigrations(database.url);
    return await task();
  } finally {
    await closeDb();
    await database.stop();
  }
}

/** Prints a user-facing error (bad input) without a stack trace and exits non-zero. */
export function fail(error: unknown, json: boolean): never {
  const expected = error instanceof AppError || (error instanceof Error && error.name === 'InsufficientBalanceError');
  const message = error instanceof AppError ? error.describe() : error instanceof Error ? error.message : String(error);
  if (json) console.log(JSON.stringify({ error: message }));
  else console.error(`Error: ${message}`);
  if (!expected) console.error(error);
  process.exit(1);
}
