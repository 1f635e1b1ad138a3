import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, withDatabase } from '@/tests/database';
import { startAppProcess } from './app-process';

// `npm start` with WEB_PROCESSES=2 (scripts/start.ts), on a database of its own: two web
// processes listen on the one port and answer, only one of them runs the job workers, one that
// dies is replaced, and SIGTERM stops them all once the requests in flight have been answered.
// Their health, readiness and metrics (all processes' in one answer), and a request id on every
// answer and in its log line.

let databaseUrl: string;
let sql: postgres.Sql;
let app: ChildProcess;
let output = '';
let port: number;
const METRICS_TOKEN = 'web-processes-metrics-token-0123';

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
  return fetchOwn(pathname).then((reply) => reply.status);
}

function fetchOwn(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, agent: false, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      })
      .on('error', reject);
  });
}

/** The log's JSON lines so far. */
const logLines = () =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  databaseUrl = await createTestDatabase(withDatabase(inject('databaseUrl'), 'postgres'), `e2e_web_${randomBytes(4).toString('hex')}`);
  sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  ({ app, port } = await startAppProcess(
    databaseUrl,
    { SEED_DEMO: '0', WORKER: '1', WEB_PROCESSES: '2', METRICS_TOKEN, LOG_FORMAT: 'json' },
    (chunk) => (output += chunk),
    { detached: true },
  ));
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

  it('answers health, readiness and the metrics of both processes, and gives every answer a request id', async () => {
    expect(await fetchOwn('/api/health')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    const ready = await fetchOwn('/api/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { database: 'ok', jobs: 'ok' } });
    expect((await fetchOwn('/metrics')).status).toBe(401);

    await Promise.all(Array.from({ length: 20 }, () => get('/sign-in')));
    // 60 sign-in pages so far (40 in the test above), spread over the two processes by the kernel:
    // whichever answers the scrape counts them all.
    for (let i = 0; i < 6; i++) {
      const scrape = await fetchOwn('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(scrape.status).toBe(200);
      expect(scrape.body).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/sign-in",status="200"\} 60$/m);
      expect(scrape.body).toMatch(/^smsportal_database_up 1$/m);
    }

    // A request id of our own on each answer (one a client sends is not trusted without a proxy), in its log line.
    const page = await fetchOwn('/sign-in', { 'x-request-id': 'client-chosen' });
    const requestId = String(page.headers['x-request-id']);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await until('the request is logged', () => logLines().find((entry) => entry.requestId === requestId));
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', route: '/sign-in', status: 200 });
    expect(logLines().some((entry) => entry.requestId === 'client-chosen')).toBe(false);
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

  it('SIGTERM to the first process stops them all, after answering the request in flight', async () => {
    // A sign-in whose body is half sent when SIGTERM comes (Auth.js reads the whole form first).
    const body = 'csrfToken=none&email=nobody%40example.com&password=wrong-password-0123';
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /api/auth/callback/credentials HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    process.kill(app.pid!, 'SIGTERM');
    // No new connections once the listeners have closed.
    await until('the port refuses connections', () =>
      new Promise<true | undefined>((resolve) => {
        const probe = net.connect(port, '127.0.0.1');
        probe.once('connect', () => (probe.destroy(), resolve(undefined)));
        probe.once('error', () => resolve(true));
      }),
    );
    socket.write(body.slice(10));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 (200|302|303) /);
    expect(answer.toLowerCase()).toContain('connection: close');
    await until('every process ended', () => (group().length === 0 ? true : undefined), 30);
    expect(output).toContain('SIGTERM: stopping');
    expect(await jobRunners()).toBe(0);
  });
});
