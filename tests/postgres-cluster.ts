import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '@/db/embedded';

// A throwaway cluster from a PostgreSQL installation's own binaries (Debian's postgresql-15:
// /usr/lib/postgresql/15/bin), for the suite on a second version and for a real streaming
// replica. PostgreSQL refuses to run as root: as root, every binary runs as the `postgres` user
// the package creates. Trust authentication on 127.0.0.1 only (a test machine's own cluster).

const run = promisify(execFile);
export const POSTGRES_15_BIN = '/usr/lib/postgresql/15/bin';

export type Cluster = {
  url: string;
  port: number;
  dataDir: string;
  /** Runs one of the installation's binaries (psql, pg_ctl…) as the cluster's owner. */
  exec: (binary: string, args: string[]) => Promise<string>;
  stop: () => Promise<void>;
};

const asRoot = process.getuid?.() === 0;

function runner(bin: string) {
  return async (binary: string, args: string[]) => {
    const file = path.join(bin, binary);
    const { stdout } = asRoot ? await run('runuser', ['-u', 'postgres', '--', file, ...args]) : await run(file, args);
    return stdout;
  };
}

async function ownedDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  return dir;
}

async function start(bin: string, dir: string, dataDir: string, port: number, settings: Record<string, string>): Promise<Cluster> {
  const exec = runner(bin);
  const options = Object.entries({ port: String(port), listen_addresses: '127.0.0.1', unix_socket_directories: dir, max_connections: '200', fsync: 'off', ...settings })
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  await exec('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    exec,
    stop: async () => {
      await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new primary: initdb, then started on a free port with `settings` (postgresql.conf names). */
export async function startCluster(bin: string, settings: Record<string, string> = {}): Promise<Cluster> {
  const dir = await ownedDir('sms-portal-pg-');
  const dataDir = path.join(dir, 'data');
  await runner(bin)('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  return start(bin, dir, dataDir, await freePort(), { wal_level: 'replica', max_wal_senders: '5', ...settings });
}

/** A streaming replica of `primary`: pg_basebackup's copy with standby.signal and primary_conninfo (-R). */
export async function startReplica(bin: string, primary: Cluster, settings: Record<string, string> = {}): Promise<Cluster> {
  const dir = await ownedDir('sms-portal-replica-');
  const dataDir = path.join(dir, 'data');
  await runner(bin)('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast']);
  const replica = await start(bin, dir, dataDir, await freePort(), { hot_standby: 'on', ...settings });
  const client = postgres(replica.url, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      const [{ streaming }] = await client<{ streaming: boolean }[]>`select exists (select 1 from pg_stat_wal_receiver where status = 'streaming') as streaming`;
      if (streaming) break;
      if (attempt > 300) throw new Error('the replica does not stream');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.end();
  }
  return replica;
}
