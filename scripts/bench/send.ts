import { sql } from 'drizzle-orm';
import { db } from '../../db';
import { addSenderName, createAccount } from '../../lib/accounts';
import { pauseCampaign } from '../../lib/campaigns';
import { startWorker } from '../../lib/jobs/worker';
import { addPoints } from '../../lib/ledger';
import { POINT_UNITS } from '../../lib/messaging';
import { planSend, submitSend } from '../../lib/messaging/send';

function recipients(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => `+35988${1_000_000 + offset + i}`);
}

async function queued(campaignId: string): Promise<number> {
  const [row] = await db.execute<{ n: string }>(sql`select count(*)::text as n from messages where campaign_id = ${campaignId} and status = 409`);
  return Number(row.n);
}

/** A 100,000-recipient campaign against the simulator: create, dispatch, pause. */
export default async function benchSend() {
  const count = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
  const account = await createAccount({ name: `Bench ${Date.now()}` });
  await addSenderName(account.id, 'Bench');
  await addPoints({ accountId: account.id, amount: 1_000_000 * POINT_UNITS });
  const send = (offset: number, rate: number) =>
    planSend({
      accountId: account.id,
      userId: null,
      source: 'api',
      sender: 'Bench',
      content: 'Здравейте, вашата поръчка е готова.',
      recipients: recipients(count, offset),
      campaign: { rate },
    }).then((plan) => submitSend(plan));

  // 1. Create: validate, price, store, debit and queue 100,000 recipients.
  let started = performance.now();
  const { campaignId } = await send(0, 10_000);
  const createSeconds = (performance.now() - started) / 1000;

  // 2. Dispatch with the in-process worker until nothing is left waiting.
  started = performance.now();
  const worker = await startWorker();
  while ((await queued(campaignId!)) > 0) await new Promise((r) => setTimeout(r, 50));
  const dispatchSeconds = (performance.now() - started) / 1000;

  // 3. Pause a campaign sending at 2,000/s: how long after the pause is the last message claimed?
  const second = await send(count, 2_000);
  while ((await queued(second.campaignId!)) > count - 4_000) await new Promise((r) => setTimeout(r, 20));
  const pausedAt = new Date();
  await pauseCampaign(account.id, second.campaignId!);
  await new Promise((r) => setTimeout(r, 3_000));
  const [last] = await db.execute<{ last: string | null }>(
    sql`select max(sent_at)::text as last from messages where campaign_id = ${second.campaignId}`,
  );
  await worker.stop();
  const pauseEffectiveMs = last.last ? Math.max(0, new Date(last.last).getTime() - pausedAt.getTime()) : 0;

  return {
    recipients: count,
    create_s: Number(createSeconds.toFixed(2)),
    dispatch_msgs_per_s: Math.round(count / dispatchSeconds),
    pause_effective_ms: pauseEffectiveMs,
  };
}
