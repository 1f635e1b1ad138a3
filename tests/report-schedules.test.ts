import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { reportDefinitions, reportRuns } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { createReport, deleteSchedule, listSchedules, scheduleDueReports, setSchedulePaused } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { makeAccount } from './fixtures/accounts';
import { session } from './fixtures/session';

vi.mock('@/lib/auth', () => import('./fixtures/session'));

// Sunday 2026-03-29 14:00 in Europe/Sofia (the makeAccount default zone).
const CREATED = new Date('2026-03-29T12:00:00Z');
const H = 3_600_000;
const DAY = 24 * H;

let A: SessionUser;
let B: SessionUser;

function get(user: SessionUser | null, id: string) {
  session.user = user;
  return download(new Request(`http://localhost/reports/runs/${id}/download`), { params: Promise.resolve({ id }) });
}

async function schedule(user: SessionUser, frequency: 'daily' | 'weekly' | 'monthly', name: string, emails: string[] = []) {
  const { definitionId, nextRunAt } = await createReport(
    user.account.id,
    user.id,
    { method: 'periodic', frequency, type: 'short', format: 'csv', name, emails },
    CREATED,
  );
  return { id: definitionId, nextRunAt: nextRunAt! };
}

async function definition(id: string) {
  const [row] = await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, id));
  return row;
}

const runsOf = (id: string) => db.select().from(reportRuns).where(eq(reportRuns.definitionId, id));

beforeAll(async () => {
  const a = await makeAccount('Sched A');
  const b = await makeAccount('Sched B');
  A = (await loadSessionUser(a.user.id, await startSession(a.user.id)))!;
  B = (await loadSessionUser(b.user.id, await startSession(b.user.id)))!;
});

describe('listSchedules', () => {
  it('lists the periodic definitions of the account only, with the last run', async () => {
    const weekly = await schedule(A, 'weekly', 'Weekly A', ['ops@example.com', 'boss@example.com']);
    await createReport(A.account.id, A.id, { method: 'once', period: { kind: 'last_week' }, type: 'short', format: 'csv', name: 'Once A' }, CREATED);
    await schedule(B, 'daily', 'Daily B');

    const mine = (await listSchedules(A.account.id)).rows;
    expect(mine.map((s) => s.name)).toEqual(['Weekly A']);
    expect(mine[0]).toMatchObject({
      id: weekly.id,
      frequency: 'weekly',
      type: 'short',
      paused: false,
      emails: ['ops@example.com', 'boss@example.com'],
      lastRun: null,
    });
    // Monday 2026-03-30 06:00 Sofia (+03 after the DST change).
    expect(mine[0].nextRunAt?.toISOString()).toBe('2026-03-30T03:00:00.000Z');

    await scheduleDueReports(new Date('2026-03-30T03:00:30Z'));
    const [after] = (await listSchedules(A.account.id)).rows;
    expect(after.lastRun).toMatchObject({ status: 'queued' });

    expect((await listSchedules(B.account.id)).rows.map((s) => s.name)).toEqual(['Daily B']);
  });
});

describe('pause and resume', () => {
  it('a paused schedule creates nothing; resuming starts from now without a backlog', async () => {
    const s = await schedule(A, 'daily', 'Paused daily');
    expect(await setSchedulePaused(A.account.id, s.id, true)).toBe(true);
    expect((await definition(s.id)).paused).toBe(true);

    await scheduleDueReports(new Date(s.nextRunAt.getTime() + 10 * DAY));
    expect(await runsOf(s.id)).toHaveLength(0);

    // Resumed on 2026-06-10 14:00 Sofia: the next run is 06:00 the day after, nothing before.
    const resumedAt = new Date('2026-06-10T11:00:00Z');
    expect(await setSchedulePaused(A.account.id, s.id, false, resumedAt)).toBe(true);
    const resumed = await definition(s.id);
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRunAt?.toISOString()).toBe('2026-06-11T03:00:00.000Z');
    await scheduleDueReports(resumedAt);
    expect(await runsOf(s.id)).toHaveLength(0);
    await scheduleDueReports(new Date('2026-06-11T03:00:30Z'));
    const runs = await runsOf(s.id);
    expect(runs.map((r) => [r.periodStart.toISOString(), r.periodEnd.toISOString()])).toEqual([
      ['2026-06-09T21:00:00.000Z', '2026-06-10T21:00:00.000Z'],
    ]);
  });

  it("another account's schedule, a one-off definition or a bad id is not changed", async () => {
    const s = await schedule(A, 'monthly', 'Monthly A');
    expect(await setSchedulePaused(B.account.id, s.id, true)).toBe(false);
    expect((await definition(s.id)).paused).toBe(false);
    const once = await createReport(A.account.id, A.id, { method: 'once', period: { kind: 'last_week' }, type: 'short', format: 'csv', name: 'Once' }, CREATED);
    expect(await setSchedulePaused(A.account.id, once.definitionId, true)).toBe(false);
    expect(await setSchedulePaused(A.account.id, 'not-a-uuid', true)).toBe(false);
    expect(await setSchedulePaused(A.account.id, '00000000-0000-4000-8000-000000000000', true)).toBe(false);
  });
});

describe('deleteSchedule', () => {
  it('deletes the schedule and its runs; their files are 404 afterwards; other accounts cannot', async () => {
    const s = await schedule(A, 'daily', 'Doomed daily');
    await scheduleDueReports(new Date(s.nextRunAt.getTime() + 30_000));
    const [run] = await runsOf(s.id);
    expect(await generateRun(run.id)).toBe('ready');
    expect((await get(A, run.id)).status).toBe(200);

    expect(await deleteSchedule(B.account.id, s.id)).toBe(false);
    expect(await definition(s.id)).toBeDefined();
    expect(await deleteSchedule(A.account.id, 'nope')).toBe(false);

    expect(await deleteSchedule(A.account.id, s.id)).toBe(true);
    expect(await definition(s.id)).toBeUndefined();
    expect(await runsOf(s.id)).toHaveLength(0);
    expect((await get(A, run.id)).status).toBe(404);
    expect((await listSchedules(A.account.id)).rows.some((x) => x.id === s.id)).toBe(false);
    expect(await deleteSchedule(A.account.id, s.id)).toBe(false);
  });
});

describe('scheduleDueReports', () => {
  it('a schedule that missed a run catches up exactly once', async () => {
    const s = await schedule(A, 'daily', 'Missed daily');
    // Monday 2026-03-30 06:00 Sofia.
    expect(s.nextRunAt.toISOString()).toBe('2026-03-30T03:00:00.000Z');
    // The worker was down for 3 days.
    const now = new Date(s.nextRunAt.getTime() + 3 * DAY);
    await scheduleDueReports(now);
    const runs = await runsOf(s.id);
    // One run: the day that ended before the missed run time (Sunday the 29th, 23 h long).
    expect(runs.map((r) => [r.periodStart.toISOString(), r.periodEnd.toISOString()])).toEqual([
      ['2026-03-28T22:00:00.000Z', '2026-03-29T21:00:00.000Z'],
    ]);
    await scheduleDueReports(now);
    expect(await runsOf(s.id)).toHaveLength(1);
    const next = (await definition(s.id)).nextRunAt!;
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect(next.toISOString()).toBe('2026-04-03T03:00:00.000Z');
  });
});
