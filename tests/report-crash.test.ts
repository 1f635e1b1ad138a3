import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { messages, reportFileChunks, reportRuns } from '@/db/schema';
import { ledgerTotals } from '@/lib/ledger';
import { recoverStalledRuns } from '@/lib/reports/generate';
import { signReportLink } from '@/lib/reports/signed-links';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { GET as signedDownload } from '@/app/r/[token]/route';
import { queuedBigReport } from './fixtures/reports';
import { ledgerInvariant, pointsPageMismatches } from './fixtures/ledger';
import { killWorkerProcesses, startWorkerProcess, waitFor } from './fixtures/worker-process';
import { session } from './fixtures/session';

vi.mock('@/lib/auth', () => import('./fixtures/session'));

afterAll(killWorkerProcesses);

describe('a worker killed with SIGKILL mid-report', () => {
  it('never exposes the partial file, and the restarted worker produces the whole file once', async () => {
    const N = 300_000;
    const { account, owner, runId } = await queuedBigReport('Kill', N);
    const run = () => db.select().from(reportRuns).where(eq(reportRuns.id, runId)).then((r) => r[0]);
    const get = () => {
      session.user = owner;
      return download(new Request('http://localhost/x'), { params: Promise.resolve({ id: runId }) });
    };
    const { token } = signReportLink(runId, account.id);
    const viaLink = () => signedDownload(new Request('http://localhost/r/x'), { params: Promise.resolve({ token }) });

    const pointsBefore = await ledgerTotals(account.id);
    const first = startWorkerProcess().child;
    const mid = await waitFor(run, (r) => r.status === 'generating' && r.rowsDone > 0, 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(mid.status).toBe('generating');

    const left = await run();
    expect(left.status).toBe('generating'); // killed before the end
    expect(left.rowsDone).toBeLessThan(N);
    expect(await db.$count(reportFileChunks, eq(reportFileChunks.runId, runId))).toBeGreaterThan(0);
    expect((await get()).status).toBe(404);
    expect((await viaLink()).status).toBe(404);

    // The dead worker's session (and its advisory lock) goes away with its socket.
    const recovered = await waitFor(recoverStalledRuns, (n) => n > 0, 10_000);
    expect(recovered).toBe(1);
    startWorkerProcess();
    const done = await waitFor(run, (r) => r.status === 'ready', 90_000);
    expect(done.status).toBe('ready');
    expect(done.rowsDone).toBe(N);

    const res = await get();
    expect(res.status).toBe(200);
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(Buffer.byteLength(text)).toBe(done.sizeBytes);
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines.length).toBe(N + 1);
    const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(',')));
    expect(new Set(ids).size).toBe(N);
    expect(await db.$count(messages, eq(messages.accountId, account.id))).toBe(N);
    expect((await viaLink()).status).toBe(200);

    // A report moves no points, crash or not, and the ledger invariant holds for every account.
    expect(await ledgerTotals(account.id)).toEqual(pointsBefore);
    expect(pointsBefore.balance).toBe(pointsBefore.ledgerSum);
    const invariant = await ledgerInvariant();
    expect(invariant.accounts).toBeGreaterThan(0);
    expect(invariant.mismatches).toEqual([]);
    expect(await pointsPageMismatches()).toEqual([]);
  }, 180_000);
});
