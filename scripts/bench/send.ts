import { benchAccount, removeBenchMessages } from './support/bench-account';
import { seedLargeTable } from './support/large-table';

// npm run bench -- send: the send path on the kept large table (scripts/bench.ts; 10,000,000
// other messages), with the in-process worker and the simulator. The simulator's delivery reports
// are held back until after the run (REPORT_DELAY_SCALE): this measures sending, which writes a
// message once; applying reports (two more writes a message) is `npm run bench -- dlr`'s.
// 1. Create: a 100,000-recipient campaign validated, priced, stored, debited and queued.
// 2. Pause: that campaign sending at 2,000/s, paused: how long after the pause the last message
//    was claimed. Stopped after 3: how long the stop takes to answer (stop_ms).
// 3. Dispatch: a 1,000,000-message campaign (loaded waiting, with no rate limit of its own, which
//    the API caps at 10,000/s) until none wait.
// 4. The limit: the claim UPDATE alone, back to back (5,000 a statement, as dispatch claims) over
//    a campaign of CLAIM_MESSAGES, before and after the dispatch.

export const keptDatabase = true;

const CREATE_RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const DISPATCH_MESSAGES = 1_000_000;
const CLAIM_MESSAGES = 200_000;

const round = (n: number) => Math.round(n);
// The simulator's report delays times this: the first comes 5 minutes after its message.
const REPORT_DELAY_SCALE = 1_000;

export default async function benchSend() {
  const { sql } = await import('drizzle-orm');
  const { db, sqlClient } = await import('../../db');
  const { generateCampaign } = await import('../../db/seed/messages');
  const { pauseCampaign, stopCampaign } = await import('../../lib/campaigns');
  const { claimQuery, MAX_BATCH } = await import('../../lib/campaigns/dispatch');
  const { enqueue } = await import('../../lib/jobs');
  const { startWorker } = await import('../../lib/jobs/worker');
  const { planSend, submitSend } = await import('../../lib/messaging/send');

  process.env.SIMULATOR_DELAY_SCALE = String(REPORT_DELAY_SCALE);
  const large = await seedLargeTable();
  const bench = await benchAccount('Bench send');
  const client = sqlClient();
  const claimed = async (campaignId: string) => {
    const [row] = await db.execute<{ n: number }>(sql`
      select coalesce(sum(messages), 0)::int as n from campaign_status_counts where campaign_id = ${campaignId} and status <> 409`);
    return row.n;
  };
  const claimRate = async () => {
    const campaignId = await generateCampaign(client, { ...bench, count: CLAIM_MESSAGES, status: 409 });
    const started = performance.now();
    let rows = 0;
    for (let batch = MAX_BATCH; batch === MAX_BATCH; rows += batch) batch = (await db.execute(claimQuery(campaignId, MAX_BATCH))).length;
    return rows / ((performance.now() - started) / 1000);
  };

  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  try {
    // 1. Create.
    const recipients = Array.from({ length: CREATE_RECIPIENTS }, (_, i) => `+35988${1_000_000 + i}`);
    let started = performance.now();
    const { campaignId: pausedId } = await submitSend(
      await planSend({
        accountId: bench.accountId,
        userId: null,
        source: 'api',
        sender: bench.sender,
        content: 'Здравейте, вашата поръчка е готова.',
        recipients,
        campaign: { rate: 2_000 },
      }),
    );
    const createSeconds = (performance.now() - started) / 1000;

    // 4 (before). The claim alone, with nothing else running.
    await client`analyze messages`;
    const claimBefore = await claimRate();

    // 2. Pause and stop.
    worker = await startWorker();
    while ((await claimed(pausedId!)) < 4_000) await new Promise((r) => setTimeout(r, 20));
    const pausedAt = Date.now();
    await pauseCampaign(bench.accountId, pausedId!);
    await new Promise((r) => setTimeout(r, 3_000));
    const pausedClaimed = await claimed(pausedId!);
    const [last] = await db.execute<{ last: string | null }>(sql`select extract(epoch from max(sent_at))::float8 * 1000 as last from messages where campaign_id = ${pausedId}`);

    // 3. Dispatch.
    const dispatchId = await generateCampaign(client, { ...bench, count: DISPATCH_MESSAGES, status: 409, rate: 1_000_000 });
    await client`analyze messages`;
    started = performance.now();
    await enqueue(db, 'campaign:dispatch', { campaignId: dispatchId }, { jobKey: `campaign:${dispatchId}` });
    for (;;) {
      const [campaign] = await db.execute<{ status: string }>(sql`select status from campaigns where id = ${dispatchId}`);
      if (campaign.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const dispatchSeconds = (performance.now() - started) / 1000;
    await worker.stop();
    worker = null;
    // The paused campaign stopped (what is left of its messages would turn STOP in the job).
    started = performance.now();
    await stopCampaign(bench.accountId, pausedId!);
    const stopMs = performance.now() - started;

    // 4 (after).
    const claimAfter = await claimRate();
    const claimLimit = (claimBefore + claimAfter) / 2;
    const dispatchRate = DISPATCH_MESSAGES / dispatchSeconds;
    return {
      messages: large.messages,
      create_recipients: CREATE_RECIPIENTS,
      create_s: Number(createSeconds.toFixed(2)),
      pause_effective_ms: last.last ? Math.max(0, round(Number(last.last) - pausedAt)) : 0,
      stop_ms: round(stopMs),
      stop_waiting_messages: CREATE_RECIPIENTS - pausedClaimed,
      dispatch_messages: DISPATCH_MESSAGES,
      dispatch_msgs_per_s: round(dispatchRate),
      report_delay_scale: REPORT_DELAY_SCALE,
      claim_update_rows_per_s: { before: round(claimBefore), after: round(claimAfter) },
      dispatch_vs_claim: Number((dispatchRate / claimLimit).toFixed(2)),
    };
  } finally {
    await worker?.stop();
    await removeBenchMessages(bench.accountId);
  }
}
