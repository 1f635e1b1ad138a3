import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '@/db/embedded';
import { createTestDatabase, withDatabase } from '@/tests/database';

// The README's production install, in a throwaway copy of the checkout with the build the e2e
// global setup made: `npm prune --omit=dev`, then `npm start` and `npm run worker`. What a
// devDependency import breaks only here (the worker once died on a missing graphile-worker).

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const NODE_24 = /^v24\./;

let copy: string;
let databaseUrl: string;
let env: NodeJS.ProcessEnv;
let baseUrl: string;
let app: Started;
let worker: Started;

type Started = { process: ChildProcess; output: () => string };

/** `npm <args>` in the copy, in its own process group so that stopping it reaches tsx and the server. */
function start(args: string[], extra: Partial<NodeJS.ProcessEnv> = {}): Started {
  const child = spawn('npm', args, { cwd: copy, env: { ...env, ...extra }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { process: child, output: () => output };
}

/** Live processes of a process group, from /proc (npm's children outlive npm itself on SIGTERM). */
function processGroup(pgid: number): number[] {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(group) === pgid && state !== 'Z' ? [Number(pid)] : [];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/** The Node.js binaries under npm (which itself runs on the system's Node): tsx, and the program it runs. */
function nodeExecutables(started: Started): string[] {
  return processGroup(started.process.pid!)
    .filter((pid) => pid !== started.process.pid)
    .map((pid) => fs.readlinkSync(`/proc/${pid}/exe`))
    .filter((exe) => path.basename(exe) === 'node');
}

async function until<T>(what: string, started: Started, check: () => Promise<T | undefined> | T | undefined, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const found = await check();
    if (found !== undefined) return found;
    if (processGroup(started.process.pid!).length === 0) throw new Error(`${what}: it ended first. Output:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${seconds} s. Output:\n${started.output()}`);
}

/** SIGTERM, as a service manager sends it to the whole group; every process must end by itself. */
async function stop(started: Started): Promise<void> {
  const deadline = Date.now() + 20_000;
  process.kill(-started.process.pid!, 'SIGTERM');
  while (processGroup(started.process.pid!).length > 0) {
    if (Date.now() > deadline) throw new Error(`still running 20 s after SIGTERM:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function admin(...args: string[]) {
  const { stdout } = await run('npm', ['run', '--silent', 'admin', '--', ...args, '--json'], { cwd: copy, env });
  return JSON.parse(stdout.trim());
}

const hiddenLockfile = () => fs.readFileSync(path.join(root, 'node_modules', '.package-lock.json'), 'utf8');
const checkoutLockfile = hiddenLockfile();

beforeAll(async () => {
  copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sms-portal-production-')));
  // Node resolves packages in parent folders too: none may hold a node_modules to fall back on.
  for (let dir = path.dirname(copy); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    expect(fs.existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
  }
  // The files of a clone (and new ones not yet committed), the build, and node_modules as
  // hard links: the prune only unlinks in the copy. npm rewrites its hidden lockfile in place,
  // so that one is a real copy, or the write would land in the checkout too.
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(copy, file));
  }
  fs.cpSync(path.join(root, '.next'), path.join(copy, '.next'), {
    recursive: true,
    verbatimSymlinks: true, // .next/node_modules links to ../../node_modules: the copy's
    filter: (source) => source !== path.join(root, '.next', 'cache'),
  });
  const modules = path.join(copy, 'node_modules');
  await run('cp', ['-al', path.join(root, 'node_modules'), modules]).catch(async () => {
    // A temporary folder on another file system: a real copy, then.
    fs.rmSync(modules, { recursive: true, force: true });
    await run('cp', ['-a', path.join(root, 'node_modules'), modules]);
  });
  fs.rmSync(path.join(modules, '.package-lock.json'));
  fs.copyFileSync(path.join(root, 'node_modules', '.package-lock.json'), path.join(modules, '.package-lock.json'));

  // Only what the system has: no node_modules/.bin of the checkout to fall back on.
  env = {
    PATH: process.env.PATH!.split(path.delimiter).filter((dir) => !dir.includes('node_modules')).join(path.delimiter),
    HOME: process.env.HOME ?? os.homedir(),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  // --offline: a production install prunes without the registry.
  await run('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: copy, env });

  databaseUrl = await createTestDatabase(withDatabase(inject('databaseUrl'), 'postgres'), `production_${randomBytes(4).toString('hex')}`);
  env = { ...env, DATABASE_URL: databaseUrl, AUTH_SECRET: randomBytes(32).toString('base64url') };
  baseUrl = `http://127.0.0.1:${await freePort()}`;
  // WORKER=0: the jobs are the worker process's alone.
  app = start(['start'], { PORT: new URL(baseUrl).port, HOST: '127.0.0.1', WORKER: '0', SEED_DEMO: '0' });
  worker = start(['run', 'worker']);
  await until('the app answers /sign-in', app, async () => ((await fetch(`${baseUrl}/sign-in`).catch(() => null))?.ok ? true : undefined));
  await until('the worker says "Worker running"', worker, () => (worker.output().includes('Worker running') ? true : undefined));
}, 300_000);

afterAll(async () => {
  for (const started of [worker, app]) {
    if (started && processGroup(started.process.pid!).length) process.kill(-started.process.pid!, 'SIGKILL');
  }
  if (databaseUrl) {
    const server = postgres(withDatabase(databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
    await server.unsafe(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`);
    await server.end();
  }
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe('production install: build, npm prune --omit=dev, npm start, npm run worker', () => {
  it('the prune removed the dev dependencies from the copy only, and kept Node 24', async () => {
    for (const devOnly of ['vitest', '@tailwindcss/postcss', 'eslint']) {
      expect(fs.existsSync(path.join(copy, 'node_modules', devOnly)), devOnly).toBe(false);
      expect(fs.existsSync(path.join(root, 'node_modules', devOnly)), devOnly).toBe(true);
    }
    expect(hiddenLockfile()).toBe(checkoutLockfile);
    const { stdout } = await run(path.join(copy, 'node_modules', '.bin', 'node'), ['--version']);
    expect(stdout.trim()).toMatch(NODE_24);
  });

  it('the app and the worker run on the pruned copy\'s Node 24', () => {
    const node = path.join(copy, 'node_modules', 'node', 'bin', 'node');
    for (const started of [app, worker]) {
      const executables = nodeExecutables(started);
      expect(executables.length).toBeGreaterThanOrEqual(2);
      expect(new Set(executables)).toEqual(new Set([node]));
    }
  });

  it('serves the sign-in page, robots.txt that keeps search engines out, and the icon, without a session', async () => {
    expect((await fetch(`${baseUrl}/sign-in`)).status).toBe(200);
    const robots = await fetch(`${baseUrl}/robots.txt`, { redirect: 'manual' });
    expect(robots.status).toBe(200);
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await robots.text()).toMatch(/^User-agent: \*\nDisallow: \/\n$/);
    const icon = await fetch(`${baseUrl}/favicon.ico`, { redirect: 'manual' });
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
  });

  it('the worker takes a job: a message sent through the API with an operator-made token leaves QUEUE', async () => {
    await admin('account:create', '--name', 'ProdCo', '--points', '10');
    await Promise.all([
      admin('user:create', '--account', 'ProdCo', '--email', 'ops@prodco.test', '--password', 'production-install-password'),
      admin('sender:add', '--account', 'ProdCo', '--name', 'ProdCo'),
    ]);
    const { token } = await admin('token:create', '--email', 'ops@prodco.test');
    const headers = { authorization: `Bearer ${token}` };
    const sent = await fetch(`${baseUrl}/api/sms.do`, { method: 'POST', headers, body: new URLSearchParams({ to: '0888123456', from: 'ProdCo', message: 'Hello', format: 'json' }) });
    expect(sent.status).toBe(200);
    const { list: [{ id, status }] } = await sent.json();
    expect(status).toBe('QUEUE');
    const taken = await until('the message leaves QUEUE', worker, async () => {
      const { list } = await (await fetch(`${baseUrl}/api/sms.do?status=${id}&format=json`, { headers })).json();
      return list[0].status === 'QUEUE' ? undefined : list[0].status;
    }, 30);
    expect(['SENT', 'ACCEPTED', 'DELIVERED', 'UNDELIVERED', 'EXPIRED', 'REJECTED', 'FAILED', 'UNKNOWN']).toContain(taken);
  }, 120_000);

  it('the worker and the app stop on SIGTERM', async () => {
    await stop(worker);
    await stop(app);
    expect(app.output()).toContain('SIGTERM: stopping');
  }, 60_000);
});
