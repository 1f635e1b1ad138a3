import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// npm run bench -- history: the SMS history on a large table. Seeds BENCH_HISTORY_MESSAGES
// messages (default 10,000,000; a fifth in one account, the rest spread over 16 others, loaded
// interleaved so an account's rows are scattered over the heap as in real life), then times
// listMessages() for each case (p50/p95 of 50 runs after a warm-up), then starts the app on the
// same database, signs in and times the whole server render of /history over HTTP (page_ms).
// BENCH_HISTORY_EXPLAIN=1 adds each case's plan (EXPLAIN ANALYZE, one line per node).
//
// Runs on the bench runner's throwaway database. Pointed at a DATABASE_URL that was seeded by an
// earlier run, it reuses the data (handy for looking at plans).

const SELF = fileURLToPath(import.meta.url);
const MAIN_ACCOUNT = 'Bench history main';
const OTHER_ACCOUNTS = 16;
const BATCH = 100_000;
const LOADERS = 2;
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
  const { createAccount, createUser, addSenderName, findAccountByName } = await import('../../lib/accounts');
  const { generateMessages } = await import('../../db/seed/messages');
  const { BG_UNITS_PER_PART } = await import('../../db/seed/demo');
  const { listMessages, buildHistoryQuery } = await import('../../lib/history/query');
  const { decodeCursor } = await import('../../lib/history/cursor');
  const { defaultFilters, dayRange, recipientPrefix } = await import('../../lib/history/filters');
  const { localToday } = await import('../../lib/calendar');
  const { STATUS } = await import('../../lib/messaging/statuses');

  const total = Number(process.env.BENCH_HISTORY_MESSAGES ?? 10_000_000);
  if (!Number.isSafeInteger(total) || total < 1000) throw new Error('BENCH_HISTORY_MESSAGES must be an integer >= 1000');
  const mainCount = Math.round(total / 5);
  const client = sqlClient();

  // 1. Seed (or reuse).
  let seedSeconds: number | null = null;
  let main = await findAccountByName(MAIN_ACCOUNT);
  if (!main) {
    const started = performance.now();
    main = await createAccount({ name: MAIN_ACCOUNT });
    const password = 'bench password 2026';
    const mainUsers = [
      await createUser({ accountId: main.id, email: 'bench-owner@example.com', password, role: 'owner' }),
      await createUser({ accountId: main.id, email: 'bench-member@example.com', password, role: 'member' }),
    ];
    for (const name of ['Shop', 'Bank', 'Info']) await addSenderName(main.id, name);
    type Job = { accountId: number; userIds: number[]; senders: string[]; size: number; order: number };
    const jobs: Job[] = [];
    const addJobs = (accountId: number, userIds: number[], senders: string[], count: number) => {
      const n = Math.ceil(count / BATCH);
      for (let i = 0; i < n; i++) {
        // Spread each account's batches evenly over the load, so accounts interleave in the heap.
        jobs.push({ accountId, userIds, senders, size: Math.min(BATCH, count - i * BATCH), order: (i + 0.5) / n });
      }
    };
    addJobs(main.id, mainUsers.map((u) => u.id), ['Shop', 'Bank', 'Info'], mainCount);
    const rest = total - mainCount;
    for (let a = 0; a < OTHER_ACCOUNTS; a++) {
      const account = await createAccount({ name: `Bench history ${a + 1}` });
      const user = await createUser({ accountId: account.id, email: `bench-${a + 1}@example.com`, password, role: 'owner' });
      await addSenderName(account.id, `Sender${a + 1}`);
      const count = Math.floor(rest / OTHER_ACCOUNTS) + (a < rest % OTHER_ACCOUNTS ? 1 : 0);
      addJobs(account.id, [user.id], [`Sender${a + 1}`], count);
    }
    jobs.sort((x, y) => x.order - y.order);
    const loaders = Array.from({ length: Math.min(LOADERS, os.availableParallelism(), jobs.length) }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const current = job;
        await client.begin(async (tx) => {
          // Account and user ids were just created: skip the per-row foreign-key triggers.
          await tx`set local session_replication_role = replica`;
          await generateMessages(tx, {
            accountId: current.accountId,
            count: current.size,
            days: 400,
            senders: current.senders,
            userIds: current.userIds,
            unitsPerPart: BG_UNITS_PER_PART,
          });
        });
      }
    });
    await Promise.all(loaders);
    // What autovacuum would have done on a live system: statistics and the visibility map.
    await client`vacuum (analyze) messages`;
    await client`analyze users`;
    seedSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  }
  const accountId = main.id;
  const [counts] = await client<{ messages: string; account_messages: string }[]>`
    select (select count(*) from messages)::text as messages,
           (select count(*) from messages where account_id = ${accountId})::text as account_messages`;

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

  const results: Record<string, unknown> = {
    messages: Number(counts.messages),
    account_messages: Number(counts.account_messages),
  };
  if (seedSeconds !== null) results.seed_s = seedSeconds;
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
      body: new URLSearchParams({ csrfToken, email: 'bench-owner@example.com', password: 'bench password 2026' }),
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
