import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../db/embedded';

// The production server (`scripts/start.ts`, as `npm start` runs it) on the bench's database,
// on 127.0.0.1 only, for benches that measure over HTTP. It serves the build in .next (and
// builds it first when sources changed: run benches under `flock /tmp/next-build.lock` in a
// shared checkout).

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

export type RunningApp = {
  base: string;
  /** The server's first process (the primary with several web processes). */
  pid: number;
  /** Resident memory of the server's processes (the primary and its web processes), MiB: the sum of RSS, and of PSS (shared pages split). */
  memory: () => { rssMb: number; pssMb: number; processes: number };
  stop: () => Promise<void>;
};

export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER: '0',
      SEED_DEMO: '0',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'bench-secret-bench-secret-bench-secret',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk) => (errors = (errors + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/sign-in`).then((r) => r.ok, () => false)) break;
    if (i > 1200 || child.exitCode !== null) throw new Error(`the app did not start:\n${errors}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    pid: child.pid!,
    memory: () => treeMemory(child.pid!),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Signs in through Auth.js's own endpoints, as the sign-in form does; the session cookie. */
export async function signIn(base: string, credentials: { email: string; password: string }): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') },
    body: new URLSearchParams({ csrfToken, ...credentials }),
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!cookie.includes('session-token')) throw new Error(`bench sign-in failed: ${response.status}`);
  return cookie;
}

/** RSS and PSS of a process and all its descendants, from /proc. */
function treeMemory(root: number): { rssMb: number; pssMb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // ended meanwhile
    }
  }
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const pending = [root]; pending.length; ) {
    const pid = pending.pop()!;
    pending.push(...(children.get(pid) ?? []));
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      processes++;
    } catch {
      // ended meanwhile
    }
  }
  return { rssMb: Math.round(rss / 1024), pssMb: Math.round(pss / 1024), processes };
}
