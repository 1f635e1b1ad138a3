import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import {
  campaigns,
  contactGroupMembers,
  contactGroups,
  contacts,
  messages,
  reportFileChunks,
  reportRuns,
  shortLinkClicks,
  shortLinks,
} from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { cancelRun, createReport, estimateRows, listRuns, scheduleDueReports } from '@/lib/reports/definitions';
import { cleanupExpiredRuns, generateRun, recoverStalledRuns } from '@/lib/reports/generate';
import { createContactField } from '@/lib/contacts/fields';
import { parseCsv } from '@/lib/files/csv-testing';
import { signReportLink } from '@/lib/reports/signed-links';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { GET as signedDownload } from '@/app/r/[token]/route';
import { makeAccount } from './fixtures/accounts';
import { insertSpringCampaign } from './fixtures/reports';
import { session } from './fixtures/session';

vi.mock('@/lib/auth', () => import('./fixtures/session'));

const NOW = new Date('2026-04-05T10:00:00Z');
// 2026-03-28 .. 2026-03-30 in Europe/Sofia: the 29th is 23 h long (02:59:59 +02 -> 04:00 +03).
const PERIOD = { kind: 'custom', from: '2026-03-28', to: '2026-03-30' } as const;
const IVAN = '+359888000001';

let A: SessionUser;
let B: SessionUser;
let campaignId: string;
const ids: Record<string, number> = {};

function base(type: 'detailed' | 'short' | 'group', extra: Record<string, unknown> = {}) {
  return { method: 'once', period: PERIOD, type, format: 'csv', name: `Март ${type}`, ...extra };
}

async function fileOf(runId: string): Promise<string> {
  const chunks = await db.select().from(reportFileChunks).where(eq(reportFileChunks.runId, runId)).orderBy(reportFileChunks.seq);
  const text = Buffer.concat(chunks.map((c) => c.data)).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return text.slice(1);
}

async function runOf(id: string) {
  const [run] = await db.select().from(reportRuns).where(eq(reportRuns.id, id));
  return run;
}

function get(user: SessionUser | null, id: string) {
  session.user = user;
  return download(new Request(`http://localhost/reports/runs/${id}/download`), { params: Promise.resolve({ id }) });
}

async function makeAndGenerate(user: SessionUser, input: object): Promise<string> {
  const { runId } = await createReport(user.account.id, user.id, input, NOW);
  expect(await generateRun(runId!)).toBe('ready');
  return runId!;
}

beforeAll(async () => {
  const a = await makeAccount('Rep A');
  const b = await makeAccount('Rep B');
  A = (await loadSessionUser(a.user.id, await startSession(a.user.id)))!;
  B = (await loadSessionUser(b.user.id, await startSession(b.user.id)))!;
  const campaign = await insertSpringCampaign(A);
  campaignId = campaign.id;
  // Outside the period: not in the group report.
  await db.insert(campaigns).values({
    accountId: A.account.id,
    senderName: 'RepA',
    content: 'old',
    encoding: 'gsm7',
    parts: 1,
    status: 'completed',
    recipients: 0,
    points: 0,
    createdAt: new Date('2026-03-27T12:00:00Z'),
  });
  const m = (key: string, createdAt: string, status: number, parts: number, extra: Partial<typeof messages.$inferInsert> = {}) => ({
    key,
    row: {
      accountId: A.account.id,
      userId: A.id,
      senderName: 'RepA',
      recipient: '+359888000009',
      country: 'BG',
      content: `msg ${key}`,
      encoding: 'gsm7' as const,
      parts,
      points: parts * 650,
      status,
      source: 'portal' as const,
      createdAt: new Date(createdAt),
      ...extra,
    },
  });
  const rows = [
    m('before', '2026-03-27T21:59:59Z', 404, 1), // 23:59:59 on the 27th
    m('m1', '2026-03-27T22:00:00Z', 404, 1, { recipient: IVAN, content: '=cmd|x', idx: 'X1' }), // 00:00 on the 28th
    m('m2', '2026-03-29T00:30:00Z', 405, 2), // 02:30 +02 on the 29th
    m('m3', '2026-03-29T10:00:05Z', 403, 1, { campaignId: campaign.id }), // 13:00:05 +03
    m('m4', '2026-03-29T20:59:00Z', 404, 1, { campaignId: campaign.id }), // 23:59 +03
    m('m5', '2026-03-29T21:00:00Z', 409, 1), // 00:00 on the 30th
    m('m6', '2026-03-30T20:59:59Z', 404, 1, { source: 'api' }), // 23:59:59 on the 30th
    m('after', '2026-03-30T21:00:00Z', 404, 1), // 00:00 on the 31st
  ];
  for (const { key, row } of rows) {
    const [inserted] = await db.insert(messages).values(row).returning({ id: messages.id });
    ids[key] = inserted.id;
  }
  // Another account's message in the period: never in A's reports.
  await db.insert(messages).values({ ...rows[1].row, accountId: B.account.id, userId: B.id, senderName: 'RepB', content: 'B secret' });

  const tier = await createContactField(A.account.id, { name: 'Tier', type: 'text' });
  const since = await createContactField(A.account.id, { name: 'Клиент от', type: 'date' });
  const [ivan] = await db
    .insert(contacts)
    .values({
      accountId: A.account.id,
      phone: IVAN,
      firstName: 'Иван',
      lastName: '=Petrov',
      email: 'ivan@example.com',
      customFields: { [tier.id]: '=gold', [since.id]: '2024-05-01' },
    })
    .returning();
  const groups = await db
    .insert(contactGroups)
    .values([
      { accountId: A.account.id, name: 'VIP' },
      { accountId: A.account.id, name: 'A-list' },
    ])
    .returning();
  await db.insert(contactGroupMembers).values(groups.map((g) => ({ groupId: g.id, contactId: ivan.id })));
  const [link] = await db
    .insert(shortLinks)
    .values({ accountId: A.account.id, messageId: ids.m1, code: 'abc123', targetUrl: 'https://example.com/x' })
    .returning();
  await db.insert(shortLinkClicks).values([
    { shortLinkId: link.id, clickedAt: new Date('2026-03-28T08:00:00Z') },
    { shortLinkId: link.id, clickedAt: new Date('2026-03-29T08:00:00Z') },
  ]);
});

describe('detailed report', () => {
  it('one row per message of the period in local time, bulk excluded when asked, no other account', async () => {
    const runId = await makeAndGenerate(A, base('detailed', { includeBulk: false }));
    const { rows } = parseCsv(await fileOf(runId));
    expect(rows[0]).toEqual(['Message ID', 'Date', 'Sender', 'Recipient', 'Status', 'Status code', 'Parts', 'Points', 'Source', 'Login']);
    expect(rows.slice(1)).toEqual([
      // Numbers in E.164 as they are; statuses and the source in words, the code beside.
      [String(ids.m1), '2026-03-28T00:00:00+02:00', 'RepA', IVAN, 'Delivered', '404', '1', '0.0650', 'Portal', A.email],
      [String(ids.m2), '2026-03-29T02:30:00+02:00', 'RepA', '+359888000009', 'Undelivered', '405', '2', '0.1300', 'Portal', A.email],
      [String(ids.m5), '2026-03-30T00:00:00+03:00', 'RepA', '+359888000009', 'Queued', '409', '1', '0.0650', 'Portal', A.email],
      [String(ids.m6), '2026-03-30T23:59:59+03:00', 'RepA', '+359888000009', 'Delivered', '404', '1', '0.0650', 'API', A.email],
    ]);
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'ready', rowsDone: 4 });
    expect(run.expiresAt!.getTime() - run.finishedAt!.getTime()).toBe(30 * 86_400_000);
  });

  it('content, IDX, contact fields and short links when chosen (user text neutralised)', async () => {
    const runId = await makeAndGenerate(
      A,
      base('detailed', { includeContent: true, enrichments: { idx: true, contacts: true, shortLinks: true } }),
    );
    const { rows } = parseCsv(await fileOf(runId));
    expect(rows[0].slice(10)).toEqual([
      'Content',
      'IDX',
      'First name',
      'Last name',
      'E-mail',
      'Groups',
      'Tier',
      'Клиент от',
      'Short link',
      'Link target',
      'Clicks',
      'First click',
      'Last click',
    ]);
    expect(rows.length).toBe(7); // header + 6 messages (bulk included)
    expect(rows[1].slice(10)).toEqual([
      "'=cmd|x",
      'X1',
      'Иван',
      "'=Petrov",
      'ivan@example.com',
      'A-list; VIP',
      "'=gold",
      '2024-05-01',
      'abc123',
      'https://example.com/x',
      '2',
      '2026-03-28T10:00:00+02:00',
      '2026-03-29T11:00:00+03:00',
    ]);
    expect(rows[2].slice(10)).toEqual(['msg m2', '', '', '', '', '', '', '', '', '', '0', '', '']);
    expect(rows.map((r) => r[0]).slice(1)).toEqual([ids.m1, ids.m2, ids.m3, ids.m4, ids.m5, ids.m6].map(String));
  });
});

describe('short report', () => {
  it('one row per local day (the 23 h day included) with counts per status, parts and points', async () => {
    const runId = await makeAndGenerate(A, base('short'));
    const { rows } = parseCsv(await fileOf(runId));
    const header = rows[0];
    expect(header.slice(0, 2)).toEqual(['Date', 'Messages']);
    expect(header.slice(-2)).toEqual(['Parts', 'Points']);
    const byDay = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(byDay.map((d) => [d.Date, d.Messages, d['Delivered 404'], d['Undelivered 405'], d['Sent 403'], d['Queued 409'], d.Parts, d.Points])).toEqual([
      ['2026-03-28', '1', '1', '0', '0', '0', '1', '0.0650'],
      ['2026-03-29', '3', '1', '1', '1', '0', '4', '0.2600'],
      ['2026-03-30', '2', '1', '0', '0', '1', '2', '0.1300'],
    ]);
    const noBulk = parseCsv(await fileOf(await makeAndGenerate(A, base('short', { includeBulk: false })))).rows;
    expect(noBulk[2].slice(0, 2)).toEqual(['2026-03-29', '1']);
  });
});

describe('group report', () => {
  it('one row per campaign created in the period with counts from campaign_status_counts', async () => {
    const runId = await makeAndGenerate(A, base('group'));
    const { rows } = parseCsv(await fileOf(runId));
    expect(rows).toEqual([
      // Points spent net of the refund, which stands beside them.
      ['Campaign ID', 'Follow-up of campaign', 'Campaign', 'Sender', 'Created', 'State', 'Recipients', 'Skipped opted out', 'Parts per message', 'Points spent', 'Points refunded', 'Delivered', 'Undelivered', 'Pending', 'Stopped'],
      [campaignId, '', 'Пролет', 'RepA', '2026-03-29T13:00:00+03:00', 'completed', '2', '0', '1', '0.0650', '0.0650', '1', '0', '1', '0'],
    ]);
    // B has no campaigns: header only.
    const empty = parseCsv(await fileOf(await makeAndGenerate(B, base('group')))).rows;
    expect(empty.length).toBe(1);
  });
});

describe('definitions', () => {
  it('validates requests with clear messages', async () => {
    const bad = (input: object) => createReport(A.account.id, A.id, input, NOW);
    await expect(bad(base('detailed', { format: 'pdf' }))).rejects.toThrow(/PDF is available for short and group reports only/);
    await expect(bad(base('detailed', { name: '' }))).rejects.toMatchObject({ code: 'text_required', field: 'name' });
    await expect(bad(base('detailed', { emails: ['a@example.com\r\nBcc: x@evil.com'] }))).rejects.toMatchObject({ code: 'email_invalid', field: 'emails.0' });
    await expect(bad(base('detailed', { emails: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`) }))).rejects.toThrow(/At most 10/);
    await expect(bad(base('detailed', { period: { kind: 'custom', from: '2026-04-01', to: '2026-04-09' } }))).rejects.toThrow(/future/);
    await expect(bad(base('detailed', { extra: 1 }))).rejects.toThrow();
    await expect(bad({ ...base('short'), method: 'periodic', period: undefined })).rejects.toThrow(/frequency/);
  });

  it('estimates rows with a capped count', async () => {
    expect(await estimateRows(A.account.id, base('detailed'), NOW)).toEqual({ rows: 6, capped: false });
    expect(await estimateRows(A.account.id, base('detailed'), NOW, 3)).toEqual({ rows: 3, capped: true });
    expect(await estimateRows(A.account.id, base('short'), NOW)).toEqual({ rows: 3, capped: false });
    expect(await estimateRows(A.account.id, base('group'), NOW)).toEqual({ rows: 1, capped: false });
  });

  it('a periodic definition runs once per period however often the scheduler runs', async () => {
    const { definitionId, nextRunAt } = await createReport(
      A.account.id,
      A.id,
      { method: 'periodic', frequency: 'daily', type: 'short', format: 'csv', name: 'Daily' },
      new Date('2026-03-29T12:00:00Z'),
    );
    expect(nextRunAt!.toISOString()).toBe('2026-03-30T03:00:00.000Z');
    const at = new Date('2026-03-30T03:00:30Z');
    expect(await scheduleDueReports(at)).toBeGreaterThanOrEqual(1);
    expect(await scheduleDueReports(at)).toBe(0);
    const runs = await db.select().from(reportRuns).where(eq(reportRuns.definitionId, definitionId));
    expect(runs.map((r) => [r.periodStart.toISOString(), r.periodEnd.toISOString()])).toEqual([
      ['2026-03-28T22:00:00.000Z', '2026-03-29T21:00:00.000Z'],
    ]);
    const jobs = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker._private_jobs where payload->>'runId' = ${runs[0].id}`,
    );
    expect(jobs[0].n).toBe(1);
  });

  it('lists the account runs only', async () => {
    const mine = (await listRuns(A.account.id)).rows;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.name)).toBe(true);
    const theirs = (await listRuns(B.account.id)).rows;
    expect(theirs.some((r) => mine.some((m) => m.id === r.id))).toBe(false);
  });
});

describe('downloads', () => {
  it('serves a ready run to its account with Content-Length and safe headers; 404 otherwise', async () => {
    const runId = await makeAndGenerate(A, base('detailed'));
    const run = await runOf(runId);
    const res = await get(A, runId);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(run.sizeBytes);
    expect(res.headers.get('Content-Length')).toBe(String(run.sizeBytes));
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.csv"; filename\*=UTF-8''/);
    expect(body.toString('utf8').slice(1)).toBe(await fileOf(runId));

    expect((await get(B, runId)).status).toBe(404);
    expect((await get(null, runId)).status).toBe(401);
    expect((await get(A, 'not-a-uuid')).status).toBe(404);
    expect((await get(A, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('streams a multi-chunk file in order', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('detailed', { includeContent: true }), NOW);
    expect(await generateRun(runId!, { chunkBytes: 256 })).toBe('ready');
    const chunks = await db.$count(reportFileChunks, eq(reportFileChunks.runId, runId!));
    expect(chunks).toBeGreaterThan(2);
    const res = await get(A, runId!);
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8').slice(1)).toBe(await fileOf(runId!));
  });

  it('an expired run is 404 and cleanup deletes its chunks', async () => {
    const runId = await makeAndGenerate(A, base('short'));
    await db.update(reportRuns).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(reportRuns.id, runId));
    expect((await get(A, runId)).status).toBe(404);
    expect(await cleanupExpiredRuns()).toBeGreaterThan(0);
    expect(await db.$count(reportFileChunks, eq(reportFileChunks.runId, runId))).toBe(0);
  });
});

describe('crash, retry and cancel', () => {
  it('a failure mid-stream leaves no ready run and no file; the retry starts over', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('detailed', { includeContent: true }), NOW);
    let seen = -1;
    await expect(
      generateRun(runId!, {
        chunkBytes: 256,
        afterChunk: async (seq) => {
          seen = seq;
          // While generating, the partial file is not downloadable.
          expect((await get(A, runId!)).status).toBe(404);
          if (seq === 1) throw new Error('worker died');
        },
      }),
    ).rejects.toThrow('worker died');
    expect(seen).toBe(1);
    expect(await runOf(runId!)).toMatchObject({ status: 'failed', error: 'worker died' });
    expect(await db.$count(reportFileChunks, eq(reportFileChunks.runId, runId!))).toBe(0);
    expect((await get(A, runId!)).status).toBe(404);
    expect(await generateRun(runId!)).toBe('ready');
    expect((await get(A, runId!)).status).toBe(200);
  });

  it('a run left "generating" by a killed worker is never served and is re-enqueued, then regenerated from scratch', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('detailed'), NOW);
    // What a SIGKILL leaves: status generating, some chunks, no lock holder.
    await db.update(reportRuns).set({ status: 'generating', rowsDone: 1 }).where(eq(reportRuns.id, runId!));
    await db.insert(reportFileChunks).values({ runId: runId!, seq: 0, data: Buffer.from('partial') });
    expect((await get(A, runId!)).status).toBe(404);
    await db.execute(sql`select graphile_worker.remove_job(${`report:${runId}`})`);
    expect(await recoverStalledRuns()).toBeGreaterThanOrEqual(1);
    const jobs = await db.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker._private_jobs where key = ${`report:${runId}`}`);
    expect(jobs[0].n).toBe(1);
    expect(await generateRun(runId!)).toBe('ready');
    const text = await fileOf(runId!);
    expect(text).not.toContain('partial');
    expect(parseCsv(text).rows.length).toBe(7);
  });

  it('cancel stops generation between chunks and removes the file; another account cannot cancel', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('detailed', { includeContent: true }), NOW);
    expect(await cancelRun(B.account.id, runId!)).toBe(false);
    let chunksSeen = 0;
    const outcome = await generateRun(runId!, {
      chunkBytes: 256,
      afterChunk: async (seq) => {
        chunksSeen = seq + 1;
        if (seq === 0) expect(await cancelRun(A.account.id, runId!)).toBe(true);
      },
    });
    expect(outcome).toBe('cancelled');
    expect(chunksSeen).toBe(1);
    expect((await runOf(runId!)).status).toBe('cancelled');
    expect(await db.$count(reportFileChunks, eq(reportFileChunks.runId, runId!))).toBe(0);
    expect(await generateRun(runId!)).toBe('skipped');
    expect((await get(A, runId!)).status).toBe(404);
  });
});

describe('signed links', () => {
  it('serve the run without a session; tampered 403, expired 410, cancelled or other account 404', async () => {
    const runId = await makeAndGenerate(A, base('short'));
    session.user = null;
    const fetchToken = (token: string) => signedDownload(new Request(`http://localhost/r/${token}`), { params: Promise.resolve({ token }) });
    const { token } = signReportLink(runId, A.account.id);
    expect((await fetchToken(token)).status).toBe(200);

    // The account id in the token must match the run's: a valid link for B naming A's run is 404.
    expect((await fetchToken(signReportLink(runId, B.account.id).token)).status).toBe(404);
    const parts = token.split('.');
    expect((await fetchToken([parts[0], String(B.account.id), ...parts.slice(2)].join('.'))).status).toBe(403);

    const past = signReportLink(runId, A.account.id, { seconds: 60, now: new Date(Date.now() - 120_000) });
    expect((await fetchToken(past.token)).status).toBe(410);

    await db.update(reportRuns).set({ status: 'cancelled' }).where(eq(reportRuns.id, runId));
    expect((await fetchToken(token)).status).toBe(404);
  });
});
