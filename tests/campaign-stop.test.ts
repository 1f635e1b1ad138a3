import { sql } from 'drizzle-orm';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { messages } from '@/db/schema';
import { STOP_BATCH, stopCampaign } from '@/lib/campaigns';
import { startWorker } from '@/lib/jobs/worker';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';
import { pointsPageMismatches } from './fixtures/ledger';
import { waitFor } from './fixtures/worker-process';

// A stop answers at once with the exact refund, however many messages wait (the first batch of
// them turns to STOP in the stop, the rest in a job), and whatever a claim under way was doing.

let worker: Runner;
beforeAll(async () => {
  process.env.SIMULATOR_DELAY_SCALE = '0.02';
  worker = await startWorker(4);
});
afterAll(async () => {
  await worker?.stop();
  // Once nothing moves money any more: the points page's entries, every page, add up to each account's balance.
  expect(await pointsPageMismatches()).toEqual([]);
});

const RECIPIENTS = 3 * STOP_BATCH;

const byStatus = async (campaignId: string) =>
  Object.fromEntries(
    (await db.execute<{ status: number; n: number }>(sql`select status, count(*)::int as n from messages where campaign_id = ${campaignId} group by status`)).map(
      (r) => [r.status, r.n],
    ),
  );
const counted = async (campaignId: string) =>
  Object.fromEntries(
    (await db.execute<{ status: number; n: number }>(sql`select status, messages as n from campaign_status_counts where campaign_id = ${campaignId} and messages <> 0`)).map(
      (r) => [r.status, r.n],
    ),
  );

describe('stopping a campaign of several batches while it sends', () => {
  it('refunds exactly the messages that never went out, and the job stops the rest', async () => {
    const { account } = await makeAccount('BigStop', 1_000);
    const recipients = Array.from({ length: RECIPIENTS }, (_, i) => `+35987${String(4_000_000 + i).padStart(7, '0')}`);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'BigStop', content: 'Stop me', recipients, campaign: { rate: 2_000 } }),
    );
    const id = campaignId!;
    const claimed = () => db.$count(messages, sql`${messages.campaignId} = ${id} and ${messages.status} not in (409, 412)`);
    await waitFor(claimed, (n) => n >= 1_000, 60_000);

    const result = await stopCampaign(account.id, id);
    expect(result.ok).toBe(true);
    // At most one batch is STOP when the stop answers; the job does the rest.
    const right = await byStatus(id);
    expect(right[412] ?? 0).toBeLessThanOrEqual(STOP_BATCH);
    await waitFor(() => db.$count(messages, sql`${messages.campaignId} = ${id} and ${messages.status} = 409`), (n) => n === 0, 60_000);

    const final = await byStatus(id);
    const sent = RECIPIENTS - final[412];
    expect(sent).toBeGreaterThanOrEqual(1_000);
    expect(result).toMatchObject({ ok: true, status: 'stopped', refunded: final[412] * 650 });
    // Nothing claimed after the stop, nothing refunded that went out: the account paid for exactly what was sent.
    expect(await ledgerTotals(account.id)).toEqual({ balance: 1_000 * 10_000 - sent * 650, ledgerSum: 1_000 * 10_000 - sent * 650 });
    const [{ points }] = await db.execute<{ points: string }>(sql`select coalesce(sum(points), 0)::text as points from messages where campaign_id = ${id}`);
    expect(Number(points)).toBe(sent * 650);
    // The counters, once the last delivery reports are in, match a count of the messages.
    const settled = await waitFor(
      async () => ({ counters: await counted(id), actual: await byStatus(id) }),
      (v) => JSON.stringify(v.counters) === JSON.stringify(v.actual),
      30_000,
    );
    expect(settled.counters).toEqual(settled.actual);
  }, 120_000);
});
