import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';
import { ledgerInvariant, pointsPageMismatches } from './fixtures/ledger';
import { killWorkerProcesses, startWorkerProcess, waitFor } from './fixtures/worker-process';

const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-log-')), 'handed-over.log');
afterAll(killWorkerProcesses);

// A campaign quiet for 1 s after a crash is picked up again when a worker starts.
const startWorker = () => startWorkerProcess({ SIMULATOR_LOG: log, SIMULATOR_DELAY_SCALE: '0.05', WORKER_STALL_SECONDS: '1' });

describe('a worker killed with SIGKILL mid-campaign', () => {
  it('restarts and finishes the campaign, handing each message to the gateway at most once', async () => {
    const { account } = await makeAccount('Crash', 1000);
    const recipients = Array.from({ length: 3000 }, (_, i) => `+35989${String(3_000_000 + i).padStart(7, '0')}`);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'Crash', content: 'Crash test', recipients, campaign: { rate: 600 } }),
    );
    const claimed = () => db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} <> 409`);

    const first = startWorker().child;
    const before = await waitFor(claimed, (n) => n >= 600, 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(before).toBeGreaterThanOrEqual(600);
    expect(before).toBeLessThan(3000);
    const afterKill = await claimed();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await claimed()).toBe(afterKill); // nothing moves without a worker

    startWorker();
    const campaign = await waitFor(
      async () => (await db.select().from(campaigns).where(eq(campaigns.id, campaignId!)))[0],
      (c) => c.status === 'completed',
      90_000,
    );
    expect(campaign.status).toBe('completed');
    expect(await db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} = 409`)).toBe(0);

    const handedOver = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(new Set(handedOver).size).toBe(handedOver.length);
    // Everything claimed was handed over, except at most the one batch in flight at the kill.
    expect(handedOver.length).toBeGreaterThanOrEqual(3000 - 600);
    expect(handedOver.length).toBeLessThanOrEqual(3000);
    // Each handed-over id is one of this campaign's messages, and no recipient got two of them.
    const [handed] = await db.execute<{ n: number; mine: number; recipients: number }>(sql`
      select count(*)::int as n, count(*) filter (where m.campaign_id = ${campaignId})::int as mine,
             count(distinct m.recipient)::int as recipients
        from jsonb_array_elements_text(${JSON.stringify(handedOver)}::jsonb) h(id) join messages m on m.id = h.id::bigint`);
    expect(handed).toEqual({ n: handedOver.length, mine: handedOver.length, recipients: handedOver.length });
    expect(await ledgerTotals(account.id)).toEqual({ balance: 1000 * 10_000 - 3000 * 650, ledgerSum: 1000 * 10_000 - 3000 * 650 });
    // The ledger invariant after the crash and the restart: balance == sum(entries) for every account.
    const invariant = await ledgerInvariant();
    expect(invariant.accounts).toBeGreaterThan(0);
    expect(invariant.mismatches).toEqual([]);
    // And through the points page: every page of each account's entries adds up to its balance.
    expect(await pointsPageMismatches()).toEqual([]);
  });
});
