import http from 'node:http';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { eq, sql } from 'drizzle-orm';
import { db } from '../../db';
import { reportRuns } from '../../db/schema';
import { addSenderName, createAccount, createUser, findAccountByName } from '../../lib/accounts';
import { sqlIdentifier } from '../../lib/files/csv';
import { createReport } from '../../lib/reports/definitions';
import { generateRun } from '../../lib/reports/generate';
import { resolvePeriod } from '../../lib/reports/periods';
import { detailedQuery, rebuildMessageRollup } from '../../lib/reports/queries';
import { runFileResponse } from '../../lib/reports/run-download';
import { signIn, startApp } from './support/app';
import { seedLargeTable } from './support/large-table';

// npm run bench -- report: a detailed report of 1,000,000 messages (BENCH_MESSAGES) over 2025,
// in an account of its own on the large table (10,000,000 other messages,
// scripts/bench/support/large-table.ts), generated into storage against PostgreSQL's own COPY
// of the same query; a one-year short report; and the stored file's download, in-process and
// over HTTP from the production server as a browser gets it (gzip accepted), against reading
// its chunks straight from PostgreSQL (COPY in binary, the limit).

export const keptDatabase = true;

const TIME_ZONE = 'Europe/Sofia';
const NOW = new Date('2026-01-10T10:00:00Z');
const PERIOD = { kind: 'custom', from: '2025-01-01', to: '2025-12-31' } as const;
const REPORT_ACCOUNT = 'Bench report';
const OWNER = { email: 'bench-report@example.com', password: 'bench password 2026' };

/** The account with `count` messages spread over 2025, made once (FK checks and triggers off for the load, the hourly rollup rebuilt after). */
async function accountWithMessages(count: number) {
  const found = await findAccountByName(REPORT_ACCOUNT);
  if (found) {
    const [user] = await db.execute<{ id: number }>(sql`select id from users where account_id = ${found.id} order by id limit 1`);
    return { accountId: found.id, userId: user.id };
  }
  const account = await createAccount({ name: `${REPORT_ACCOUNT} (loading)`, timeZone: TIME_ZONE });
  const user = await createUser({ accountId: account.id, email: OWNER.email, password: OWNER.password, role: 'owner' });
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
  // Named only once every row is in, so that a load cut short is not taken for a finished one.
  await db.execute(sql`update accounts set name = ${REPORT_ACCOUNT} where id = ${account.id}`);
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
async function generate(accountId: number, userId: number, input: object, keep = false) {
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
  if (!keep) await db.delete(reportRuns).where(eq(reportRuns.id, runId!));
  return { runId: runId!, seconds, rows: run.rowsDone, bytes: run.sizeBytes ?? 0, rssGrowth: Math.max(peak, process.memoryUsage.rss()) - baseline };
}

/** The limit of a stored file's download: all its chunks read straight from PostgreSQL, in order, in binary. */
async function readChunks(runId: string): Promise<{ seconds: number; bytes: number }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyTo(`COPY (select data from report_file_chunks where run_id = '${runId}' order by seq) TO STDOUT (FORMAT binary)`));
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

/** The download route's response read in-process. */
async function downloadInProcess(accountId: number, runId: string): Promise<{ seconds: number; bytes: number }> {
  const started = performance.now();
  const response = await runFileResponse(accountId, runId, { action: 'report.download', userId: null, ip: 'bench' });
  let bytes = 0;
  for await (const chunk of response.body!) bytes += chunk.length;
  return { seconds: (performance.now() - started) / 1000, bytes };
}

/** The download over HTTP as a browser asks for it (gzip accepted); what came on the wire, and the headers that matter. */
function downloadOverHttp(url: string, cookie: string) {
  return new Promise<{ seconds: number; bytes: number; contentLength: string | null; encoding: string }>((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { headers: { cookie, 'accept-encoding': 'gzip, deflate' }, agent: false }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`download: ${response.statusCode}`));
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({
            seconds: (performance.now() - started) / 1000,
            bytes,
            contentLength: (response.headers['content-length'] as string | undefined) ?? null,
            encoding: String(response.headers['content-encoding'] ?? 'identity'),
          }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Detailed report of N messages (default 1,000,000) over a year vs raw COPY; the short report over the same year; the stored file's download. */
export default async function benchReport() {
  const count = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const large = await seedLargeTable();
  const { accountId, userId } = await accountWithMessages(count);
  // Runs of earlier benches on a kept database.
  await db.delete(reportRuns).where(eq(reportRuns.accountId, accountId));
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
  for (let i = 0; i < rounds; i++) {
    raw.push(await rawCopy(query.sql, query.forceQuote));
    // The last detailed run stays, for the download.
    ours.push(await generate(accountId, userId, detailed, i === rounds - 1));
    short.push((await generate(accountId, userId, { ...detailed, type: 'short', name: 'Bench short' })).seconds * 1000);
  }
  const stored = ours[ours.length - 1];

  await readChunks(stored.runId); // warm the cache
  const chunkReads: Awaited<ReturnType<typeof readChunks>>[] = [];
  const inProcess: Awaited<ReturnType<typeof downloadInProcess>>[] = [];
  for (let i = 0; i < rounds; i++) {
    chunkReads.push(await readChunks(stored.runId));
    inProcess.push(await downloadInProcess(accountId, stored.runId));
  }
  const app = await startApp();
  const overHttp: Awaited<ReturnType<typeof downloadOverHttp>>[] = [];
  try {
    const cookie = await signIn(app.base, OWNER);
    for (let i = 0; i < rounds; i++) overHttp.push(await downloadOverHttp(`${app.base}/reports/runs/${stored.runId}/download`, cookie));
  } finally {
    await app.stop();
  }

  const seconds = median(ours.map((o) => o.seconds));
  const copySeconds = median(raw.map((r) => r.seconds));
  const readSeconds = median(chunkReads.map((r) => r.seconds));
  const httpSeconds = median(overHttp.map((r) => r.seconds));
  const inProcessSeconds = median(inProcess.map((r) => r.seconds));
  const rows = ours[0].rows;
  return {
    messages: large.messages + count,
    rows,
    bytes: ours[0].bytes,
    seconds: round(seconds),
    rows_per_s: Math.round(rows / seconds),
    copy_rows_per_s: Math.round(count / copySeconds),
    ratio_to_copy: round(copySeconds / seconds),
    // Growth over the RSS before each run (the process's own total is mostly code and caches).
    peak_rss_growth_mb: Number((Math.max(...ours.map((o) => o.rssGrowth)) / 2 ** 20).toFixed(1)),
    short_report_ms: Math.round(median(short)),
    download: {
      mb: round(stored.bytes / 2 ** 20, 1),
      read_chunks_s: round(readSeconds),
      in_process_s: round(inProcessSeconds),
      in_process_ratio: round(readSeconds / inProcessSeconds),
      http_s: round(httpSeconds),
      http_ratio: round(readSeconds / httpSeconds),
      http_content_length: overHttp[0].contentLength,
      http_content_encoding: overHttp[0].encoding,
      http_bytes: overHttp[0].bytes,
    },
    rounds,
  };
}
