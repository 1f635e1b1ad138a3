import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { benchAccount, removeBenchMessages } from './support/bench-account';

// npm run bench -- workers: campaign dispatch by 1 and by 3 worker processes (`npm run worker`,
// each with WORKER_CONCURRENCY jobs at once) on one database, in one run: CAMPAIGNS campaigns of
// MESSAGES waiting messages each, with no rate of their own, all queued at once; the time until
// every one is completed. A campaign is dispatched by one job at a time (its job key), so more
// workers help when several campaigns send at once. The limit: the claim UPDATE alone, back to
// back, as in `npm run bench -- send`. The simulator's reports are held back (they are `dlr`'s).

const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 6);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const REPORT_DELAY_SCALE = 1_000;
const root = path.resolve(import.meta.dirname, '..', '..');

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'], {
    cwd: root,
    env: { ...process.env, SIMULATOR_DELAY_SCALE: String(REPORT_DELAY_SCALE), LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

export default async function benchWorkers() {
  const { sql } = await import('drizzle-orm');
  const { db, sqlClient } = await import('../../db');
  const { generateCampaign } = await import('../../db/seed/messages');
  const { claimQuery, MAX_BATCH } = await import('../../lib/campaigns/dispatch');
  const { enqueueAll } = await import('../../lib/jobs');

  const bench = await benchAccount('Bench workers');
  const client = sqlClient();
  const listeners = async () =>
    (await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'LISTEN "jobs:insert"%'`))[0].n;

  const claimRate = async () => {
    const campaignId = await generateCampaign(client, { ...bench, count: MAX_BATCH * 40, status: 409 });
    const started = performance.now();
    let rows = 0;
    for (let batch = MAX_BATCH; batch === MAX_BATCH; rows += batch) batch = (await db.execute(claimQuery(campaignId, MAX_BATCH))).length;
    return rows / ((performance.now() - started) / 1000);
  };

  /** The campaigns dispatched by `count` worker processes: messages a second, start of the jobs to the last completed. */
  const dispatchWith = async (count: number) => {
    await removeBenchMessages(bench.accountId);
    const ids: string[] = [];
    for (let i = 0; i < CAMPAIGNS; i++) ids.push(await generateCampaign(client, { ...bench, count: MESSAGES, status: 409, rate: 1_000_000 }));
    await client`analyze messages`;
    const workers = Array.from({ length: count }, startWorkerProcess);
    try {
      // Each worker's job runner LISTENs once it is up.
      for (let waited = 0; (await listeners()) < count; waited += 100) {
        if (waited > 120_000 || workers.some((child) => child.exitCode !== null)) throw new Error('the workers did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = performance.now();
      await enqueueAll(db, 'campaign:dispatch', ids.map((campaignId) => ({ payload: { campaignId } })));
      for (;;) {
        const [{ left }] = await db.execute<{ left: number }>(sql`select count(*)::int as left from campaigns where id = any(${`{${ids.join(',')}}`}::uuid[]) and status <> 'completed'`);
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      const [{ handed }] = await db.execute<{ handed: number }>(sql`
        select count(*)::int as handed from messages where campaign_id = any(${`{${ids.join(',')}}`}::uuid[]) and status <> 409`);
      return { seconds, msgsPerS: handed / seconds, handed };
    } finally {
      await Promise.all(
        workers.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    }
  };

  try {
    const claimBefore = await claimRate();
    const one = await dispatchWith(1);
    const three = await dispatchWith(3);
    const claimAfter = await claimRate();
    const claimLimit = (claimBefore + claimAfter) / 2;
    return {
      campaigns: CAMPAIGNS,
      messages_per_campaign: MESSAGES,
      worker_concurrency: Number(process.env.WORKER_CONCURRENCY ?? 4),
      one_worker: { seconds: Number(one.seconds.toFixed(2)), msgs_per_s: Math.round(one.msgsPerS), handed_over: one.handed },
      three_workers: { seconds: Number(three.seconds.toFixed(2)), msgs_per_s: Math.round(three.msgsPerS), handed_over: three.handed },
      speedup_three_vs_one: Number((three.msgsPerS / one.msgsPerS).toFixed(2)),
      claim_update_rows_per_s: { before: Math.round(claimBefore), after: Math.round(claimAfter) },
      one_worker_vs_claim: Number((one.msgsPerS / claimLimit).toFixed(2)),
      three_workers_vs_claim: Number((three.msgsPerS / claimLimit).toFixed(2)),
    };
  } finally {
    await removeBenchMessages(bench.accountId);
  }
}
