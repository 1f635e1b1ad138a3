import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '@/db/embedded';
import { createTestDatabase, startTestServer } from '@/tests/database';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const pg = await startTestServer();
  const databaseUrl = await createTestDatabase(pg.serverUrl, `e2e_${randomBytes(4).toString('hex')}`);
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, '..');
  const app = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      // Lets a test stand for different client addresses via X-Forwarded-For.
      TRUST_PROXY_HOPS: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      // The simulated operator answers within about a second.
      SIMULATOR_DELAY_SCALE: '0.05',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (chunk) => (output += chunk));
  app.stderr.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForServer(baseUrl, app, () => output);
  project.provide('baseUrl', baseUrl);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await pg.stop();
  };
}

async function waitForServer(baseUrl: string, app: ReturnType<typeof spawn>, output: () => string) {
  const deadline = Date.now() + 8 * 60_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`The app exited (${app.exitCode}):\n${output()}`);
    const ok = await fetch(`${baseUrl}/sign-in`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  app.kill('SIGKILL');
  throw new Error(`The app did not start in time:\n${output()}`);
}
