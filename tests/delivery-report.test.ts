import zlib from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { messages, users } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { planSend, submitSend } from '@/lib/messaging/send';
import { campaignCsvColumns } from '@/lib/campaigns/delivery-report/csv';
import { isFormulaLike, neutralize, runningExports } from '@/lib/files/csv';
import { CSV_PAYLOADS, parseCsv } from '@/lib/files/csv-testing';
import { closePdfWorkers } from '@/lib/files/pdf';
import { GET as getCsv } from '@/app/(app)/bulk/[id]/delivery-report.csv/route';
import { GET as getPdf } from '@/app/(app)/bulk/[id]/delivery-report.pdf/route';
import { makeAccount } from './fixtures/accounts';
import { session } from './fixtures/session';

// The only mock: it stands in for the session cookie. Everything else is real (database, COPY,
// the PDF worker).
vi.mock('@/lib/auth', () => import('./fixtures/session'));

const HEADER = campaignCsvColumns('en').header;

const CONTENT = '=HYPERLINK("http://x","y"), здравейте "клиент"\r\nред 2';
const CAMPAIGN_NAME = 'Пролет "2026"\r\nX-Evil: 1';
// Payloads as IDX values, one per recipient (sender names are limited by a CHECK constraint).
const IDX = CSV_PAYLOADS.filter((p) => p !== '');

type Fixture = { owner: SessionUser; campaignId: string; email: string };
let fx: Fixture;
let other: SessionUser;

function call(handler: typeof getCsv, id: string, headers: Record<string, string> = {}) {
  const url = `http://localhost/bulk/${encodeURIComponent(id)}/delivery-report`;
  return handler(new Request(url, { headers }), { params: Promise.resolve({ id }) });
}

async function sessionFor(userId: number): Promise<SessionUser> {
  const user = await loadSessionUser(userId, await startSession(userId));
  if (!user) throw new Error('no user');
  return user;
}

beforeAll(async () => {
  const { account, user } = await makeAccount('Report A', 1000);
  const recipients = IDX.map((_, i) => `+35988${String(2_000_000 + i).padStart(7, '0')}`);
  const plan = await planSend({
    accountId: account.id,
    userId: user.id,
    source: 'portal',
    sender: 'ReportA',
    content: CONTENT,
    recipients,
    idx: IDX,
    campaign: { name: CAMPAIGN_NAME, rate: 10 },
  });
  const { campaignId } = await submitSend(plan);
  // Some outcomes: the first three delivered (with times), one undelivered, one still sent.
  await db.execute(sql`
    update messages set status = 404, sent_at = '2026-03-29 10:00:00+00', done_at = '2026-03-29 10:00:00+00'::timestamptz + (n || ' seconds')::interval
      from (select id, row_number() over (order by id) as n from messages where campaign_id = ${campaignId!}) o
     where messages.id = o.id and o.n <= 3`);
  await db.execute(sql`
    update messages set status = 405, sent_at = now(), done_at = now()
     where id = (select id from messages where campaign_id = ${campaignId!} order by id offset 3 limit 1)`);
  await db.execute(sql`
    update messages set status = 403, sent_at = now()
     where id = (select id from messages where campaign_id = ${campaignId!} order by id offset 4 limit 1)`);
  fx = { owner: await sessionFor(user.id), campaignId: campaignId!, email: user.email };
  const b = await makeAccount('Report B');
  other = await sessionFor(b.user.id);
});

afterAll(async () => {
  await closePdfWorkers();
});

describe('delivery-report.csv', () => {
  it('streams one row per message, RFC 4180 with a BOM, every payload neutralised', async () => {
    session.user = fx.owner;
    const response = await call(getCsv, fx.campaignId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="delivery-report-2\d{3}-\d\d-\d\d-2026_X-Evil_1\.csv"; filename\*=UTF-8''delivery-report-/);
    expect(disposition).toContain(encodeURIComponent('Пролет'));
    expect(disposition).not.toMatch(/[\r\n]/);

    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3));
    const { rows, raw } = parseCsv(text);
    expect(rows[0]).toEqual(HEADER);
    const body = rows.slice(1);
    expect(body).toHaveLength(IDX.length);
    const col = (name: string) => HEADER.indexOf(name);

    // Excel-safe: no cell anywhere starts a formula but a number in E.164 ("+" and digits), and
    // each neutralised cell is quoted.
    for (const cell of rows.flat()) expect(isFormulaLike(cell) && !/^[+][1-9]\d{1,14}$/.test(cell), cell).toBe(false);
    expect(body.map((r) => r[col('IDX')])).toEqual(IDX.map(neutralize));
    expect(new Set(body.map((r) => r[col('Content')]))).toEqual(new Set([neutralize(CONTENT)]));
    for (const rawRow of raw.slice(1)) {
      for (const name of ['Recipient', 'Sender', 'Login', 'IDX', 'Content'] as const) expect(rawRow[col(name)]).toMatch(/^".*"$/s);
    }

    const stored = await db.select().from(messages).where(eq(messages.campaignId, fx.campaignId)).orderBy(messages.id);
    expect(body.map((r) => r[col('Message ID')])).toEqual(stored.map((m) => String(m.id)));
    // A number in E.164 cannot be a formula: written as it is.
    expect(body.map((r) => r[col('Recipient')])).toEqual(stored.map((m) => m.recipient));
    expect(body.map((r) => r[col('Points')])).toEqual(stored.map((m) => (m.points / 10_000).toFixed(4)));
    expect(body.every((r) => r[col('Sender')] === 'ReportA' && r[col('Login')] === fx.email)).toBe(true);
    expect(body.slice(0, 6).map((r) => [r[col('Status')], r[col('Status code')]])).toEqual([
      ['Delivered', '404'],
      ['Delivered', '404'],
      ['Delivered', '404'],
      ['Undelivered', '405'],
      ['Sent', '403'],
      ['Queued', '409'],
    ]);
    // ISO 8601 in the account's zone (Europe/Sofia: +03:00 from 29 March 2026).
    expect(body[0][col('Sent at')]).toBe('2026-03-29T13:00:00+03:00');
    expect(body[0][col('Delivered at')]).toBe('2026-03-29T13:00:01+03:00');
    expect(body[3][col('Sent at')]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(body[3][col('Delivered at')]).toBe('');
    expect(body[5][col('Sent at')]).toBe('');
    expect(body[0][col('Parts')]).toBe(String(stored[0].parts));
    expect(runningExports()).toBe(0);
  });
});

describe('delivery-report.pdf', () => {
  it('renders the summary in Bulgarian with an embedded Cyrillic font, off the request thread', async () => {
    await db.update(users).set({ language: 'bg' }).where(eq(users.id, fx.owner.id));
    session.user = await sessionFor(fx.owner.id);
    // The event loop keeps turning while the worker renders (a cold start included).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const started = performance.now();
    const response = await call(getPdf, fx.campaignId);
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    expect(response.status).toBe(200);
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(elapsed / 20)));
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="delivery-report-[^"\r\n]*\.pdf"; filename\*=UTF-8''/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(Number(response.headers.get('content-length'))).toBe(pdf.length);

    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Отчет за доставка'.toUpperCase());
    expect(text).toContain('Пролет "2026" X-Evil: 1');
    expect(text).toContain('здравейте "клиент"');
    expect(text).toContain('Доставено');
    expect(text).toContain('Недоставено');
    expect(text).toContain('Медиана');
    expect(text).toContain('2 сек'); // median of 1, 2 and 3 seconds
  });

  it('follows Accept-Language when the user has no language set', async () => {
    await db.update(users).set({ language: null }).where(eq(users.id, fx.owner.id));
    session.user = await sessionFor(fx.owner.id);
    const response = await call(getPdf, fx.campaignId, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(response.status).toBe(200);
    const text = pdfText(Buffer.from(await response.arrayBuffer())).replace(/\s+/g, ' ');
    expect(text).toContain('DELIVERY REPORT');
    expect(text).toContain('Messages by status');
    expect(text).toContain('Delivered');
  });
});

describe('tenant isolation', () => {
  const handlers = [
    ['csv', getCsv],
    ['pdf', getPdf],
  ] as const;

  it.each(handlers)('%s: 401 and no body without a session', async (_kind, handler) => {
    session.user = null;
    const response = await call(handler, fx.campaignId);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
    expect(response.headers.get('content-disposition')).toBeNull();
  });

  it.each(handlers)("%s: another account's campaign or a malformed id is a 404 with nothing streamed", async (_kind, handler) => {
    session.user = other;
    for (const id of [fx.campaignId, fx.campaignId.toUpperCase(), 'not-a-uuid', "' or 1=1 --", '00000000-0000-0000-0000-000000000000']) {
      const response = await call(handler, id);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('');
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('private, no-store');
    }
    expect(runningExports()).toBe(0);
  });
});

/**
 * The text of a PDF as react-pdf writes it: fonts are embedded subsets whose glyph ids are
 * mapped back to Unicode by each font's ToUnicode CMap. Enough for checking what is on the page.
 */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  for (const match of source.matchAll(/(\d+) 0 obj\b([\s\S]*?)endobj/g)) {
    const body = match[2];
    const streamAt = body.search(/stream\r?\n/);
    let stream: Buffer | null = null;
    const dict = streamAt >= 0 ? body.slice(0, streamAt) : body;
    if (streamAt >= 0) {
      const start = body.indexOf('\n', streamAt) + 1;
      const data = Buffer.from(body.slice(start, body.lastIndexOf('endstream')), 'latin1');
      stream = /\/FlateDecode/.test(dict) ? zlib.inflateSync(data) : data;
    }
    objects.set(Number(match[1]), { dict, stream });
  }
  // Resource name (/F1) -> ToUnicode map of that font.
  const fonts = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    for (const ref of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const font = objects.get(Number(ref[2]));
      const toUnicode = font?.dict.match(/\/ToUnicode (\d+) 0 R/);
      const cmap = toUnicode ? objects.get(Number(toUnicode[1]))?.stream : null;
      if (cmap) fonts.set(ref[1], parseCMap(cmap.toString('latin1')));
    }
  }
  let text = '';
  for (const { stream } of objects.values()) {
    const content = stream?.toString('latin1') ?? '';
    if (!/\bBT\b/.test(content)) continue;
    let font: Map<number, string> | undefined;
    for (const token of content.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-fA-F]*)>|\bET\b/g)) {
      if (token[1]) font = fonts.get(token[1]);
      else if (token[2] !== undefined && font) {
        for (let i = 0; i + 4 <= token[2].length; i += 4) text += font.get(parseInt(token[2].slice(i, i + 4), 16)) ?? '';
      } else text += '\n';
    }
  }
  return text;
}

function parseCMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const unicode = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const line of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const from = parseInt(line[1], 16);
      const to = parseInt(line[2], 16);
      if (line[3].startsWith('[')) {
        [...line[3].matchAll(/<([0-9a-fA-F]+)>/g)].forEach((m, i) => map.set(from + i, unicode(m[1])));
      } else {
        const base = parseInt(line[3].slice(1, -1), 16);
        for (let code = from; code <= to; code++) map.set(code, String.fromCharCode(base + code - from));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const line of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(line[1], 16), unicode(line[2]));
  }
  return map;
}
