import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTestDatabase, startTestServer } from '@/tests/database';
import { startAppProcess } from './app-process';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const pg = await startTestServer();
  const databaseUrl = await createTestDatabase(pg.serverUrl, `e2e_${randomBytes(4).toString('hex')}`);
  let output = '';
  const { app, baseUrl } = await startAppProcess(
    databaseUrl,
    {
      // Lets a test stand for different client addresses via X-Forwarded-For.
      TRUST_PROXY_HOPS: '1',
      // The simulated operator answers within about a second.
      SIMULATOR_DELAY_SCALE: '0.05',
    },
    (chunk) => (output += chunk),
  );
  await waitForServer(baseUrl, app, () => output);
  project.provide('baseUrl', baseUrl);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await pg.stop();
  };
}

async function waitForServer(baseUrl: string, app: ChildProcess, output: () => string) {
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
