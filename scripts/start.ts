import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { closeDb } from '../db';
import { resolveDatabase } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { seedDemo } from '../db/seed/demo';
import { env } from '../lib/env';
import { startWorker } from '../lib/jobs/worker';

const dev = process.argv.includes('--dev');
// Every setting validated before anything starts (lib/env.ts): a bad one stops here, named.
const { PORT: port, HOST: hostname, SEED_DEMO, WORKER, TRUST_PROXY_HOPS: trustedHops } = env();
const root = process.cwd();

const database = await resolveDatabase();
process.env.DATABASE_URL = database.url;
await runMigrations(database.url);
process.env.AUTH_SECRET ??= authSecret();

if (SEED_DEMO) {
  const created = await seedDemo((line) => console.log(line));
  if (created.length) console.log(`Demo data ready. Sign in as demo@example.com (see README for the password).`);
}
if (!dev) ensureBuild();

// Job workers run inside the app unless WORKER=0 (then `npm run worker` runs them elsewhere).
const worker = WORKER ? await startWorker() : null;

const app = next({ dev, dir: root, hostname: 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  // The client address as this server saw it goes last in X-Forwarded-For; without trusted
  // proxies in front, whatever the client claimed there is dropped (lib/auth/client-ip.ts).
  const socketIp = req.socket.remoteAddress ?? 'unknown';
  const claimed = trustedHops > 0 ? req.headers['x-forwarded-for'] : undefined;
  req.headers['x-forwarded-for'] = claimed ? `${claimed}, ${socketIp}` : socketIp;
  // Internal to Next.js; never accepted from outside (CVE-2025-29927).
  delete req.headers['x-middleware-subrequest'];
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`SMS Portal ${dev ? '(development) ' : ''}on http://localhost:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await app.close?.();
  await worker?.stop();
  await closeDb();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

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
    console.error('No build in .next, and the dev dependencies that build it are not installed: run `npm run build` before `npm prune --omit=dev`.');
    process.exit(1);
  }
  const sources = ['app', 'lib', 'db', 'emails', 'public', 'proxy.ts', 'next.config.mjs', 'package-lock.json'];
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (built && built >= newest) return;
  console.log('Building the app (first start or changed sources)…');
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
