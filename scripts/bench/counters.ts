import type postgres from 'postgres';
import { benchAccount, removeBenchMessages } from './support/bench-account';
import { seedLargeTable } from './support/large-table';

// npm run bench -- counters: the counter triggers and the periodic jobs on the kept large table
// (scripts/bench.ts; 10,000,000 other messages).
// - A 50,000-row status update (QUEUE -> SENT, as a claim) on a fresh connection, and on a
//   connection whose first update touched one row: PL/pgSQL caches the triggers' plans per
//   connection, so `used_vs_fresh` (fresh time / used time) is 1.0 without a plan cliff. The same
//   update with the triggers off is their cost's limit. Medians of ROUNDS, each on rows of its own.
// - A 1,000,000-message campaign stopped (every message to STOP, the refund, in one transaction).
// - The periodic statements on messages (expiry, recovery) as EXPLAIN ANALYZE runs them, rolled
//   back: time, rows, how they read messages; the prune and the stored-report sweep run as they are.

export const keptDatabase = true;

const ROWS = 50_000;
const ROUNDS = 3;
const STOP_MESSAGES = 1_000_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export default async function benchCounters() {
  const { default: connect } = await import('postgres');
  const { sql, TransactionRollbackError } = await import('drizzle-orm');
  const { db, sqlClient, clientOptions } = await import('../../db');
  const { generateCampaign } = await import('../../db/seed/messages');
  const { stopCampaign, stopWaitingMessages, STOP_BATCH } = await import('../../lib/campaigns');
  const { overdueMessagesQuery, stalledCampaignsQuery } = await import('../../lib/campaigns/dispatch');
  const { env } = await import('../../lib/env');
  const { expireUnreportedQuery } = await import('../../lib/gateway/reports');
  const { tasks } = await import('../../lib/jobs/worker');

  const large = await seedLargeTable();
  const bench = await benchAccount('Bench counters');
  const client = sqlClient();
  try {
    // 1. The 50,000-row update, fresh against used, and without the triggers.
    const campaignId = await generateCampaign(client, { ...bench, count: ROWS * ROUNDS * 2 + 1_000, status: 409 });
    const untriggeredId = await generateCampaign(client, { ...bench, count: ROWS * ROUNDS, status: 409 });
    await client`analyze messages`;
    const timed = async (setup: (c: postgres.Sql) => Promise<unknown>, campaign = campaignId) => {
      const connection = connect(process.env.DATABASE_URL!, clientOptions(1));
      try {
        await setup(connection);
        const started = performance.now();
        await connection.begin(async (tx) => {
          await tx`update messages set status = 403, sent_at = now() where id in (
            select id from messages where campaign_id = ${campaign} and status = 409 order by id limit ${ROWS})`;
        });
        return performance.now() - started;
      } finally {
        await connection.end();
      }
    };
    const fresh: number[] = [];
    const used: number[] = [];
    const withoutTriggers: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      fresh.push(await timed(async () => {}));
      used.push(
        await timed((c) => c`update messages set status = 403, sent_at = now() where id = (
          select min(id) from messages where campaign_id = ${campaignId} and status = 409)`),
      );
      // Replica mode for the session: no triggers (that campaign's counters are left behind).
      withoutTriggers.push(await timed((c) => c`set session_replication_role = replica`, untriggeredId));
    }
    const [counts] = await client<{ exact: boolean }[]>`
      select (select array_agg(row(status, messages) order by status) from campaign_status_counts
               where campaign_id = ${campaignId} and messages <> 0)
           = (select array_agg(row(status, n) order by status) from (
               select status, count(*)::int as n from messages where campaign_id = ${campaignId} group by status) a) as exact`;

    // 2. Stopping a 1,000,000-message campaign.
    const stopId = await generateCampaign(client, { ...bench, count: STOP_MESSAGES, status: 409 });
    let started = performance.now();
    const stop = await stopCampaign(bench.accountId, stopId);
    const stopSeconds = (performance.now() - started) / 1000;
    // The rest of the waiting messages turn STOP in the campaign:stop job: run as the worker does.
    started = performance.now();
    while ((await stopWaitingMessages(db, stopId)) === STOP_BATCH);
    const stopRestSeconds = (performance.now() - started) / 1000;
    const [stopped] = await client<{ stopped: number; counted: number }[]>`
      select (select count(*)::int from messages where campaign_id = ${stopId} and status = 412) as stopped,
             (select messages from campaign_status_counts where campaign_id = ${stopId} and status = 412) as counted`;

    // 3. The periodic jobs.
    type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows': number; 'Rows Removed by Filter'?: number; Plans?: Node[] };
    const explain = async (statement: ReturnType<typeof sql>) => {
      const reads: string[] = [];
      let ms = 0;
      let rows = 0;
      await db
        .transaction(async (tx) => {
          const [row] = await tx.execute<{ 'QUERY PLAN': [{ Plan: Node; 'Execution Time': number }] }>(sql`explain (analyze, format json) ${statement}`);
          // Every scan of messages or of one of its indexes (an UPDATE's own node aside).
          const walk = (node: Node) => {
            const index = node['Index Name'];
            if ((node['Relation Name'] === 'messages' && node['Node Type'] !== 'ModifyTable') || index?.startsWith('messages_')) {
              reads.push(`${node['Node Type']}${index ? ` ${index}` : ''}: ${node['Actual Rows']} rows, ${node['Rows Removed by Filter'] ?? 0} discarded`);
            }
            node.Plans?.forEach(walk);
          };
          const plan = row['QUERY PLAN'][0];
          walk(plan.Plan);
          ms = plan['Execution Time'];
          rows = plan.Plan['Actual Rows'];
          tx.rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof TransactionRollbackError)) throw error;
        });
      return { ms: round(ms, 2), rows, reads };
    };
    const run = async (task: string) => {
      started = performance.now();
      await tasks[task]!({}, {} as never);
      return { ms: round(performance.now() - started, 2) };
    };
    const periodic = {
      'messages:expire': await explain(expireUnreportedQuery(env().MESSAGE_VALIDITY_SECONDS)),
      'jobs:recover (campaigns)': await explain(stalledCampaignsQuery(env().WORKER_STALL_SECONDS)),
      'jobs:recover (single messages)': await explain(overdueMessagesQuery(env().WORKER_STALL_SECONDS)),
      'gateway:apply-reports (empty)': await run('gateway:apply-reports'),
      'maintenance:prune': await run('maintenance:prune'),
    };

    return {
      messages: large.messages,
      update_rows: ROWS,
      update_fresh_ms: round(median(fresh)),
      update_used_ms: round(median(used)),
      update_without_triggers_ms: round(median(withoutTriggers)),
      used_vs_fresh: round(median(fresh) / median(used), 2),
      triggers_share: round(1 - median(withoutTriggers) / median(fresh), 2),
      counts_exact: counts.exact,
      stop_messages: STOP_MESSAGES,
      stop_s: round(stopSeconds),
      stop_rest_in_job_s: round(stopRestSeconds),
      stop_refunded_points: stop.ok ? stop.refunded / 10_000 : null,
      stop_counted_exactly: stopped.stopped === STOP_MESSAGES && stopped.counted === STOP_MESSAGES,
      periodic,
    };
  } finally {
    await removeBenchMessages(bench.accountId);
  }
}
