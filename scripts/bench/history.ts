import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAIN_OWNER, seedLargeTable } from './support/large-table';

// npm run bench -- history: the SMS history on a large table. Seeds BENCH_HISTORY_MESSAGES
// messages (default 10,000,000; a fifth in one account, the rest spread over 16 others, loaded
// interleaved so an account's rows are scattered over the heap as in real life), then times
// listMessages() for each case (p50/p95 of 50 runs after a warm-up), then starts the app on the
// same database, signs in and times the whole server render of /history over HTTP (page_ms).
// BENCH_HISTORY_EXPLAIN=1 adds each case's plan (EXPLAIN ANALYZE, one line per node).
//
// Runs on the bench runner's kept large database (scripts/bench.ts): seeded by the first run of
// any bench on it, reused after.

export const keptDatabase = true;

const SELF = fileURLToPath(import.meta.url);
const RUNS = 50;
const WARMUP = 5;

type Stats = { p50: number; p95: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(2));
  return { p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)) };
}

async function measure(run: () => Promise<unknown>, runs = RUNS): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

export default async function benchHistory() {
  const { sql } = await import('drizzle-orm');
  const { db, sqlClient } = await import('../../db');
  const { listMessages, buildHistoryQuery } = await import('../../lib/history/query');
  const { decodeCursor } = await import('../../lib/history/cursor');
  const { defaultFilters, dayRange, recipientPrefix } = await import('../../lib/history/filters');
  const { localToday } = await import('../../lib/calendar');
  const { STATUS } = await import('../../lib/messaging/statuses');

  const client = sqlClient();

  // 1. Seed (or reuse: the kept database of scripts/bench.ts).
  const large = await seedLargeTable();
  const main = large.main;
  const accountId = main.id;

  // 2. Inputs for the cases.
  const timeZone = main.timeZone;
  const yearAgo = new Date(Date.now() - 365 * 86_400_000);
  const yearAgoDay = localToday(timeZone, yearAgo);
  const [rare] = await client<{ recipient: string }[]>`
    select recipient from messages
    where account_id = ${accountId} and created_at > now() - interval '20 hours' and recipient not like '+35988810%'
    order by created_at desc limit 1`;
  const commonPrefix = recipientPrefix('088', main.country)!;

  // Walk 10,000 rows deep by cursor, 100 at a time, as a user clicking "older" would.
  let deepCursor: string | null = null;
  let walked = 0;
  while (walked < 10_000) {
    const page = await listMessages(accountId, defaultFilters({ pageSize: 100, cursor: deepCursor ? decodeCursor(deepCursor) : null }));
    walked += page.rows.length;
    deepCursor = page.olderCursor;
    if (!deepCursor) break;
  }
  const cases: Record<string, ReturnType<typeof defaultFilters>> = {
    first_page: defaultFilters(),
    first_page_100: defaultFilters({ pageSize: 100 }),
    deep_10000: defaultFilters({ cursor: deepCursor ? decodeCursor(deepCursor) : null }),
    recipient_common: defaultFilters({ recipientPrefix: commonPrefix }),
    recipient_rare: defaultFilters({ recipientPrefix: rare?.recipient ?? '+359870000000' }),
    recipient_rare_400_days: defaultFilters({
      recipientPrefix: rare?.recipient ?? '+359870000000',
      range: dayRange(localToday(timeZone, new Date(Date.now() - 399 * 86_400_000)), localToday(timeZone), timeZone),
    }),
    sender: defaultFilters({ sender: 'Bank' }),
    status: defaultFilters({ statuses: [STATUS.UNDELIVERED] }),
    status_awaiting_report: defaultFilters({ statuses: [STATUS.SENT, STATUS.QUEUE, STATUS.ACCEPTED, STATUS.RENEWAL] }),
    date_range_year_ago: defaultFilters({ range: dayRange(yearAgoDay, yearAgoDay, timeZone) }),
    date_range_year_ago_sender: defaultFilters({ range: dayRange(yearAgoDay, yearAgoDay, timeZone), sender: 'Shop' }),
  };

  const results: Record<string, unknown> = { messages: large.messages, account_messages: large.accountMessages };
  if (large.seedSeconds !== null) results.seed_s = large.seedSeconds;
  const explain = process.env.BENCH_HISTORY_EXPLAIN === '1';
  const plans: Record<string, string[]> = {};
  for (const [name, filters] of Object.entries(cases)) {
    results[name] = await measure(() => listMessages(accountId, filters));
    if (explain) {
      const rows = await db.execute<{ 'QUERY PLAN': string }>(
        sql`explain (analyze, buffers, costs off, summary on) ${buildHistoryQuery(accountId, filters)}`,
      );
      plans[name] = rows.map((row) => row['QUERY PLAN']);
    }
  }

  // 3. The whole server render of /history over HTTP, signed in, for the same cases.
  const pageQueries: Record<string, Record<string, string>> = {
    first_page: {},
    first_page_100: { size: '100' },
    deep_10000: deepCursor ? { cursor: deepCursor } : {},
    recipient_common: { recipient: '088' },
    recipient_rare: { recipient: rare?.recipient ?? '+359870000000' },
    sender: { sender: 'Bank' },
    status: { status: String(STATUS.UNDELIVERED) },
    date_range_year_ago: { from: yearAgoDay, to: yearAgoDay },
  };
  results.page_ms = await measurePages(pageQueries);
  if (explain) results.plans = plans;
  return results;
}

/** Starts the app on the bench database, signs in as the main account's owner, times GET /history. */
async function measurePages(queries: Record<string, Record<string, string>>): Promise<Record<string, Stats>> {
  const { freePort } = await import('../../db/embedded');
  const port = await freePort();
  const root = path.resolve(path.dirname(SELF), '..', '..');
  const app = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKER: '0', SEED_DEMO: '0', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/sign-in`).then((r) => r.ok, () => false)) break;
      if (i > 1200 || app.exitCode !== null) throw new Error('the app did not start');
      await new Promise((r) => setTimeout(r, 500));
    }
    const csrf = await fetch(`${base}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signIn = await fetch(`${base}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') },
      body: new URLSearchParams({ csrfToken, ...MAIN_OWNER }),
    });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!cookie.includes('session-token')) throw new Error('bench sign-in failed');
    const results: Record<string, Stats> = {};
    for (const [name, query] of Object.entries(queries)) {
      const url = `${base}/history?${new URLSearchParams(query)}`;
      results[name] = await measure(async () => {
        const response = await fetch(url, { headers: { cookie } });
        const html = await response.text();
        if (response.status !== 200 || !html.includes('message-table')) throw new Error(`${name}: ${response.status}`);
      }, 30);
    }
    return results;
  } finally {
    app.kill('SIGTERM');
  }
}
