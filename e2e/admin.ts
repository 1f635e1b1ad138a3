import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

/** The operators' CLI against the e2e app's database, as an operator would run it. */
export async function admin(...args: string[]) {
  const { stdout } = await run('npm', ['run', '--silent', 'admin', '--', ...args, '--json'], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
  });
  return JSON.parse(stdout.trim());
}
