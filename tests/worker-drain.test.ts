import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { http, passthrough } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, submitSend } from '@/lib/messaging/send';
import { opsContext } from '@/lib/ops/context';
import { makeAccount } from './fixtures/accounts';
import { ledgerInvariant } from './fixtures/ledger';
import { killWorkerProcesses, startWorkerProcess, waitFor } from './fixtures/worker-process';
import { mockHttp } from './msw';

// `npm run worker` stopped with SIGTERM mid-campaign: it finishes the batch in hand and exits, so
// nothing is left claimed and not handed over, and the next worker sends the rest, none twice.
// The same worker serves its health, readiness and metrics on METRICS_PORT, and its log lines
// carry the id of the request that queued their job.

const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-log-')), 'handed-over.log');
const METRICS_TOKEN = 'metrics-token-for-tests-0123';
afterAll(killWorkerProcesses);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const handedOver = () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);

describe('a worker stopped with SIGTERM mid-campaign', () => {
  it('finishes its batch, exits, and leaves the rest to the next worker: every message handed over once', async () => {
    const { account } = await makeAccount('Drain', 1000);
    const recipients = Array.from({ length: 3000 }, (_, i) => `+35989${String(4_000_000 + i).padStart(7, '0')}`);
    // Sent as if from a request with this id (scripts/start.ts opens the context for each request).
    const { campaignId } = await opsContext.run({ requestId: 'req-drain-1' }, async () =>
      submitSend(await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'Drain', content: 'Drain test', recipients, campaign: { rate: 300 } })),
    );
    const claimed = () => db.$count(messages, sql`${messages.campaignId} = ${campaignId} and ${messages.status} <> 409`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The worker is ours, not something outside: its requests go to it for real.
    mockHttp.use(http.all(`${base}/*`, () => passthrough()));
    const first = startWorkerProcess({ SIMULATOR_LOG: log, SIMULATOR_DELAY_SCALE: '0.05', LOG_LEVEL: 'debug', LOG_FORMAT: 'json', METRICS_PORT: String(port), METRICS_TOKEN, HOST: '127.0.0.1' });
    await waitFor(claimed, (n) => n >= 600, 60_000);

    // Its probes and metrics while it works.
    expect(await fetch(`${base}/api/health`).then((r) => r.json())).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', jobs: 'ok' } });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const scrape = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    const handedMetric = Number(/^smsportal_messages_handed_over_total (\d+)/m.exec(text)?.[1]);
    expect(handedMetric).toBeGreaterThanOrEqual(300);
    expect(text).toMatch(/^smsportal_database_up 1$/m);
    expect(text).toMatch(/^smsportal_jobs\{task="campaign:dispatch",state="(due|running|scheduled)"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

    first.child.kill('SIGTERM');
    const exit = await new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    expect(exit, first.output()).toBe(0);
    // Stopped cleanly: everything claimed was handed over, nothing more.
    const atStop = await claimed();
    expect(atStop).toBeLessThan(3000);
    expect(handedOver()).toHaveLength(atStop);
    expect(first.output()).toContain('SIGTERM: stopping');

    const second = startWorkerProcess({ SIMULATOR_LOG: log, SIMULATOR_DELAY_SCALE: '0.05', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
    const campaign = await waitFor(
      async () => (await db.select().from(campaigns).where(eq(campaigns.id, campaignId!)))[0],
      (c) => c.status === 'completed',
      90_000,
    );
    expect(campaign.status).toBe('completed');
    // Both workers' job lines carry the request that queued the campaign, through the dispatch's own re-queues.
    const dispatchLines = [first, second].map((worker) =>
      worker
        .printed()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.task === 'campaign:dispatch' && entry.msg === 'job done'),
    );
    expect(dispatchLines.map((lines) => lines.length > 0)).toEqual([true, true]);
    expect(dispatchLines.flat().every((entry) => entry.requestId === 'req-drain-1' && typeof entry.jobId === 'string')).toBe(true);
    const all = handedOver();
    expect(all).toHaveLength(3000);
    expect(new Set(all).size).toBe(3000);
    expect(await ledgerTotals(account.id)).toEqual({ balance: 1000 * 10_000 - 3000 * 650, ledgerSum: 1000 * 10_000 - 3000 * 650 });
    expect((await ledgerInvariant()).mismatches).toEqual([]);
  }, 180_000);
});
