import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, DrizzleQueryError, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, db, isConnectionError } from '@/db';
import { campaigns, ledgerEntries, messages, reportRuns } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { ledgerTotals } from '@/lib/ledger';
import { planSend, submitSend } from '@/lib/messaging/send';
import { STATUS } from '@/lib/messaging/statuses';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { makeAccount } from './fixtures/accounts';
import { pointsPageMismatches } from './fixtures/ledger';
import { queuedBigReport } from './fixtures/reports';
import { killWorkerProcesses, startWorkerProcess, waitFor, type WorkerProcess } from './fixtures/worker-process';
import { RestartablePostgres } from './restartable-postgres';

// PostgreSQL restarted under a running worker, in the middle of a job. The cluster is this
// file's own (temp dir, free port), never the shared test cluster; the worker is the real one
// (scripts/worker.ts) in its own process; this process's pool goes through the restart too.

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user, requireUser: async () => session.user }));

let pg: RestartablePostgres;
const sharedUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  pg = await RestartablePostgres.create();
  await closeDb();
  process.env.DATABASE_URL = await pg.createDatabase('pg_restart');
}, 60_000);

afterAll(async () => {
  killWorkerProcesses();
  await closeDb();
  process.env.DATABASE_URL = sharedUrl;
  await pg?.destroy();
});

/** Stops PostgreSQL, keeps it down for `downMs`, starts it again on the same port and data. */
async function restart(mode: 'fast' | 'immediate', downMs: number): Promise<{ outageMs: number; upAt: number }> {
  const stoppedAt = Date.now();
  await pg.stop(mode);
  await new Promise((r) => setTimeout(r, downMs));
  await pg.start();
  const upAt = Date.now();
  return { outageMs: upAt - stoppedAt, upAt };
}

/** The worker lived through it: still running, and nothing escaped it (a crash, an unhandled rejection). */
function expectSurvived(worker: WorkerProcess) {
  expect(worker.child.exitCode, worker.output()).toBeNull();
  expect(worker.child.signalCode).toBeNull();
  expect(worker.output()).not.toMatch(/TypeError|unhandled|uncaught/i);
}

describe('PostgreSQL restarted during a job', () => {
  it('a report being generated (immediate shutdown): the same worker finishes it, and nothing partial is downloadable', async () => {
    const N = 150_000;
    const { owner, runId } = await queuedBigReport('Restart', N);
    const run = () => db.select().from(reportRuns).where(eq(reportRuns.id, runId)).then((r) => r[0]);
    const get = () => {
      session.user = owner;
      return download(new Request('http://localhost/x'), { params: Promise.resolve({ id: runId }) });
    };

    const worker = startWorkerProcess();
    const mid = await waitFor(run, (r) => r.status === 'generating' && r.rowsDone > 0, 60_000);
    expect(mid.status, worker.output()).toBe('generating');

    // SIGQUIT to the postmaster: every backend quits at once, crash recovery at the next start.
    const { outageMs, upAt } = await restart('immediate', 2_000);
    // Back up, the run is not ready yet: chunks of the interrupted attempt are never served.
    const between = await waitFor(run, () => true, 5_000);
    expect(between.status).not.toBe('ready');
    expect((await get()).status).toBe(404);

    const done = await waitFor(run, (r) => r.status === 'ready', 40_000);
    const recoveryMs = Date.now() - upAt;
    console.log(`report: outage ${outageMs} ms, ready ${recoveryMs} ms after PostgreSQL was back`);
    expect(done.status, worker.output()).toBe('ready');
    expect(done.rowsDone).toBe(N);
    expectSurvived(worker);

    const res = await get();
    expect(res.status).toBe(200);
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(Buffer.byteLength(text)).toBe(done.sizeBytes);
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines.length).toBe(N + 1); // the header and every message, each once
    const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(',')));
    expect(new Set(ids).size).toBe(N);
    worker.child.kill('SIGKILL');
  }, 120_000);

  it('a campaign being dispatched (fast shutdown): the same worker completes it, no message handed over twice, the ledger adds up', async () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-log-')), 'handed-over.log');
    const POINTS = 1000;
    const { account } = await makeAccount('Restart Campaign', POINTS);
    const recipients = Array.from({ length: 3000 }, (_, i) => `+35989${String(4_000_000 + i).padStart(7, '0')}`);
    const { campaignId } = await submitSend(
      // No failure guard: the batch refused while the database was away must not pause what this test watches complete.
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'RestartCamp', content: 'Restart test', recipients, campaign: { rate: 600, guard: null } }),
    );
    const inCampaign = (status?: number) =>
      db.$count(messages, status === undefined ? eq(messages.campaignId, campaignId!) : and(eq(messages.campaignId, campaignId!), eq(messages.status, status)));
    const claimed = async () => (await inCampaign()) - (await inCampaign(STATUS.QUEUE));

    const worker = startWorkerProcess({ SIMULATOR_LOG: log, SIMULATOR_DELAY_SCALE: '0.05' });
    const before = await waitFor(claimed, (n) => n >= 900, 60_000);
    expect(before, worker.output()).toBeLessThan(3000); // stopped mid-campaign

    // SIGINT to the postmaster: sessions are terminated (57P01), then a clean shutdown.
    const { outageMs, upAt } = await restart('fast', 2_000);
    const campaign = await waitFor(
      async () => (await db.select().from(campaigns).where(eq(campaigns.id, campaignId!)))[0],
      (c) => c.status === 'completed',
      40_000,
    );
    const recoveryMs = Date.now() - upAt;
    console.log(`campaign: outage ${outageMs} ms, completed ${recoveryMs} ms after PostgreSQL was back`);
    expect(campaign.status, worker.output()).toBe('completed');
    expectSurvived(worker);
    expect(await inCampaign(STATUS.QUEUE)).toBe(0);

    // The operator's receipt log: no message twice; all handed over but at most the one batch
    // (rate 600) claimed when PostgreSQL went away, whose hand-over could not be recorded.
    const handedOver = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(new Set(handedOver).size).toBe(handedOver.length);
    expect(handedOver.length).toBeGreaterThanOrEqual(3000 - 600);
    expect(handedOver.length).toBeLessThanOrEqual(3000);
    const ours = await db.$count(messages, and(eq(messages.campaignId, campaignId!), sql`${messages.id} = any(${`{${handedOver.join(',')}}`}::bigint[])`));
    expect(ours).toBe(handedOver.length);

    // Balance == sum of the ledger; charged 650 units a message, refunded only the ones that failed.
    const failed = await inCampaign(STATUS.FAILED);
    const refunds = await db.$count(ledgerEntries, and(eq(ledgerEntries.accountId, account.id), eq(ledgerEntries.kind, 'refund')));
    expect(refunds).toBe(failed);
    const expected = POINTS * 10_000 - 650 * (3000 - failed);
    expect(await ledgerTotals(account.id)).toEqual({ balance: expected, ledgerSum: expected });
    // And through the points page, across the restart: every page of the entries adds up to the balance.
    expect(await pointsPageMismatches()).toEqual([]);
    worker.child.kill('SIGKILL');
  }, 120_000);
});

describe('telling a lost database from other failures', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  it('counts the database unreachable, also behind drizzle, and not a gateway that cannot be reached', () => {
    expect(isConnectionError(new DrizzleQueryError('select 1', [], withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')))).toBe(true);
    expect(isConnectionError(withCode('write CONNECTION_CLOSED 127.0.0.1:5432', 'CONNECTION_CLOSED'))).toBe(true);
    expect(isConnectionError(new DrizzleQueryError('select 1', [], withCode('terminating connection due to administrator command', '57P01')))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    // fetch() to a gateway that is down: a socket error, but not from a query.
    expect(isConnectionError(Object.assign(new TypeError('fetch failed'), { cause: withCode('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED') }))).toBe(false);
    expect(isConnectionError(new DrizzleQueryError('insert', [], withCode('duplicate key value', '23505')))).toBe(false);
    expect(isConnectionError(new Error('boom'))).toBe(false);
  });
});
