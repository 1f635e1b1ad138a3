import http from 'node:http';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sqlClient } from '../../db';
import { addSenderName, createAccount, createUser, findAccountByName } from '../../lib/accounts';
import { getCampaignProgress } from '../../lib/campaigns';
import { CAMPAIGN_CSV_PLAN, campaignCsvColumns, campaignCsvQuery, campaignCsvStream } from '../../lib/campaigns/delivery-report/csv';
import { deliveryReportModel, loadCampaignSummary, renderDeliveryReportPdf } from '../../lib/campaigns/delivery-report/summary';
import { sqlIdentifier } from '../../lib/files/csv';
import { closePdfWorkers } from '../../lib/files/pdf';
import { signIn, startApp } from './support/app';
import { ensureCampaign, seedLargeTable } from './support/large-table';

// npm run bench -- campaign-csv: the detailed CSV of a 1,000,000-message campaign (BENCH_MESSAGES)
// on the large table (10,000,000 other messages, scripts/bench/support/large-table.ts). The
// limit, in the same run: PostgreSQL's own COPY of the same query under the same settings, read
// raw. Against it: copyCsv read in-process, and the download over HTTP from the production
// server as a browser gets it: gzip (what browsers ask over http), zstd (what they also ask over
// https) and none; the first byte alone and with 4 downloads at once. Also the plan (and the
// first byte) of the same COPY without the CSV's planner settings, as it was.

export const keptDatabase = true;

const TIME_ZONE = 'Europe/Sofia';
const CSV_ACCOUNT = 'Bench CSV';
const OWNER = { email: 'bench-csv@example.com', password: 'bench password 2026' };

/** PostgreSQL's own COPY of the query, consumed raw: time to the first byte and to the end. */
async function rawCopy(query: string, settings: Record<string, string>) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    for (const [name, value] of Object.entries({ ...settings, TimeZone: TIME_ZONE })) await client.query('select set_config($1, $2, false)', [name, value]);
    const started = performance.now();
    const quoted = campaignCsvColumns().forceQuote.map(sqlIdentifier).join(', ');
    const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv, HEADER true, FORCE_QUOTE (${quoted}))`));
    let bytes = 0;
    let first = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        if (!first) first = performance.now() - started;
        bytes += chunk.length;
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return { seconds: (performance.now() - started) / 1000, firstByteMs: first, bytes };
  } finally {
    await client.end();
  }
}

/** The product's export in-process: campaignCsvStream (copyCsv) read to the end, RSS sampled every 50 ms. */
async function productExport(params: { campaignId: string; accountId: number }) {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  let rows = 0;
  let bytes = 0;
  let first = 0;
  const started = performance.now();
  try {
    const stream = campaignCsvStream({ ...params, timeZone: TIME_ZONE }, { onProgress: (p) => (rows = p.rows) });
    for await (const chunk of stream) {
      if (!first) first = performance.now() - started;
      bytes += chunk.length;
    }
  } finally {
    clearInterval(sampler);
  }
  return { seconds: (performance.now() - started) / 1000, firstByteMs: first, rows, bytes, rssGrowth: Math.max(peak, process.memoryUsage.rss()) - baseline };
}

/** One download over HTTP, the body read to its end as it comes (not decompressed): first byte, time, bytes on the wire. */
function download(url: string, cookie: string, acceptEncoding: string | null) {
  return new Promise<{ seconds: number; firstByteMs: number; bytes: number; encoding: string }>((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string> = { cookie };
    if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
    http
      .get(url, { headers, agent: false }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`download: ${response.statusCode}`));
        let bytes = 0;
        let first = 0;
        response.on('data', (chunk: Buffer) => {
          if (!first) first = performance.now() - started;
          bytes += chunk.length;
        });
        response.on('end', () =>
          resolve({ seconds: (performance.now() - started) / 1000, firstByteMs: first, bytes, encoding: String(response.headers['content-encoding'] ?? 'identity') }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export default async function benchCampaignCsv() {
  const count = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const large = await seedLargeTable();
  let account = await findAccountByName(CSV_ACCOUNT);
  if (!account) {
    account = await createAccount({ name: CSV_ACCOUNT, timeZone: TIME_ZONE });
    await createUser({ accountId: account.id, email: OWNER.email, password: OWNER.password, role: 'owner' });
    await addSenderName(account.id, 'Bench');
  }
  const [owner] = await sqlClient()<{ id: number }[]>`select id from users where account_id = ${account.id} order by id limit 1`;
  const campaignId = await ensureCampaign(account.id, owner.id, `Bench CSV ${count}`, count);
  const params = { campaignId, accountId: account.id };
  const query = campaignCsvQuery(params);

  // The plan with and without the CSV's settings (EXPLAIN without ANALYZE: the nodes, top down).
  const planOf = async (settings: Record<string, string>) =>
    sqlClient().begin(async (tx) => {
      for (const [name, value] of Object.entries(settings)) await tx`select set_config(${name}, ${value}, true)`;
      const rows = await tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (costs off) ${query}`);
      return rows.map((row) => row['QUERY PLAN'].trim()).filter((line) => /^(->\s*)?[A-Z]/.test(line)).map((line) => line.replace(/^->\s*/, ''));
    });
  const plan = await planOf(CAMPAIGN_CSV_PLAN);
  const planWithout = await planOf({});
  const withoutSettings = await rawCopy(query, {});

  await rawCopy(query, CAMPAIGN_CSV_PLAN); // warm the cache
  const raw: Awaited<ReturnType<typeof rawCopy>>[] = [];
  const ours: Awaited<ReturnType<typeof productExport>>[] = [];
  for (let i = 0; i < rounds; i++) {
    raw.push(await rawCopy(query, CAMPAIGN_CSV_PLAN));
    ours.push(await productExport(params));
  }

  const app = await startApp();
  const overHttp: Record<string, unknown> = {};
  try {
    const cookie = await signIn(app.base, OWNER);
    const url = `${app.base}/bulk/${campaignId}/delivery-report.csv`;
    const copySeconds = median(raw.map((r) => r.seconds));
    for (const [name, accept] of [
      ['gzip', 'gzip, deflate'],
      ['zstd', 'gzip, deflate, br, zstd'],
      ['identity', null],
    ] as const) {
      const runs = [];
      for (let i = 0; i < rounds; i++) runs.push(await download(url, cookie, accept));
      const seconds = median(runs.map((r) => r.seconds));
      overHttp[name] = {
        encoding: runs[0].encoding,
        seconds: round(seconds),
        first_byte_ms: Math.round(median(runs.map((r) => r.firstByteMs))),
        mb_on_the_wire: round(runs[0].bytes / 2 ** 20, 1),
        ratio_to_copy: round(copySeconds / seconds),
      };
    }
    const together = await Promise.all(Array.from({ length: 4 }, () => download(url, cookie, 'gzip, deflate')));
    overHttp.gzip_4_at_once = {
      first_byte_ms: together.map((r) => Math.round(r.firstByteMs)),
      seconds: together.map((r) => round(r.seconds)),
    };
  } finally {
    await app.stop();
  }

  // The PDF summary of the same campaign: counters, one percentile aggregate, a worker render.
  let started = performance.now();
  const summary = await loadCampaignSummary(params.accountId, params.campaignId);
  const summaryMs = performance.now() - started;
  started = performance.now();
  await renderDeliveryReportPdf(deliveryReportModel(summary!, { locale: 'bg', timeZone: TIME_ZONE }));
  const pdfMs = performance.now() - started;
  await closePdfWorkers();

  // Campaign progress as every page view reads it (the counters) against counting the messages.
  started = performance.now();
  await getCampaignProgress(params.accountId, params.campaignId);
  const progressMs = performance.now() - started;
  started = performance.now();
  await sqlClient()`select status, count(*), sum(points) from messages where campaign_id = ${params.campaignId} group by status`;
  const groupByMs = performance.now() - started;

  const seconds = median(ours.map((r) => r.seconds));
  const copySeconds = median(raw.map((r) => r.seconds));
  return {
    messages: large.messages + count,
    rows: ours[0].rows,
    rounds,
    copy: {
      seconds: round(copySeconds),
      first_byte_ms: Math.round(median(raw.map((r) => r.firstByteMs))),
      rows_per_s: Math.round(count / copySeconds),
      mb: round(raw[0].bytes / 2 ** 20, 1),
    },
    in_process: {
      seconds: round(seconds),
      first_byte_ms: Math.round(median(ours.map((r) => r.firstByteMs))),
      ratio_to_copy: round(copySeconds / seconds),
      peak_rss_growth_mb: round(Math.max(...ours.map((r) => r.rssGrowth)) / 2 ** 20, 1),
    },
    http: overHttp,
    plan,
    without_plan_settings: { plan: planWithout, first_byte_ms: Math.round(withoutSettings.firstByteMs), seconds: round(withoutSettings.seconds) },
    pdf_summary_query_ms: Math.round(summaryMs),
    pdf_render_ms: Math.round(pdfMs),
    progress_from_counters_ms: round(progressMs),
    progress_by_group_by_ms: Math.round(groupByMs),
  };
}
