import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiTokens, reportDefinitions, reportRuns } from '@/db/schema';
import { createApiToken, deleteRevokedApiToken, listApiTokens, revokeApiToken } from '@/lib/auth/api-tokens';
import { LIST_PAGE_SIZE } from '@/lib/list-page';
import { cancelRun, createReport, deleteOneOffReport, listRuns, listSchedules } from '@/lib/reports/definitions';
import { makeAccount } from './fixtures/accounts';

// The Reports and Settings lists page (newest first, keyset) and can be cleaned up: a finished
// one-off report and a revoked token can be deleted, nothing else, and only by their account.

const NOW = new Date('2026-04-05T10:00:00Z');
const ONCE = { method: 'once', period: { kind: 'last_week' }, type: 'short', format: 'csv' } as const;

let A: Awaited<ReturnType<typeof makeAccount>>;
let B: Awaited<ReturnType<typeof makeAccount>>;

beforeAll(async () => {
  A = await makeAccount('Lists A');
  B = await makeAccount('Lists B');
});

/** Every page of a list, following `older` to the end. */
async function allPages<T extends { id: string }>(list: (before: string | null) => Promise<{ rows: T[]; older: string | null }>) {
  const pages: T[][] = [];
  let before: string | null = null;
  do {
    const page = await list(before);
    pages.push(page.rows);
    before = page.older;
  } while (before && pages.length < 10);
  return pages;
}

describe('API tokens', () => {
  it('page newest first, every token once', async () => {
    const created: string[] = [];
    for (let i = 0; i < LIST_PAGE_SIZE + 5; i++) created.push((await createApiToken({ accountId: A.account.id, userId: A.user.id, name: `t${i}` })).id);
    const pages = await allPages((before) => listApiTokens(A.account.id, null, before));
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE_SIZE, 5]);
    expect(pages.flat().map((t) => t.id)).toEqual([...created].reverse());
    expect(Object.keys(pages[0][0])).not.toContain('createdIso');
  }, 120_000); // tens of tokens or runs created one by one: slow on a busy machine

  it('deletes a revoked token of the account only', async () => {
    const { id } = await createApiToken({ accountId: A.account.id, userId: A.user.id, name: 'old' });
    expect(await deleteRevokedApiToken(A.account.id, id, null)).toBe(false); // live: revoke first
    expect(await revokeApiToken(A.account.id, id, null)).toBe(true);
    expect(await deleteRevokedApiToken(B.account.id, id, null)).toBe(false);
    expect(await deleteRevokedApiToken(A.account.id, id, A.user.id + 1000)).toBe(false); // a member, not theirs
    expect(await deleteRevokedApiToken(A.account.id, 'not-a-uuid', null)).toBe(false);
    expect(await deleteRevokedApiToken(A.account.id, id, null)).toBe(true);
    expect(await db.select().from(apiTokens).where(eq(apiTokens.id, id))).toEqual([]);
  });
});

describe('reports', () => {
  it('page their runs and schedules newest first', async () => {
    const runs: string[] = [];
    for (let i = 0; i < LIST_PAGE_SIZE + 2; i++) runs.push((await createReport(A.account.id, A.user.id, { ...ONCE, name: `r${i}` }, NOW)).runId!);
    const pages = await allPages((before) => listRuns(A.account.id, before));
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE_SIZE, 2]);
    expect(pages.flat().map((r) => r.id)).toEqual([...runs].reverse());

    for (let i = 0; i < LIST_PAGE_SIZE + 1; i++) {
      await createReport(A.account.id, A.user.id, { method: 'periodic', frequency: 'daily', type: 'short', format: 'csv', name: `s${i}` }, NOW);
    }
    const schedules = await allPages((before) => listSchedules(A.account.id, before));
    expect(schedules.map((p) => p.length)).toEqual([LIST_PAGE_SIZE, 1]);
    expect(schedules.flat().map((s) => s.name)[0]).toBe(`s${LIST_PAGE_SIZE}`);
    expect((await listRuns(B.account.id)).rows).toEqual([]);
  }, 120_000); // tens of tokens or runs created one by one: slow on a busy machine

  it('delete a finished one-off report with its run, and nothing else', async () => {
    const queued = (await createReport(A.account.id, A.user.id, { ...ONCE, name: 'queued' }, NOW)).runId!;
    expect(await deleteOneOffReport(A.account.id, queued)).toBe(false); // still to be generated
    expect(await cancelRun(A.account.id, queued)).toBe(true);
    expect(await deleteOneOffReport(B.account.id, queued)).toBe(false);
    expect(await deleteOneOffReport(A.account.id, queued)).toBe(true);
    expect(await db.select().from(reportRuns).where(eq(reportRuns.id, queued))).toEqual([]);

    // A periodic report's run goes only with its schedule.
    const schedule = await createReport(A.account.id, A.user.id, { method: 'periodic', frequency: 'weekly', type: 'short', format: 'csv', name: 'weekly' }, NOW);
    const [run] = await db
      .insert(reportRuns)
      .values({ definitionId: schedule.definitionId, accountId: A.account.id, periodStart: NOW, periodEnd: NOW, status: 'cancelled' })
      .returning({ id: reportRuns.id });
    expect(await deleteOneOffReport(A.account.id, run.id)).toBe(false);
    expect(await db.select().from(reportDefinitions).where(eq(reportDefinitions.id, schedule.definitionId))).toHaveLength(1);
  });
});
