import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { closeDb } from '../db';
import { startEmbeddedPostgres } from '../db/embedded';
import { runMigrations } from '../db/migrate';

// npm run bench -- <name>: runs scripts/bench/<name>.ts, whose default export returns the
// figures, and prints them as JSON. A benchmark asserts nothing (speed is never a test).
const available = fs
  .readdirSync(path.join(import.meta.dirname, 'bench'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}

const bench = (await import(`./bench/${name}.ts`)) as { default: () => Promise<Record<string, unknown>>; keptDatabase?: boolean };

// A throwaway cluster unless DATABASE_URL is given, so that a benchmark never touches real data.
// Benches on the large seeded table (keptDatabase) share one cluster kept in .data/bench-large
// instead: seeding 10,000,000 rows takes minutes. BENCH_FRESH=1 deletes it first.
const kept = bench.keptDatabase && !process.env.DATABASE_URL ? path.join(process.cwd(), '.data', 'bench-large') : null;
if (kept && process.env.BENCH_FRESH === '1') await fsp.rm(kept, { recursive: true, force: true });
const dir = process.env.DATABASE_URL || kept ? null : await fsp.mkdtemp(path.join(os.tmpdir(), 'sms-bench-'));
if (dir) await fsp.chmod(dir, 0o755);
const cluster = dir || kept ? await startEmbeddedPostgres(kept ?? path.join(dir!, 'pg'), 'bench') : null;
process.env.DATABASE_URL ??= cluster!.url;
await runMigrations(process.env.DATABASE_URL);
try {
  console.log(JSON.stringify(await bench.default()));
} finally {
  await closeDb();
  await cluster?.stop();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
}
