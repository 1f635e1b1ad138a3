import fs from 'node:fs';
import http from 'node:http';
import { startApp, signIn, type RunningApp } from './support/app';
import { ensureCampaign, MAIN_OWNER, seedLargeTable } from './support/large-table';

// npm run bench -- load: many signed-in users at once on the large table (scripts/bench/support/
// large-table.ts: 10,000,000 messages, 2,000,000 in one account). The production server
// (WEB_PROCESSES web processes) on 127.0.0.1; BENCH_LOAD_USERS (default "10,50") users, each with
// a session of its own, request one page after another for BENCH_LOAD_SECONDS (default 15, after
// 3 s of warm-up) per page and concurrency: the history's first page, a filtered one and a
// campaign page. For each: pages/s, latency p50/p95/p99, errors (anything but a 200 with a whole
// page), the server's memory (all its processes, RSS and PSS) and its CPU and the database's per
// page. The limit, in the same run: the same pages' SQL (the lib functions the pages call, in the
// same order) run directly from here at the same concurrency. Also the weight of a 50-row history
// page: its HTML and the embedded page data (RSC payload) in it.

export const keptDatabase = true;

const PAGES = ['history', 'history_filtered', 'campaign'] as const;
type Page = (typeof PAGES)[number];
const FILTERED_STATUS = '405';

type Stats = { pages_per_s: number; p50_ms: number; p95_ms: number; p99_ms: number; errors: number; requests: number };

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function summarize(latencies: number[], errors: number, seconds: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (n: number) => Number(n.toFixed(1));
  return {
    pages_per_s: Math.round(latencies.length / seconds),
    p50_ms: ms(percentile(sorted, 0.5)),
    p95_ms: ms(percentile(sorted, 0.95)),
    p99_ms: ms(percentile(sorted, 0.99)),
    errors,
    requests: latencies.length + errors,
  };
}

/**
 * `users` loops, each awaiting its answer before the next request, until `seconds` are over
 * (warm-up first, not counted). Each user's loop runs `once(user)`, which throws on an error.
 */
async function closedLoop(users: number, seconds: number, warmupSeconds: number, once: (user: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  const warmEnd = performance.now() + warmupSeconds * 1000;
  const end = warmEnd + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      while (performance.now() < end) {
        const started = performance.now();
        let ok = true;
        try {
          await once(user);
        } catch {
          ok = false;
        }
        if (started < warmEnd) continue;
        if (ok) latencies.push(performance.now() - started);
        else errors++;
      }
    }),
  );
  return { latencies, errors };
}

/** CPU time (user + system) of a process and its descendants, ms. */
function treeCpuMs(root: number): number {
  const ticks = 100; // USER_HZ on Linux
  const children = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), Number(name)]);
      own.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // ended meanwhile
    }
  }
  let total = 0;
  for (const pending = [root]; pending.length; ) {
    const pid = pending.pop()!;
    total += own.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return (total / ticks) * 1000;
}

export default async function benchLoad() {
  const { sqlClient } = await import('../../db');
  const { loadSessionUser, startSession } = await import('../../lib/auth/session-user');
  const { listHistorySenders, listMessages } = await import('../../lib/history/query');
  const { defaultFilters, parseHistoryFilters } = await import('../../lib/history/filters');
  const { getCampaignProgress } = await import('../../lib/campaigns');

  const users = (process.env.BENCH_LOAD_USERS ?? '10,50').split(',').map(Number);
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 15);
  const warmup = 3;

  const large = await seedLargeTable();
  const main = large.main;
  const client = sqlClient();
  const [owner] = await client<{ id: number }[]>`select id from users where lower(email) = ${MAIN_OWNER.email}`;
  const campaignId = await ensureCampaign(main.id, owner.id, 'Bench load campaign', 100_000);
  const paths: Record<Page, string> = {
    history: '/history',
    history_filtered: `/history?status=${FILTERED_STATUS}`,
    campaign: `/bulk/${campaignId}`,
  };

  // The same pages' SQL, directly: the session check, then what each page reads.
  const sessions = await Promise.all(Array.from({ length: Math.max(...users) }, () => startSession(owner.id)));
  const account = { country: main.country, timeZone: main.timeZone };
  const pageSql: Record<Page, (user: number) => Promise<unknown>> = {
    history: async (user) => {
      await loadSessionUser(owner.id, sessions[user]);
      const senders = await listHistorySenders(main.id);
      const parsed = parseHistoryFilters({}, { ...account, senderNames: senders });
      if (parsed.ok) await listMessages(main.id, parsed.filters);
    },
    history_filtered: async (user) => {
      await loadSessionUser(owner.id, sessions[user]);
      const senders = await listHistorySenders(main.id);
      const parsed = parseHistoryFilters({ status: FILTERED_STATUS }, { ...account, senderNames: senders });
      if (parsed.ok) await listMessages(main.id, parsed.filters);
    },
    campaign: async (user) => {
      await loadSessionUser(owner.id, sessions[user]);
      const progress = await getCampaignProgress(main.id, campaignId);
      await listMessages(main.id, defaultFilters({ campaign: progress!.id }));
    },
  };

  const postmaster = Number(fs.readFileSync(`${(await client<{ d: string }[]>`select current_setting('data_directory') as d`)[0].d}/postmaster.pid`, 'utf8').split('\n')[0]);
  const app = await startApp();
  const results: Record<string, unknown> = {
    messages: large.messages,
    account_messages: large.accountMessages,
    ...(large.seedSeconds !== null ? { seed_s: large.seedSeconds } : {}),
    ...(large.toppedUp ? { topped_up_messages: large.toppedUp } : {}),
    seconds_per_case: seconds,
  };
  try {
    const cookies: string[] = [];
    for (let i = 0; i < Math.max(...users); i++) cookies.push(await signIn(app.base, MAIN_OWNER));
    results.page_weight = await pageWeight(app, cookies[0]);

    const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...users) });
    const headers = (cookie: string) => ({ cookie, 'accept-encoding': 'gzip', accept: 'text/html' });
    const page = async (path: string, cookie: string) => {
      const response = await rawGet(`${app.base}${path}`, headers(cookie), agent);
      // A whole page: 200 and HTML (a redirect to the sign-in page, an error page or a cut-off body is an error).
      if (response.status !== 200 || !response.type.startsWith('text/html')) throw new Error(`${path}: ${response.status}`);
    };

    for (const concurrency of users) {
      const perPage: Record<string, unknown> = {};
      for (const name of PAGES) {
        const serverCpu = treeCpuMs(app.pid);
        const dbCpu = treeCpuMs(postmaster);
        let peak = app.memory();
        const sampler = setInterval(() => {
          const now = app.memory();
          if (now.rssMb > peak.rssMb) peak = now;
        }, 250);
        const run = await closedLoop(concurrency, seconds, warmup, (user) => page(paths[name], cookies[user]));
        clearInterval(sampler);
        // CPU is counted over the warm-up too: per page, over every page served.
        const served = (run.latencies.length + run.errors) * (1 + warmup / seconds);
        const cpu = { server: (treeCpuMs(app.pid) - serverCpu) / served, db: (treeCpuMs(postmaster) - dbCpu) / served };
        const limit = await closedLoop(concurrency, seconds, warmup, pageSql[name]);
        perPage[name] = {
          ...summarize(run.latencies, run.errors, seconds),
          server_cpu_ms_per_page: Number(cpu.server.toFixed(2)),
          db_cpu_ms_per_page: Number(cpu.db.toFixed(2)),
          server_rss_mb: peak.rssMb,
          server_pss_mb: peak.pssMb,
          server_processes: peak.processes,
          sql_limit: summarize(limit.latencies, limit.errors, seconds),
          ratio_to_sql: Number((run.latencies.length / Math.max(1, limit.latencies.length)).toFixed(3)),
        };
      }
      results[`users_${concurrency}`] = perPage;
    }
    agent.destroy();
  } finally {
    await app.stop();
  }
  return results;
}

/** One GET, the body read to its end but kept only when `keep` (counted otherwise), not decompressed. */
function rawGet(url: string, headers: Record<string, string>, agent?: http.Agent, keep = false) {
  return new Promise<{ status: number; type: string; encoding: string; bytes: number; body: Buffer }>((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      const parts: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) parts.push(chunk);
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type'] ?? ''),
          encoding: String(response.headers['content-encoding'] ?? ''),
          bytes,
          body: Buffer.concat(parts),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** A 50-row history page as it leaves the server: its HTML, the RSC payload scripts within it, and its size gzipped (as browsers ask). */
async function pageWeight(app: RunningApp, cookie: string) {
  const plain = await rawGet(`${app.base}/history`, { cookie }, undefined, true);
  const html = plain.body.toString('utf8');
  const payload = [...html.matchAll(/<script[^>]*>(self\.__next_f\.push\([\s\S]*?\))<\/script>/g)].reduce((n, m) => n + Buffer.byteLength(m[1]), 0);
  const gzipped = await rawGet(`${app.base}/history`, { cookie, 'accept-encoding': 'gzip' });
  const kb = (n: number) => Number((n / 1024).toFixed(1));
  return {
    status: plain.status,
    table_rows: (html.match(/<tr[\s>]/g) ?? []).length,
    html_kb: kb(plain.bytes),
    rsc_payload_kb: kb(payload),
    rsc_payload_share: Number((payload / plain.bytes).toFixed(2)),
    gzip_kb: gzipped.encoding === 'gzip' ? kb(gzipped.bytes) : null,
  };
}
