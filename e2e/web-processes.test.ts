import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '@/db/embedded';
import { createTestDatabase, withDatabase } from '@/tests/database';

// `npm start` with WEB_PROCESSES=2 (scripts/start.ts), on a database of its own: two web
// processes listen on the one port and answer, only one of them runs the job workers, one that
// dies is replaced, and SIGTERM stops them all.

const root = path.resolve(import.meta.dirname, '..');
let databaseUrl: string;
let sql: postgres.Sql;
let app: ChildProcess;
let output = '';
let port: number;

/** Live processes of the app's process group, from /proc. */
function group(): number[] {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgid) === app.pid && state !== 'Z' ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

/** The processes of the group with a socket listening on the app's port (/proc/net/tcp and each one's fds). */
function listeners(): number[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local address "IP:PORT" in hex; state 0A is LISTEN
      if (fields.length > 9 && parseInt(fields[1].split(':')[1], 16) === port && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  return group().filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        return inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '');
      });
    } catch {
      return false;
    }
  });
}

function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** graphile-worker's LISTEN connections: one per process that runs the job workers. */
async function jobRunners(): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count from pg_stat_activity where datname = current_database() and query like 'LISTEN "jobs:insert"%'`;
  return count;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s. Output:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A GET on a connection of its own, so that the kernel picks a process for each. */
function get(pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase(withDatabase(inject('databaseUrl'), 'postgres'), `e2e_web_${randomBytes(4).toString('hex')}`);
  sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  port = await freePort();
  app = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      SEED_DEMO: '0',
      WORKER: '1',
      WEB_PROCESSES: '2',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (chunk) => (output += chunk));
  app.stderr!.on('data', (chunk) => (output += chunk));
  await until('the app says it listens', () => (output.includes(`on http://localhost:${port} (2 web processes)`) ? true : undefined), 300);
}, 360_000);

afterAll(async () => {
  if (app?.pid && group().length) process.kill(-app.pid, 'SIGKILL');
  await sql?.end();
  if (databaseUrl) {
    const server = postgres(withDatabase(databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
    await server.unsafe(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`);
    await server.end();
  }
});

describe('web processes', () => {
  it('two processes listen on the one port and answer; one runs the job workers', async () => {
    expect(listeners()).toHaveLength(2);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => get('/sign-in')));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await until('the job workers listen', async () => ((await jobRunners()) > 0 ? jobRunners() : undefined))).toBe(1);
  });

  it('a web process that dies is replaced; the job workers still run once', async () => {
    // The first process starts the other: the one whose parent is the other listener.
    const now = listeners();
    const second = now.find((pid) => now.includes(parentOf(pid)))!;
    const first = parentOf(second);
    process.kill(second, 'SIGKILL');
    const replaced = await until('a new web process listens', () => {
      const now = listeners();
      return now.length === 2 && !now.includes(second) ? now : undefined;
    });
    expect(replaced).toContain(first);
    expect(output).toContain('A web process ended (SIGKILL): starting another.');
    expect(await get('/sign-in')).toBe(200);
    expect(await jobRunners()).toBe(1);
  });

  it('SIGTERM to the first process stops them all', async () => {
    process.kill(app.pid!, 'SIGTERM');
    await until('every process ended', () => (group().length === 0 ? true : undefined), 30);
    expect(output).toContain('SIGTERM: stopping');
    expect(await jobRunners()).toBe(0);
  });
});
