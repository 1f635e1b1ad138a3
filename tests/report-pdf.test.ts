import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { messages, reportFileChunks, reportRuns, users } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { closePdfWorkers } from '@/lib/files/pdf';
import { GROUP_PDF_MAX_ROWS, reportPdfModel, type GroupPdfRow } from '@/lib/reports/report-pdf';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { makeAccount } from './fixtures/accounts';
import { insertSpringCampaign } from './fixtures/reports';
import { session } from './fixtures/session';

vi.mock('@/lib/auth', () => import('./fixtures/session'));

const NOW = new Date('2026-04-05T10:00:00Z');
const PERIOD = { kind: 'custom', from: '2026-03-28', to: '2026-03-30' } as const;

let A: SessionUser;

function base(type: 'detailed' | 'short' | 'group', extra: Record<string, unknown> = {}) {
  return { method: 'once', period: PERIOD, type, format: 'pdf', name: `Отчет ${type}`, ...extra };
}

async function fileOf(runId: string): Promise<Buffer> {
  const chunks = await db.select().from(reportFileChunks).where(eq(reportFileChunks.runId, runId)).orderBy(reportFileChunks.seq);
  return Buffer.concat(chunks.map((c) => c.data));
}

async function runOf(id: string) {
  const [run] = await db.select().from(reportRuns).where(eq(reportRuns.id, id));
  return run;
}

function expectPdf(pdf: Buffer) {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
}

beforeAll(async () => {
  const a = await makeAccount('Rep PDF A');
  // The owner reads Bulgarian: the PDF's texts follow the report owner's language.
  await db.update(users).set({ language: 'bg' }).where(eq(users.id, a.user.id));
  A = (await loadSessionUser(a.user.id, await startSession(a.user.id)))!;
  const campaign = await insertSpringCampaign(A);
  const m = (createdAt: string, status: number, campaignId: string | null = null) => ({
    accountId: A.account.id,
    userId: A.id,
    senderName: 'RepA',
    recipient: '+359888000009',
    country: 'BG',
    content: 'здравей',
    encoding: 'gsm7' as const,
    parts: 1,
    points: 650,
    status,
    source: 'portal' as const,
    campaignId,
    createdAt: new Date(createdAt),
  });
  await db.insert(messages).values([
    m('2026-03-27T22:00:00Z', 404),
    m('2026-03-29T00:30:00Z', 405),
    m('2026-03-29T10:00:05Z', 403, campaign.id),
    m('2026-03-29T20:59:00Z', 404, campaign.id),
    m('2026-03-30T20:59:59Z', 404),
  ]);
});

afterAll(async () => {
  await closePdfWorkers();
});

describe('report PDFs', () => {
  it('generates a short report as a PDF, ready with application/pdf, served as .pdf', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('short'), NOW);
    expect(await generateRun(runId!)).toBe('ready');
    const run = await runOf(runId!);
    expect(run.status).toBe('ready');
    expect(run.contentType).toBe('application/pdf');
    expect(run.rowsDone).toBe(3); // three local days
    const pdf = await fileOf(runId!);
    expectPdf(pdf);
    expect(run.sizeBytes).toBe(pdf.length);

    session.user = A;
    const response = await download(new Request(`http://localhost/reports/runs/${runId}/download`), { params: Promise.resolve({ id: runId! }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(/filename="[^"]*\.pdf"/);
    expect(Buffer.from(await response.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('generates a group report as a PDF, in chunks when asked', async () => {
    const { runId } = await createReport(A.account.id, A.id, base('group'), NOW);
    const seen: number[] = [];
    expect(await generateRun(runId!, { chunkBytes: 4096, afterChunk: (seq) => void seen.push(seq) })).toBe('ready');
    const run = await runOf(runId!);
    expect(run.status).toBe('ready');
    expect(run.contentType).toBe('application/pdf');
    expect(run.rowsDone).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
    const pdf = await fileOf(runId!);
    expectPdf(pdf);
    expect(run.sizeBytes).toBe(pdf.length);
  });

  it('still refuses a detailed PDF with a clear message', async () => {
    await expect(createReport(A.account.id, A.id, base('detailed'), NOW)).rejects.toThrow(/PDF is available for short and group reports only/);
  });

  it('texts in the owner language; the group table is capped with "and N more"', () => {
    const row: GroupPdfRow = {
      id: 'x',
      title: 'Кампания',
      sender: 'RepA',
      createdAt: new Date('2026-03-29T10:00:00Z'),
      state: 'completed',
      recipients: 2,
      delivered: 1,
      undelivered: 0,
      pending: 1,
      stopped: 0,
      points: 1300,
      pointsRefunded: 650,
    };
    const period = { start: new Date('2026-03-27T22:00:00Z'), end: new Date('2026-03-30T21:00:00Z'), fromDay: '2026-03-28', toDay: '2026-03-30' };
    const ctx = { timeZone: 'Europe/Sofia', reportName: 'Март', accountName: 'Acme', includeBulk: true, period, now: NOW };
    const data = {
      type: 'group' as const,
      rows: Array.from({ length: GROUP_PDF_MAX_ROWS }, () => row),
      count: GROUP_PDF_MAX_ROWS + 7,
      days: [{ day: '2026-03-29', delivered: 1, undelivered: 0, pending: 1, stopped: 0 }],
      total: { recipients: 2, delivered: 1, undelivered: 0, pending: 1, stopped: 0, points: 1300, pointsRefunded: 650 },
    };
    const bg = reportPdfModel(data, { ...ctx, locale: 'bg' });
    expect(bg.title).toBe('Групов отчет');
    expect(bg.table.rows.length).toBe(GROUP_PDF_MAX_ROWS);
    expect(bg.table.note).toMatch(/още 7 кампании/);
    expect(bg.table.rows[0][3]).toBe('Завършена');
    const en = reportPdfModel(data, { ...ctx, locale: 'en' });
    expect(en.table.note).toMatch(/7 more campaigns/);
    expect(en.table.rows[0][3]).toBe('Completed');
    expect(en.chart.bars).toEqual([[1, 0, 1, 0]]);
    expect(en.orientation).toBe('landscape');
  });
});
