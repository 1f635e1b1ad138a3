import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { env, ENV_NAMES } from '@/lib/env';

// Read by the test harness and the browser tests only, not by the app.
const TEST_ONLY = ['TEST_DATABASE_URL', 'TEST_POSTGRES_BIN', 'CHROMIUM_PATH'];

/** The variables the README's Environment table names in its first column. */
function documented(): string[] {
  const readme = fs.readFileSync('README.md', 'utf8');
  const section = readme.split(/^## Environment$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

describe('environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('every variable the app reads is in the README, and the README names no other', () => {
    expect(documented().sort()).toEqual([...ENV_NAMES, ...TEST_ONLY].sort());
  });

  // db/ sits below lib/ and reads its own few (the pool size, where the embedded cluster lives)
  // itself; checkEnv() at start has validated them with the rest.
  it('nothing in app/, lib/ or emails/ but lib/env.ts reads a documented variable from process.env', () => {
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = `${dir}/${entry.name}`;
        if (entry.isDirectory()) return walk(file);
        return /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [file] : [];
      });
    for (const file of ['app', 'lib', 'emails'].flatMap(walk)) {
      if (file === 'lib/env.ts') continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const name of ENV_NAMES) {
        if (new RegExp(`process\\.env\\.${name}\\b`).test(text)) offenders.push(`${file}: ${name}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('parses defaults and refuses a bad value with every problem named', () => {
    for (const name of ENV_NAMES) delete process.env[name];
    expect(env()).toMatchObject({ PORT: 3000, WORKER: true, SEED_DEMO: true, GATEWAY: 'simulator', EMAIL_SEND_TIMEOUT_MS: 30_000 });
    process.env.PORT = 'eighty';
    process.env.GATEWAY = 'smsapi';
    expect(() => env()).toThrow(/PORT: .*SMSAPI_TOKEN: GATEWAY=smsapi needs it/);
    process.env.SMSAPI_TOKEN = 'token';
    process.env.PORT = '8080';
    expect(env()).toMatchObject({ PORT: 8080, GATEWAY: 'smsapi' });
  });
});
