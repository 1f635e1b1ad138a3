import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startApp } from './support/app';
import { benchAccount, removeBenchMessages } from './support/bench-account';
import { seedLargeTable } from './support/large-table';

// npm run bench -- dlr: the provider's delivery-report callback over HTTP, on the kept large table
// (scripts/bench.ts; 10,000,000 other messages), through the production server (scripts/start.ts)
// with its job workers. Each report is a final DELIVERED for a message awaiting its report.
// - single: one report per request, SINGLE_CONNECTIONS at once: reports/s answered (stored) and
//   applied (from the first request until every message shows its report), latencies.
// - batched: BATCH reports per request (the callback's comma-separated lists), the same figures.
// - limits, same run: the single-row status UPDATE of a message without the triggers at
//   SINGLE_CONNECTIONS connections (pgbench), and the set-wise UPDATE that applies reports
//   (applyDeliveryReports, APPLY_BATCH at a time) run directly.
// Run under `flock /tmp/next-build.lock` in a shared checkout: the server serves .next and builds
// it first when sources changed.

export const keptDatabase = true;

const SECRET = 'bench-dlr-secret';
const SINGLE_REPORTS = 30_000;
const SINGLE_CONNECTIONS = 50;
const BATCHED_REPORTS = 200_000;
const BATCH = 100;
const BATCH_CONNECTIONS = 10;
const LIMIT_MESSAGES = 100_000;
const PGBENCH_SECONDS = 10;

type Phase = { answered_per_s: number; applied_per_s: number; errors: number; p50_ms: number; p95_ms: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export default async function benchDlr() {
  const { sql } = await import('drizzle-orm');
  const { db, sqlClient } = await import('../../db');
  const { generateCampaign } = await import('../../db/seed/messages');
  const { APPLY_BATCH, applyDeliveryReports } = await import('../../lib/gateway/reports');
  const { STATUS } = await import('../../lib/messaging/statuses');

  const large = await seedLargeTable();
  const bench = await benchAccount('Bench dlr');
  const client = sqlClient();
  const awaiting = async (count: number) => {
    const campaignId = await generateCampaign(client, { ...bench, count, status: 403 });
    const rows = await client<{ id: string }[]>`select id from messages where campaign_id = ${campaignId} order by id`;
    return { campaignId, ids: rows.map((r) => Number(r.id)) };
  };
  const delivered = async (campaignId: string) => {
    const [row] = await db.execute<{ n: number }>(sql`
      select coalesce(max(messages), 0)::int as n from campaign_status_counts where campaign_id = ${campaignId} and status = ${STATUS.DELIVERED}`);
    return row.n;
  };

  const single = await awaiting(SINGLE_REPORTS);
  const batched = await awaiting(BATCHED_REPORTS);
  const limit = await awaiting(LIMIT_MESSAGES);
  await client`analyze messages`;
  const app = await startApp({ WORKER: '1', DLR_SECRET: SECRET });
  const agent = new http.Agent({ keepAlive: true, maxSockets: SINGLE_CONNECTIONS });
  const url = new URL(app.base);
  const request = (method: 'GET' | 'POST', query: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path: `/api/gateway/smsapi/dlr?secret=${SECRET}${query}`,
          headers: body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {},
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const done = Math.floor(Date.now() / 1000);

  /** Sends `requests` over `connections` at once; then waits until the campaign shows all `reports`. */
  async function phase(campaignId: string, requests: (() => Promise<number>)[], connections: number, reports: number): Promise<Phase> {
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < requests.length; i = next++) {
          const sent = performance.now();
          const status = await requests[i]().catch(() => 0);
          latencies.push(performance.now() - sent);
          if (status !== 200) errors++;
        }
      }),
    );
    const answered = (performance.now() - started) / 1000;
    while ((await delivered(campaignId)) < reports) await new Promise((r) => setTimeout(r, 20));
    const applied = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      answered_per_s: Math.round(reports / answered),
      applied_per_s: Math.round(reports / applied),
      errors,
      p50_ms: Number(percentile(latencies, 0.5).toFixed(1)),
      p95_ms: Number(percentile(latencies, 0.95).toFixed(1)),
    };
  }

  try {
    const singleResult = await phase(
      single.campaignId,
      single.ids.map((id) => () => request('GET', `&MsgId=gw-${id}&status=${STATUS.DELIVERED}&idx=${id}&donedate=${done}`)),
      SINGLE_CONNECTIONS,
      SINGLE_REPORTS,
    );
    const batches: number[][] = [];
    for (let i = 0; i < batched.ids.length; i += BATCH) batches.push(batched.ids.slice(i, i + BATCH));
    const batchedResult = await phase(
      batched.campaignId,
      batches.map((ids) => () => {
        const list = (f: (id: number) => string) => ids.map(f).join(',');
        const body = new URLSearchParams({
          MsgId: list((id) => `gw-${id}`),
          status: list(() => String(STATUS.DELIVERED)),
          idx: list(String),
          donedate: list(() => String(done)),
        });
        return request('POST', '', body.toString());
      }),
      BATCH_CONNECTIONS,
      BATCHED_REPORTS,
    );
    await app.stop(); // (stopping again below is harmless)

    // Limits. The set-wise statement alone, then pgbench's single-row updates of the same messages.
    const started = performance.now();
    for (let i = 0; i < limit.ids.length; i += APPLY_BATCH) {
      await applyDeliveryReports(limit.ids.slice(i, i + APPLY_BATCH).map((id) => ({ messageId: id, status: STATUS.DELIVERED, doneAt: new Date() })));
    }
    const setWise = LIMIT_MESSAGES / ((performance.now() - started) / 1000);
    const singleRow = pgbenchSingleRowUpdates(limit.ids[0], limit.ids.at(-1)!);

    return {
      messages: large.messages,
      single: { reports: SINGLE_REPORTS, connections: SINGLE_CONNECTIONS, ...singleResult },
      batched: { reports: BATCHED_REPORTS, per_request: BATCH, connections: BATCH_CONNECTIONS, ...batchedResult },
      limit_single_row_update_without_triggers_per_s: singleRow,
      limit_set_wise_apply_per_s: Math.round(setWise),
      single_applied_vs_limit: singleRow ? Number((singleResult.applied_per_s / singleRow).toFixed(2)) : null,
      batched_applied_vs_set_wise: Number((batchedResult.applied_per_s / setWise).toFixed(2)),
    };
  } finally {
    agent.destroy();
    await app.stop();
    await removeBenchMessages(bench.accountId);
  }
}

/**
 * Transactions per second of pgbench running, on SINGLE_CONNECTIONS connections, one message's
 * status UPDATE (a real change, SENT <-> DELIVERED, so no update is HOT) with the triggers off;
 * null without pgbench on the PATH.
 */
function pgbenchSingleRowUpdates(firstId: number, lastId: number): number | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dlr-'));
  const script = path.join(dir, 'update.sql');
  fs.writeFileSync(
    script,
    [
      `\\set id random(${firstId}, ${lastId})`,
      'begin;',
      'set local session_replication_role = replica;',
      'update messages set status = 807 - status, done_at = now() where id = :id;',
      'commit;',
    ].join('\n'),
  );
  try {
    const run = spawnSync(
      'pgbench',
      ['-n', '-M', 'prepared', '-c', String(SINGLE_CONNECTIONS), '-j', '2', '-T', String(PGBENCH_SECONDS), '-f', script, process.env.DATABASE_URL!],
      { encoding: 'utf8' },
    );
    const tps = /tps = ([\d.]+)/.exec(run.stdout ?? '');
    return tps ? Math.round(Number(tps[1])) : null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
