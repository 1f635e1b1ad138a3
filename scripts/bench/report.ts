import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { eq, sql } from 'drizzle-orm';
import { db } from '../../db';
import { reportRuns } from '../../db/schema';
import { addSenderName, createAccount, createUser } from '../../lib/accounts';
import { sqlIdentifier } from '../../lib/files/csv';
import { createReport } from '../../lib/reports/definitions';
import { generateRun } from '../../lib/reports/generate';
import { resolvePeriod } from '../../lib/reports/periods';
import { detailedQuery, rebuildMessageRollup } from '../../lib/reports/queries';

const TIME_ZONE = 'Europe/Sofia';
const NOW = new Date('2026-01-10T10:00:00Z');
const PERIOD = { kind: 'custom', from: '2025-01-01', to: '2025-12-31' } as const;

/** `count` messages spread over 2025 (FK checks and triggers off for the load, the hourly rollup rebuilt after). */
async function makeAccountWithMessages(count: number) {
  const account = await createAccount({ name: `Bench report ${Date.now()}`, timeZone: TIME_ZONE });
  const user = await createUser({ accountId: account.id, email: `bench.report.${Date.now()}@example.com`, password: 'bench password 123', role: 'owner' });
  await addSenderName(account.id, 'Bench');
  const content = 'Здравейте, вашата поръчка "№ 1" е готова за получаване. Благодарим!';
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`
      insert into messages (account_id, user_id, sender_name, recipient, country, content, encoding, parts, points, status, source, idx, created_at)
      select ${account.id}, ${user.id}, 'Bench', '+35988' || (1000000 + g), 'BG', ${content}, 'ucs2', 1, 650,
             case when g % 20 < 16 then 404 when g % 20 < 18 then 405 when g % 20 = 18 then 403 else 402 end, 'portal',
             case when g % 3 = 0 then 'order-' || g end,
             '2025-01-01 00:00:00+02'::timestamptz + (g::bigint * 31536000 / ${count}) * interval '1 second'
        from generate_series(1, ${count}) g`);
  });
  // Replica mode skipped the triggers that keep message_hourly_counts (the short report's source).
  await rebuildMessageRollup(account.id);
  await db.execute(sql`analyze messages`);
  return { accountId: account.id, userId: user.id };
}

async function rawCopy(query: string, forceQuote: string[]): Promise<{ seconds: number; bytes: number }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('select set_config($1, $2, false)', ['TimeZone', TIME_ZONE]);
    const started = performance.now();
    const stream = client.query(
      copyTo(`COPY (${query}) TO STDOUT (FORMAT csv, HEADER true, FORCE_QUOTE (${forceQuote.map(sqlIdentifier).join(', ')}))`),
    );
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    await client.end();
  }
}

/** createReport + generateRun (COPY -> 1 MiB chunks in report_file_chunks); RSS growth during generation, sampled every 50 ms. */
async function generate(accountId: number, userId: number, input: object) {
  const { runId } = await createReport(accountId, userId, input, NOW);
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  try {
    const outcome = await generateRun(runId!);
    if (outcome !== 'ready') throw new Error(`run ended ${outcome}`);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const [run] = await db.select().from(reportRuns).where(eq(reportRuns.id, runId!));
  // Keep the database small between rounds.
  await db.delete(reportRuns).where(eq(reportRuns.id, runId!));
  return { seconds, rows: run.rowsDone, bytes: run.sizeBytes ?? 0, rssGrowth: Math.max(peak, process.memoryUsage.rss()) - baseline };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Detailed report of N messages (default 1,000,000) over a year vs raw COPY; the short report over the same year. */
export default async function benchReport() {
  const count = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const { accountId, userId } = await makeAccountWithMessages(count);
  const detailed = { method: 'once', period: PERIOD, type: 'detailed', format: 'csv', name: 'Bench detailed', includeContent: true, enrichments: { idx: true } };
  const period = resolvePeriod('custom', NOW, TIME_ZONE, PERIOD);
  const query = detailedQuery({
    accountId,
    type: 'detailed',
    options: { includeBulk: true, includeContent: true, idx: true, contacts: false, shortLinks: false },
    period,
    timeZone: TIME_ZONE,
  });

  await rawCopy(query.sql, query.forceQuote); // warm the cache
  const ours: Awaited<ReturnType<typeof generate>>[] = [];
  const raw: Awaited<ReturnType<typeof rawCopy>>[] = [];
  const short: number[] = [];
  for (let round = 0; round < rounds; round++) {
    raw.push(await rawCopy(query.sql, query.forceQuote));
    ours.push(await generate(accountId, userId, detailed));
    short.push((await generate(accountId, userId, { ...detailed, type: 'short', name: 'Bench short' })).seconds * 1000);
  }
  const seconds = median(ours.map((o) => o.seconds));
  const copySeconds = median(raw.map((r) => r.seconds));
  const rows = ours[0].rows;
  return {
    rows,
    bytes: ours[0].bytes,
    seconds: Number(seconds.toFixed(3)),
    rows_per_s: Math.round(rows / seconds),
    copy_rows_per_s: Math.round(count / copySeconds),
    ratio_to_copy: Number((copySeconds / seconds).toFixed(3)),
    // Growth over the RSS before each run (the process's own total is mostly code and caches).
    peak_rss_growth_mb: Number((Math.max(...ours.map((o) => o.rssGrowth)) / 2 ** 20).toFixed(1)),
    rss_total_mb_at_end: Math.round(process.memoryUsage.rss() / 2 ** 20),
    short_report_ms: Math.round(median(short)),
    rounds,
  };
}
