import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { addSenderName } from '@/lib/accounts';
import { decodeCursor } from '@/lib/history/cursor';
import { defaultFilters, parseHistoryFilters, type HistoryAccount, type HistoryFilters } from '@/lib/history/filters';
import { getMessage, listHistorySenders, listMessages, type HistoryPage } from '@/lib/history/query';
import { makeAccount } from './fixtures/accounts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type NewMessage = {
  ago?: number;
  at?: string;
  status?: number;
  sender?: string;
  recipient?: string;
  source?: 'api' | 'portal';
  userId?: number | null;
  campaignId?: string | null;
  idx?: string | null;
  errorCode?: number | null;
  doneAt?: Date | null;
  content?: string;
};

/** Inserts messages with explicit created_at (`ago` ms before now, or an ISO instant `at`); returns their ids in order. */
async function add(accountId: number, sender: string, list: NewMessage[]): Promise<number[]> {
  const now = Date.now();
  const rows = await db
    .insert(messages)
    .values(
      list.map((m) => ({
        accountId,
        userId: m.userId ?? null,
        campaignId: m.campaignId ?? null,
        senderName: m.sender ?? sender,
        recipient: m.recipient ?? '+359888123456',
        country: 'BG',
        content: m.content ?? 'Здравейте',
        encoding: 'ucs2' as const,
        parts: 1,
        points: 650,
        status: m.status ?? 404,
        source: m.source ?? 'api',
        idx: m.idx ?? null,
        errorCode: m.errorCode ?? null,
        doneAt: m.doneAt ?? null,
        createdAt: m.at ? new Date(m.at) : new Date(now - (m.ago ?? 0)),
      })),
    )
    .returning({ id: messages.id });
  return rows.map((r) => r.id);
}

const ids = (page: HistoryPage) => page.rows.map((r) => r.id);
const list = (accountId: number, overrides: Partial<HistoryFilters> = {}) => listMessages(accountId, defaultFilters(overrides));

function filtersFor(account: HistoryAccount, params: Record<string, string | string[]>): HistoryFilters {
  const parsed = parseHistoryFilters(params, account);
  if (!parsed.ok) throw new Error(`invalid filters: ${JSON.stringify(parsed.errors)}`);
  return parsed.filters;
}

async function historyAccount(name: string) {
  const made = await makeAccount(name);
  const senderNames = await listHistorySenders(made.account.id);
  return { ...made, sender: senderNames[0], facts: { country: 'BG', timeZone: 'Europe/Sofia', senderNames } satisfies HistoryAccount };
}

describe('the default window', () => {
  it('holds the last 24 hours, and 4 days for messages awaiting a delivery report', async () => {
    const { account, sender } = await historyAccount('WindowA');
    const [deliveredIn, deliveredOut, sentIn, sentOut, queuedIn, acceptedIn, renewalIn, renewalOut, finalOld, undeliveredOld, fresh] = await add(
      account.id,
      sender,
      [
        { ago: 23 * HOUR + 59 * MINUTE, status: 404 },
        { ago: 24 * HOUR + 1 * MINUTE, status: 404 },
        { ago: 3 * DAY + 23 * HOUR, status: 403 },
        { ago: 4 * DAY + 1 * MINUTE, status: 403 },
        { ago: 2 * DAY, status: 409 },
        { ago: 3 * DAY + 12 * HOUR, status: 410 },
        { ago: 25 * HOUR, status: 411 },
        { ago: 5 * DAY, status: 411 },
        { ago: 2 * DAY, status: 404 },
        { ago: 2 * DAY, status: 405 },
        { ago: 10 * MINUTE, status: 403 },
      ],
    );
    const page = await list(account.id);
    // Newest first; a pending message inside 24 hours comes once, not from both branches.
    expect(ids(page)).toEqual([fresh, deliveredIn, renewalIn, queuedIn, acceptedIn, sentIn]);
    for (const out of [deliveredOut, sentOut, renewalOut, finalOld, undeliveredOld]) expect(ids(page)).not.toContain(out);
    expect(page.olderCursor).toBeNull();
    expect(page.newerCursor).toBeNull();
  });

  it('applies a status filter to both parts of the window', async () => {
    const { account, sender } = await historyAccount('WindowB');
    const [sentOld, sentNew, delivered, queuedOld] = await add(account.id, sender, [
      { ago: 3 * DAY, status: 403 },
      { ago: HOUR, status: 403 },
      { ago: HOUR, status: 404 },
      { ago: 3 * DAY + HOUR, status: 409 },
    ]);
    expect(ids(await list(account.id, { statuses: [403] }))).toEqual([sentNew, sentOld]);
    expect(ids(await list(account.id, { statuses: [404] }))).toEqual([delivered]);
    expect(ids(await list(account.id, { statuses: [403, 409] }))).toEqual([sentNew, sentOld, queuedOld]);
  });
});

describe('filters', () => {
  it('filters by sender name, exactly', async () => {
    const { account, sender, facts } = await historyAccount('SenderA');
    await addSenderName(account.id, 'Second');
    const [first, second] = await add(account.id, sender, [{ ago: HOUR }, { ago: HOUR, sender: 'Second' }]);
    const names = await listHistorySenders(account.id);
    expect(names).toEqual(['Second', 'SenderA']);
    expect(ids(await listMessages(account.id, filtersFor({ ...facts, senderNames: names }, { sender: 'Second' })))).toEqual([second]);
    expect(ids(await listMessages(account.id, filtersFor({ ...facts, senderNames: names }, { sender: 'SenderA' })))).toEqual([first]);
  });

  it('offers sender names found in the history even when no longer approved', async () => {
    const { account, sender } = await historyAccount('SenderB');
    await add(account.id, sender, [{ ago: HOUR, sender: 'Withdrawn' }, { ago: 2 * HOUR, sender: 'Withdrawn' }, { ago: HOUR }]);
    expect(await listHistorySenders(account.id)).toEqual(['SenderB', 'Withdrawn']);
  });

  it('finds a recipient however the number is typed, whole or its beginning', async () => {
    const { account, sender, facts } = await historyAccount('RecipA');
    const [a, b, c, uk] = await add(account.id, sender, [
      { ago: 1 * HOUR, recipient: '+359888123456' },
      { ago: 2 * HOUR, recipient: '+359888999000' },
      { ago: 3 * HOUR, recipient: '+359899123456' },
      { ago: 4 * HOUR, recipient: '+447700900123' },
    ]);
    const find = async (recipient: string) => ids(await listMessages(account.id, filtersFor(facts, { recipient })));
    expect(await find('0888123456')).toEqual([a]);
    expect(await find('0888 123 456')).toEqual([a]);
    expect(await find('+359888123456')).toEqual([a]);
    expect(await find('359888123456')).toEqual([a]);
    expect(await find('00359888123456')).toEqual([a]);
    expect(await find('+35988')).toEqual([a, b]);
    expect(await find('35988')).toEqual([a, b]);
    expect(await find('088')).toEqual([a, b]);
    expect(await find('0888 1')).toEqual([a]);
    expect(await find('089')).toEqual([c]);
    expect(await find('+359')).toEqual([a, b, c]);
    expect(await find('+44')).toEqual([uk]);
    expect(await find('0877')).toEqual([]);
  });

  it('filters by one or more statuses and by source', async () => {
    const { account, sender, facts } = await historyAccount('StatusA');
    const [delivered, undelivered, failed, portal] = await add(account.id, sender, [
      { ago: HOUR, status: 404 },
      { ago: 2 * HOUR, status: 405 },
      { ago: 3 * HOUR, status: 406 },
      { ago: 4 * HOUR, status: 404, source: 'portal' },
    ]);
    const find = async (params: Record<string, string | string[]>) => ids(await listMessages(account.id, filtersFor(facts, params)));
    expect(await find({ status: '405' })).toEqual([undelivered]);
    expect(await find({ status: ['405', '406'] })).toEqual([undelivered, failed]);
    expect(await find({ status: '404,406' })).toEqual([delivered, failed, portal]);
    expect(await find({ source: 'portal' })).toEqual([portal]);
    expect(await find({ source: 'api' })).toEqual([delivered, undelivered, failed]);
    expect(await find({ source: 'portal', status: '405' })).toEqual([]);
  });

  it('takes whole days in Europe/Sofia, including the 25-hour and 23-hour DST days', async () => {
    const { account, sender, facts } = await historyAccount('RangeA');
    const [before, startOfDay, endOfDay, after, springIn, springOut] = await add(account.id, sender, [
      { at: '2025-10-25T20:59:59.999Z' }, // 25 Oct 23:59:59.999 (+03:00)
      { at: '2025-10-25T21:00:00.000Z' }, // 26 Oct 00:00 (+03:00)
      { at: '2025-10-26T21:59:59.999Z' }, // 26 Oct 23:59:59.999 (+02:00): 25 hours later
      { at: '2025-10-26T22:00:00.000Z' }, // 27 Oct 00:00
      { at: '2025-03-30T20:59:59.000Z' }, // 30 Mar 23:59:59 (+03:00)
      { at: '2025-03-30T21:00:00.000Z' }, // 31 Mar 00:00
    ]);
    const find = async (from: string, to: string) => ids(await listMessages(account.id, filtersFor(facts, { from, to })));
    expect(await find('2025-10-26', '2025-10-26')).toEqual([endOfDay, startOfDay]);
    expect(await find('2025-10-25', '2025-10-27')).toEqual([after, endOfDay, startOfDay, before]);
    expect(await find('2025-03-30', '2025-03-30')).toEqual([springIn]);
    expect(await find('2025-03-31', '2025-03-31')).toEqual([springOut]);
    // A range replaces the default window: old final messages show.
    const [old] = await add(account.id, sender, [{ ago: 10 * DAY, status: 404 }]);
    expect(ids(await list(account.id))).not.toContain(old);
    const day = new Date(Date.now() - 10 * DAY).toLocaleDateString('sv-SE', { timeZone: 'Europe/Sofia' });
    expect(ids(await listMessages(account.id, filtersFor(facts, { from: day, to: day })))).toEqual([old]);
  });

  it('shows a whole campaign, however old, and only that campaign', async () => {
    const { account, user, sender, facts } = await historyAccount('CampA');
    const [campaign] = await db
      .insert(campaigns)
      .values({ accountId: account.id, senderName: sender, content: 'x', encoding: 'gsm7', parts: 1, status: 'completed', recipients: 2, points: 1300 })
      .returning({ id: campaigns.id });
    const [inOld, inNew] = await add(account.id, sender, [
      { ago: 30 * DAY, campaignId: campaign.id, userId: user.id },
      { ago: HOUR, campaignId: campaign.id, userId: user.id },
      { ago: HOUR },
    ]);
    expect(ids(await listMessages(account.id, filtersFor(facts, { campaign: campaign.id })))).toEqual([inNew, inOld]);
  });

  it('returns the details: login, content, IDX, error code, delivery time', async () => {
    const { account, user, sender } = await historyAccount('DetailA');
    const doneAt = new Date(Date.now() - 50 * MINUTE);
    const [id, noUser] = await add(account.id, sender, [
      { ago: HOUR, userId: user.id, idx: 'order-7', errorCode: 13, status: 405, doneAt, content: 'Промоция -20%' },
      { ago: 2 * HOUR, source: 'portal' },
    ]);
    const page = await list(account.id);
    expect(page.rows[0]).toEqual({
      id,
      sender,
      recipient: '+359888123456',
      createdAt: expect.any(Date),
      status: 405,
      parts: 1,
      source: 'api',
      points: 650,
      idx: 'order-7',
      errorCode: 13,
      content: 'Промоция -20%',
      login: 'detaila@example.com',
      doneAt,
      campaignId: null,
    });
    expect(page.rows[1]).toMatchObject({ id: noUser, login: null, idx: null, errorCode: null, doneAt: null, source: 'portal' });
  });
});

describe('keyset pages', () => {
  it('walk older and back newer without gaps or repeats, even as new messages arrive', async () => {
    const { account, sender } = await historyAccount('PagesA');
    // 237 messages in groups of three with the very same created_at, groups 1 µs apart: ties are
    // broken by id, and sub-millisecond steps survive the cursor.
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
      select ${account.id}, ${sender}, '+359888' || lpad(g::text, 6, '0'), 'BG', 'm' || g, 'gsm7', 1, 650, 404, 'api',
             date_trunc('milliseconds', now()) - interval '1 hour' - (g / 3) * interval '1 microsecond'
      from generate_series(1, 237) g`);
    const expected = (
      await db.execute<{ id: string }>(sql`select id::text from messages where account_id = ${account.id} order by created_at desc, id desc`)
    ).map((r) => Number(r.id));
    expect(expected).toHaveLength(237);

    const pages: HistoryPage[] = [await list(account.id)];
    let arrived: number[] = [];
    while (pages.at(-1)!.olderCursor) {
      if (pages.length === 2) arrived = await add(account.id, sender, [{ ago: 0 }, { ago: 0 }, { ago: 0 }]);
      pages.push(await list(account.id, { cursor: decodeCursor(pages.at(-1)!.olderCursor!) }));
    }
    expect(pages.map((p) => p.rows.length)).toEqual([50, 50, 50, 50, 37]);
    expect(pages.flatMap(ids)).toEqual(expected);
    expect(pages[0].newerCursor).toBeNull();
    expect(pages.slice(1).every((p) => p.newerCursor)).toBe(true);

    // Back again, newer page by newer page: the same pages.
    let back = pages.at(-1)!;
    for (let i = pages.length - 2; i >= 0; i--) {
      back = await list(account.id, { cursor: decodeCursor(back.newerCursor!), direction: 'newer' });
      expect(ids(back), `page ${i}`).toEqual(ids(pages[i]));
      expect(back.olderCursor).not.toBeNull();
    }
    // ...and past the first page, the messages that arrived meanwhile.
    expect(back.newerCursor).not.toBeNull();
    const newest = await list(account.id, { cursor: decodeCursor(back.newerCursor!), direction: 'newer' });
    expect(ids(newest)).toEqual([...arrived].reverse());
    expect(newest.newerCursor).toBeNull();
    expect(newest.olderCursor).not.toBeNull();
  });

  it('pages through a date range and through a filter too', async () => {
    const { account, sender, facts } = await historyAccount('PagesB');
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
      select ${account.id}, ${sender}, case when g % 2 = 0 then '+359888000001' else '+359899000001' end, 'BG', 'm', 'gsm7', 1, 650,
             case when g % 3 = 0 then 405 else 404 end, 'api', timestamptz '2026-01-15 12:00:00+02' - g * interval '7 minutes'
      from generate_series(1, 300) g`);
    const walk = async (params: Record<string, string>) => {
      const seen: number[] = [];
      let filters = filtersFor(facts, params);
      for (;;) {
        const page = await listMessages(account.id, filters);
        seen.push(...ids(page));
        if (!page.olderCursor) return seen;
        filters = { ...filters, cursor: decodeCursor(page.olderCursor) };
      }
    };
    const expected = async (where: ReturnType<typeof sql>) =>
      (
        await db.execute<{ id: string }>(sql`select id::text from messages where account_id = ${account.id} and ${where} order by created_at desc, id desc`)
      ).map((r) => Number(r.id));
    expect(await walk({ from: '2026-01-14', to: '2026-01-15' })).toEqual(await expected(sql`true`));
    expect(await walk({ from: '2026-01-14', to: '2026-01-15', recipient: '0888', size: '100' })).toEqual(
      await expected(sql`recipient = '+359888000001'`),
    );
    expect(await walk({ from: '2026-01-14', to: '2026-01-15', status: '405' })).toEqual(await expected(sql`status = 405`));
  });

  it('caps the page size at 100', async () => {
    const { account, sender, facts } = await historyAccount('SizeA');
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
      select ${account.id}, ${sender}, '+359888000001', 'BG', 'm', 'gsm7', 1, 650, 404, 'api', now() - g * interval '1 second'
      from generate_series(1, 150) g`);
    expect((await listMessages(account.id, filtersFor(facts, {}))).rows).toHaveLength(50);
    expect((await listMessages(account.id, filtersFor(facts, { size: '100' }))).rows).toHaveLength(100);
    // Called directly with more, it still returns 100 at most.
    const huge = await list(account.id, { pageSize: 10_000 as never });
    expect(huge.rows).toHaveLength(100);
    expect(huge.olderCursor).not.toBeNull();
    expect(parseHistoryFilters({ size: '1000' }, facts)).toMatchObject({ ok: false, errors: [{ field: 'size', code: 'invalid_page_size' }] });
  });
});

describe('bad input', () => {
  it('comes back as validation errors, never as a crash or a query', async () => {
    const { facts } = await historyAccount('BadA');
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ recipient: "0888' or 1=1 --" }, 'recipient', 'invalid_recipient'],
      [{ recipient: '%' }, 'recipient', 'invalid_recipient'],
      [{ sender: "x' or '1'='1" }, 'sender', 'unknown_sender'],
      [{ status: '1; drop table messages' }, 'status', 'invalid_status'],
      [{ source: 'sms' }, 'source', 'invalid_source'],
      [{ from: '2026-02-31' }, 'from', 'invalid_date'],
      [{ from: '2026-03-02', to: '2026-03-01' }, 'to', 'range_order'],
      [{ from: '2024-01-01', to: '2026-01-01' }, 'from', 'range_too_long'],
      [{ campaign: 'abc' }, 'campaign', 'invalid_campaign'],
      [{ size: '5000' }, 'size', 'invalid_page_size'],
      [{ cursor: 'garbage' }, 'cursor', 'invalid_cursor'],
    ];
    for (const [params, field, code] of cases) {
      expect(parseHistoryFilters(params, facts), JSON.stringify(params)).toMatchObject({ ok: false, errors: [{ field, code }] });
    }
  });
});

describe('account isolation', () => {
  it('never shows another account’s messages, whatever the filters or cursor', async () => {
    const a = await historyAccount('IsoA');
    const b = await historyAccount('IsoB');
    await addSenderName(a.account.id, 'Shared');
    await addSenderName(b.account.id, 'Shared');
    const [campaignB] = await db
      .insert(campaigns)
      .values({ accountId: b.account.id, senderName: 'Shared', content: 'x', encoding: 'gsm7', parts: 1, status: 'completed', recipients: 1, points: 650 })
      .returning({ id: campaigns.id });
    const mine = await add(a.account.id, 'Shared', [{ ago: HOUR }, { ago: 2 * DAY, status: 403 }, { ago: 30 * DAY }]);
    const theirs = await add(b.account.id, 'Shared', [
      { ago: HOUR - MINUTE },
      { ago: 2 * DAY, status: 403 },
      { ago: 30 * DAY },
      { ago: HOUR, campaignId: campaignB.id },
    ]);
    const senderNames = await listHistorySenders(a.account.id);
    expect(senderNames).toEqual(['IsoA', 'Shared']);
    const facts = { ...a.facts, senderNames };
    const day30 = new Date(Date.now() - 30 * DAY).toLocaleDateString('sv-SE', { timeZone: 'Europe/Sofia' });
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Sofia' });
    const theirPage = await list(b.account.id);
    const variants: Record<string, string | string[]>[] = [
      {},
      { sender: 'Shared' },
      { recipient: '0888123456' },
      { recipient: '+359' },
      { status: '403' },
      { status: ['404', '403'] },
      { source: 'api' },
      { from: day30, to: today },
      { from: day30, to: today, sender: 'Shared', recipient: '088', size: '100' },
      { campaign: campaignB.id },
      { cursor: theirPage.rows.length ? encodeFirst(theirPage) : '' },
      { cursor: encodeFirst(theirPage), dir: 'newer' },
    ];
    for (const params of variants) {
      const page = await listMessages(a.account.id, filtersFor(facts, params));
      for (const id of theirs) expect(ids(page), JSON.stringify(params)).not.toContain(id);
      for (const id of ids(page)) expect(mine).toContain(id);
    }
    // B's view is B's alone as well.
    for (const id of mine) expect(ids(await list(b.account.id, { range: filtersFor(facts, { from: day30, to: today }).range }))).not.toContain(id);
  });
});

function encodeFirst(page: HistoryPage): string {
  // The cursor of a page's newest row (its "newer" link points there).
  const row = page.rows[0];
  return Buffer.from(`${row.createdAt.toISOString()}~${row.id}`).toString('base64url');
}

describe('the message table', () => {
  it('renders a page of rows in the account’s time zone, in English and Bulgarian', async () => {
    const { createElement } = await import('react');
    const { renderToStaticMarkup } = await import('react-dom/server');
    const { NextIntlClientProvider } = await import('next-intl');
    const { MessageTable } = await import('@/app/_components/message-table');
    const { MESSAGES } = await import('@/lib/i18n/messages');
    const { account, user, sender } = await historyAccount('TableA');
    const [id] = await add(account.id, sender, [
      { at: '2025-10-26T21:30:00.000Z', status: 405, userId: user.id, idx: 'inv-1', errorCode: 13, recipient: '+359888123456' },
      { at: '2025-10-26T09:15:00.000Z', status: 403, source: 'portal' },
    ]);
    const page = await listMessages(account.id, defaultFilters({ range: parseRange('2025-10-26') }));
    expect(page.rows.map((r) => r.id)[0]).toBe(id);
    const render = (locale: 'en' | 'bg') =>
      renderToStaticMarkup(
        createElement(NextIntlClientProvider, {
          locale,
          timeZone: 'Europe/Sofia',
          messages: MESSAGES[locale] as Parameters<typeof NextIntlClientProvider>[0]['messages'],
          children: createElement(MessageTable, { rows: page.rows, caption: 'History' }),
        }),
      );
    const en = render('en');
    expect(en).toContain('<table');
    expect(en).toContain('Undelivered');
    expect(en).toContain('Oct 26, 2025, 11:30 PM'); // 21:30 UTC is 23:30 in Sofia (+02:00 after the DST change)
    expect(en).toContain('Oct 26, 2025, 11:15 AM'); // 09:15 UTC is 11:15 (+02:00)
    expect(en).toContain('aria-label="Details of the message to +359888123456');
    expect(en).toContain('0.065');
    // The details are a native popover of the row, its one Tab stop, drawn when it opens
    // in the table's one panel (e2e/history.test.ts opens it): the page does not carry them as HTML too.
    expect(en).toContain('popover="auto"');
    expect(en.match(/<button/g)).toHaveLength(3); // each row's "i", and the one panel's close button
    expect(en).not.toContain('Message ID');
    expect(en).not.toContain('<script');
    const bg = render('bg');
    expect(bg).toContain('Недоставено');
    expect(bg).toContain('Изпратено');
    expect(bg).toContain('Портал');
    expect(bg).toContain('0,065');
    expect(bg).toMatch(/26\.10\.2025 г\.,? 23:30/);
  });

  it('gives a row’s details, the status in words and code, to its own account only', async () => {
    const { createTranslator } = await import('next-intl');
    const { MESSAGES } = await import('@/lib/i18n/messages');
    const { messageDetailItems } = await import('@/app/_components/message-details');
    const { account, user, sender } = await historyAccount('DetailsA');
    const other = await historyAccount('DetailsB');
    const [id] = await add(account.id, sender, [{ at: '2025-10-26T21:30:00.000Z', status: 405, userId: user.id, idx: 'inv-1', errorCode: 13 }]);
    expect(await getMessage(other.account.id, id)).toBeNull();
    expect(await getMessage(account.id, 0)).toBeNull();
    const row = (await getMessage(account.id, id))!;
    expect(row).toMatchObject({ id, status: 405, idx: 'inv-1', errorCode: 13, login: user.email });
    const d = createTranslator({ locale: 'en', messages: MESSAGES.en, namespace: 'history.details' }) as unknown as (key: string) => string;
    const items = messageDetailItems(row, (label) => d(label), 'Undelivered', (date) => date.toISOString());
    expect(items).toEqual([
      { label: 'Message ID', value: String(id), mono: true },
      { label: 'Status', value: 'Undelivered (405)' },
      { label: 'Sent by', value: user.email },
      { label: 'Content', value: row.content },
      { label: 'IDX', value: 'inv-1', mono: true },
      { label: 'Error code', value: '13', mono: true },
      { label: 'Delivery report', value: row.doneAt ? row.doneAt.toISOString() : '—' },
    ]);
  });
});

function parseRange(day: string) {
  const parsed = parseHistoryFilters({ from: day, to: day }, { country: 'BG', timeZone: 'Europe/Sofia', senderNames: [] });
  if (!parsed.ok || !parsed.filters.range) throw new Error('bad day');
  return parsed.filters.range;
}
