import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import postgres from 'postgres';
import { startEmbeddedPostgres, type DatabaseHandle } from '@/db/embedded';
import { runMigrations } from '@/db/migrate';
import { startCluster } from './postgres-cluster';

export const TEMPLATE_DATABASE = 'sms_portal_test_template';

/**
 * TEST_DATABASE_URL's server; or a throwaway cluster from TEST_POSTGRES_BIN's binaries (the suite on
 * a second PostgreSQL version); or a throwaway embedded cluster. With a migrated template database.
 */
export async function startTestServer(): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  let handle: DatabaseHandle;
  let dir: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    handle = { url: process.env.TEST_DATABASE_URL, owned: false, stop: async () => {} };
  } else if (process.env.TEST_POSTGRES_BIN) {
    const cluster = await startCluster(process.env.TEST_POSTGRES_BIN);
    handle = { url: cluster.url, owned: true, stop: cluster.stop };
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sms-portal-test-'));
    await fs.chmod(dir, 0o755);
    handle = await startEmbeddedPostgres(path.join(dir, 'pg'), 'postgres');
  }
  const serverUrl = withDatabase(handle.url, 'postgres');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${TEMPLATE_DATABASE}" with (force)`);
    await admin.unsafe(`create database "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(serverUrl, TEMPLATE_DATABASE));
  return {
    serverUrl,
    stop: async () => {
      await handle.stop();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh database cloned from the migrated template (fast: a file copy inside PostgreSQL). */
export async function createTestDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}
