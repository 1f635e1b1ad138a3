import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
// The compression middleware Next.js itself runs with `compress: true`, at its default level 6,
// which halves a CSV download's speed. next.config.mjs turns that off and it runs here instead,
// at level 1 (see compressResponses). A route handler cannot compress for itself: Next.js
// drops its Content-Encoding.
import compression from 'next/dist/compiled/compression';
import { releaseCompressionStream } from 'next/dist/server/lib/release-compression-stream';
import { closeDb } from '../db';
import { resolveDatabase, takeOverStopSignals, type DatabaseHandle } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { env } from '../lib/env';
import { acceptedRequestId, opsContext } from '../lib/ops/context';
import { log } from '../lib/ops/log';
import { processMetrics, routeLabel } from '../lib/ops/metrics';
import { answerProviderCallback, isProviderCallback } from './provider-callback';
import { answerOps, isOpsEndpoint } from './ops-endpoints';
import { answerFirstProcess, askFirstProcess, gatherMetrics, listenTo } from './process-metrics';
import { FILE_LENGTH_HEADER } from '../lib/files/download';

// `npm start`: WEB_PROCESSES web processes answer on the one port, each a Next.js server on its
// own socket bound with SO_REUSEPORT (the kernel spreads the connections). This process
// prepares everything once (database, migrations, secret, demo data, build), starts the
// others, and is the first of them: the only one that runs the job workers (none with
// WORKER=0), and the one that stops the rest. No process only watches (it would hold 100+ MB).

const dev = process.argv.includes('--dev');
// Every setting validated before anything starts (lib/env.ts): a bad one stops here, named.
const { PORT: port, HOST: hostname, SEED_DEMO, WORKER, WEB_PROCESSES, TRUST_PROXY_HOPS: trustedHops, SHUTDOWN_GRACE_SECONDS } = env();
const root = process.cwd();
// Set by the first process on the others it starts; not a setting.
const CHILD_FLAG = 'SMS_PORTAL_WEB_CHILD';
// The development server compiles on demand and reloads: one process.
const processes = dev ? 1 : WEB_PROCESSES;
const isChild = process.env[CHILD_FLAG] === '1';
takeOverStopSignals();

const compress = compression({
  level: zlib.constants.Z_BEST_SPEED,
  // A stored file goes as it is, with its Content-Length (see passFileLength).
  filter: (req, res) => !res.hasHeader(FILE_LENGTH_HEADER) && compression.filter(req, res),
});

if (isChild) {
  await serve({ jobs: false, database: null, children: null });
} else {
  const database = await prepare();
  // A port already taken (another instance of the app too: its sockets share the port only
  // among themselves) fails here, as one plain listen would.
  if (processes > 1) await checkPortFree();
  const children = processes > 1 ? startChildren(processes - 1) : null;
  await serve({ jobs: WORKER, database, children });
}

/** What runs once, before any web process: the database, its migrations, the secret, demo data, the build. */
async function prepare(): Promise<DatabaseHandle> {
  const database = await resolveDatabase();
  process.env.DATABASE_URL = database.url;
  await runMigrations(database.url);
  process.env.AUTH_SECRET ??= authSecret();
  if (SEED_DEMO) {
    const { seedDemo } = await import('../db/seed/demo');
    const created = await seedDemo((line) => log().info(line));
    if (created.length) log().info(`Demo data ready. Sign in as demo@example.com (see README for the password).`);
  }
  if (!dev) ensureBuild();
  return database;
}

type Children = { stop: () => Promise<void>; listening: Promise<void> };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One web process: Next.js behind the port, the job workers when `jobs`. The first process
 * also owns `database` (stopped last) and `children`, the other web processes (stopped first).
 */
async function serve({ jobs, database, children }: { jobs: boolean; database: DatabaseHandle | null; children: Children | null }) {
  const worker = jobs ? await (await import('../lib/jobs/worker')).startWorker() : null;
  const { default: next } = await import('next');
  const app = next({ dev, dir: root, hostname: 'localhost', port });
  const handle = app.getRequestHandler();
  await app.prepare();

  // Every process's metrics in one answer: the first process asks the others; another asks the first.
  const metrics = isChild ? askFirstProcess : gatherMetrics;
  if (isChild) answerFirstProcess();
  let draining = false;
  const inFlight = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    // Each request gets an id (a trusted proxy's X-Request-Id, or a new one), sent back, in its log
    // line and in those of the jobs it queues (lib/ops); its time goes into the metrics.
    const requestId = (trustedHops > 0 && acceptedRequestId(req.headers['x-request-id'])) || randomUUID();
    res.setHeader('x-request-id', requestId);
    // Draining: each answer closes its connection, so that none stays open for another request.
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    observeRequest(req, res);
    opsContext.run({ requestId }, () => route(req, res));
  });
  const route = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The client address as this server saw it goes last in X-Forwarded-For; without trusted
    // proxies in front, whatever the client claimed there is dropped (lib/auth/client-ip.ts).
    const socketIp = req.socket.remoteAddress ?? 'unknown';
    const claimed = trustedHops > 0 ? req.headers['x-forwarded-for'] : undefined;
    req.headers['x-forwarded-for'] = claimed ? `${claimed}, ${socketIp}` : socketIp;
    // Internal to Next.js; never accepted from outside (CVE-2025-29927).
    delete req.headers['x-middleware-subrequest'];
    if (isOpsEndpoint(req.url)) return void answerOps(req, res, { draining: () => draining, metrics });
    if (!dev && isProviderCallback(req.url)) return void answerProviderCallback(req, res);
    passFileLength(res);
    if (!dev) compressResponses(req, res);
    void handle(req, res);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: hostname, reusePort: processes > 1 }, resolve);
  });
  if (isChild) process.send?.('listening');
  else {
    await children?.listening;
    log().info(`SMS Portal ${dev ? '(development) ' : ''}on http://localhost:${port}${processes > 1 ? ` (${processes} web processes)` : ''}`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!isChild) log().info(`${signal}: stopping`);
    // No new connections; the requests in flight finish (for up to SHUTDOWN_GRACE_SECONDS), the
    // other web processes do the same, and the job workers finish the jobs they hold.
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    await Promise.all([children?.stop(), drain(server, SHUTDOWN_GRACE_SECONDS * 1000), worker?.stop()]);
    await app.close?.();
    await closeDb();
    await database?.stop();
    process.exit();
  };
  // The others get the signal from the first process, or with it from a service manager or a
  // terminal (the whole process group); and stop when the first process is gone.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (isChild) process.on('disconnect', () => void shutdown('disconnect'));
}

/** Closes the listening socket and the idle connections, lets the busy ones finish, and cuts them after `graceMs`. */
function drain(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** When the answer has gone: its time in the metrics, and a log line (debug for Next's assets). */
function observeRequest(req: http.IncomingMessage, res: http.ServerResponse) {
  const started = performance.now();
  res.once('finish', () => {
    const seconds = (performance.now() - started) / 1000;
    const method = METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
    // The route, not the path: a path may hold a signed link's token.
    const route = routeLabel(req.url?.split('?', 1)[0] ?? '/', res.statusCode);
    processMetrics().httpDuration.observe({ method, route, status: String(res.statusCode) }, seconds);
    log()[route === '/_next' ? 'debug' : 'info']({ method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
  });
}

/** Fails as a plain listen would when the port is taken. */
function checkPortFree(): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once('error', reject);
    probe.listen(port, hostname, () => probe.close(() => resolve()));
  });
}

/**
 * Starts `count` more web processes and keeps them there: one that dies is started again in its
 * place. One that dies before it ever listened stops everything (a start-up failure would only
 * repeat), as the process itself would have.
 */
function startChildren(count: number): Children {
  const running = new Set<ChildProcess>();
  let stopping = false;
  let started = 0;
  let allListening: () => void;
  const listening = new Promise<void>((resolve) => (allListening = resolve));
  const start = () => {
    const child = fork(process.argv[1], process.argv.slice(2), { env: { ...process.env, [CHILD_FLAG]: '1' } });
    running.add(child);
    listenTo(child);
    let up = false;
    child.on('message', (message) => {
      if (message !== 'listening' || up) return;
      up = true;
      if (++started === count) allListening();
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (stopping) return;
      log().error(`A web process ended (${signal ?? `exit code ${code}`})${up ? ': starting another.' : ' before it listened: stopping.'}`);
      if (up) return start();
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
  };
  for (let i = 0; i < count; i++) start();
  return {
    listening,
    stop: async () => {
      stopping = true;
      await Promise.all([...running].map(stopChild));
    },
  };
}

/** SIGTERM, then SIGKILL if it has not ended within 15 s. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * gzip at level 1 when the client accepts it: pages, their payloads and assets, and CSV
 * downloads as PostgreSQL makes them, at a fraction of level 6's CPU (node:zlib, off the event
 * loop). Installed after passFileLength, so that it sees the file-length header first.
 */
function compressResponses(req: http.IncomingMessage, res: http.ServerResponse) {
  compress(req, res, () => {});
  // Next.js flushes the compressor after every chunk it writes (so that a streamed page's parts
  // go out as they are ready): dozens of small deflate blocks and socket writes per page. One
  // flush per turn of the event loop sends the same parts as early, in one write.
  const flushable = res as http.ServerResponse & { flush?: () => void };
  const flush = flushable.flush;
  if (flush) {
    let queued = false;
    flushable.flush = () => {
      if (queued) return;
      queued = true;
      setImmediate(() => {
        queued = false;
        if (!res.writableEnded) flush.call(res);
      });
    };
  }
  // On a client disconnect the middleware never ends its zlib stream, which then leaks (as
  // Next.js does it for its own compression).
  res.once('close', () => {
    if (!res.writableFinished) releaseCompressionStream(res);
  });
}

/**
 * Next.js drops a route handler's Content-Length; a file of known size sends it as
 * FILE_LENGTH_HEADER too (lib/files/download.ts), made Content-Length here as the headers go out.
 */
function passFileLength(res: http.ServerResponse) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
    const length = this.getHeader(FILE_LENGTH_HEADER);
    if (length !== undefined) {
      this.removeHeader(FILE_LENGTH_HEADER);
      if (/^\d+$/.test(String(length))) this.setHeader('Content-Length', String(length));
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

// A per-installation secret for session cookies, kept beside the embedded database.
function authSecret(): string {
  const file = path.join(root, '.data', 'auth-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

// `npm start` right after `npm install` (or after pulling new code) builds first.
function ensureBuild() {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  // A production install (`npm prune --omit=dev`) has no build tools, and the prune itself
  // rewrites package-lock.json: it serves the build made before the prune, which must exist.
  if (!devDependenciesInstalled()) {
    if (built) return;
    log().error('No build in .next, and the dev dependencies that build it are not installed: run `npm run build` before `npm prune --omit=dev`.');
    process.exit(1);
  }
  const sources = ['app', 'lib', 'db', 'emails', 'public', 'proxy.ts', 'next.config.mjs', 'package-lock.json'];
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (built && built >= newest) return;
  log().info('Building the app (first start or changed sources)…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function devDependenciesInstalled(): boolean {
  const { devDependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return Object.keys(devDependencies).every((name) => fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((max, name) => Math.max(max, newestMtime(path.join(target, name))), stat.mtimeMs);
}
