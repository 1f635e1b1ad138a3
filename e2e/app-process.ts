import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '@/db/embedded';

const root = path.resolve(import.meta.dirname, '..');

/**
 * The production server as `npm start` runs it (scripts/start.ts, NODE_ENV=production) on
 * `databaseUrl`, on a free port of 127.0.0.1, with a fresh AUTH_SECRET; `env` adds to or overrides
 * that. What it prints goes to `onOutput`. `detached`: a process group of its own, so that a test
 * can signal the whole group (the web processes it forks).
 */
export async function startAppProcess(
  databaseUrl: string,
  env: Record<string, string>,
  onOutput: (chunk: string) => void,
  options: { detached?: boolean } = {},
): Promise<{ app: ChildProcess; port: number; baseUrl: string }> {
  const port = await freePort();
  const app = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
    cwd: root,
    detached: options.detached ?? false,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (chunk) => onOutput(String(chunk)));
  app.stderr!.on('data', (chunk) => onOutput(String(chunk)));
  return { app, port, baseUrl: `http://127.0.0.1:${port}` };
}
