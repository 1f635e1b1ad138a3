import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as campaignInsights from '@/app/api/campaigns/[id]/insights/route';
import * as periodInsights from '@/app/api/insights/route';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { createApiToken } from '@/lib/auth/api-tokens';
import { localDay, addDays } from '@/lib/calendar';
import { applyDeliveryReports } from '@/lib/gateway/reports';
import { simulatedFate } from '@/lib/gateway/simulator';
import { bucketOf } from '@/lib/insights/delivery-time';
import { STATUS } from '@/lib/messaging/statuses';
import { campaignCsvQuery } from '@/lib/campaigns/delivery-report/csv';
import { deliveryReportModel, loadCampaignSummary } from '@/lib/campaigns/delivery-report/summary';
import { daySpan } from '@/lib/calendar';
import { buildReportEmail } from '@/lib/email/report';
import { insightEmail } from '@/lib/insights/email';
import { loadInsights, wholeMonths } from '@/lib/insights/query';
import { loadReportPdfData, reportPdfModel } from '@/lib/reports/report-pdf';
import { makeAccount } from './fixtures/accounts';

// The insights API (GET /api/campaigns/ID/insights, GET /api/insights) against direct SQL counts
// over the same messages: per network, per error code, per sender, country, day and hour; the
// delivery-time percentiles within one histogram bucket of the exact ones.

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Figures = { messages: number; delivered: number; failed: number; awaiting_report: number };
type Body = {
  error?: number;
  message?: string;
  networks: (Figures & { network: string | null; name: string | null })[];
  errors: { status: number; error_code: number | null; messages: number; meaning: string; next_step: string; kind: string }[];
  senders: (Figures & { sender: string })[];
  countries: (Figures & { country: string })[];
  days: (Figures & { day: string })[];
  hours: (Figures & { hour: number })[];
  statuses: Record<string, number>;
  delivery_time: { delivered: number; p50_seconds: number; p90_seconds: number; p99_seconds: number };
  messages: number;
};

let token = '';
let otherToken = '';
let accountId: number;
let campaignId: string;
let otherCampaign: string;
const ZONE = 'Europe/Sofia';
const NOW = new Date();
const TODAY = localDay(NOW, ZONE);

async function call(route: Route, path: string, params: Record<string, string> = {}, as = token) {
  const response = await route(new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${as}` } }), { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as Body };
}

const number = (i: number) => {
  const prefixes = ['+35987', '+35988', '+35989', '+35998', '+49151', '+40722', '+4477'];
  return `${prefixes[i % prefixes.length]}${String(1_000_000 + ((i * 7919) % 9_000_000)).padStart(7, '0')}`;
};

/** Messages sent (SENT, sent_at) and then reported as the simulator would: network, status, error code, delivery time. */
async function sendAndReport(account: number, count: number, options: { campaignId?: string; daysAgo: number; sender: string; offset: number }) {
  const createdAt = new Date(NOW.getTime() - options.daysAgo * 86_400_000 - 3_600_000);
  const rows = await db
    .insert(messages)
    .values(
      Array.from({ length: count }, (_, i) => ({
        accountId: account,
        campaignId: options.campaignId ?? null,
        senderName: options.sender,
        recipient: number(options.offset + i),
        country: number(options.offset + i).startsWith('+359') ? 'BG' : number(options.offset + i).startsWith('+49') ? 'DE' : 'RO',
        content: 'x',
        encoding: 'gsm7' as const,
        parts: 1,
        points: 650,
        status: STATUS.SENT,
        source: 'api' as const,
        createdAt: new Date(createdAt.getTime() + i * 1_000),
        sentAt: new Date(createdAt.getTime() + i * 1_000 + 500),
      })),
    )
    .returning({ id: messages.id, recipient: messages.recipient, sentAt: messages.sentAt });
  const reports = rows.flatMap((m) => {
    const fate = simulatedFate(m.recipient);
    if (!fate.final) return [];
    return [{ messageId: m.id, status: fate.final, errorCode: fate.errorCode, network: fate.network, doneAt: new Date(m.sentAt!.getTime() + fate.finalAfterMs) }];
  });
  await applyDeliveryReports(reports);
}

beforeAll(async () => {
  const A = await makeAccount('Insight Api', 100);
  const B = await makeAccount('Insight Other', 100);
  accountId = A.account.id;
  token = (await createApiToken({ accountId, userId: A.user.id, name: 'api' })).token;
  otherToken = (await createApiToken({ accountId: B.account.id, userId: B.user.id, name: 'other' })).token;
  const campaign = (sender: string, account: number, userId: number) =>
    db.insert(campaigns).values({ accountId: account, userId, senderName: sender, content: 'Bulk', encoding: 'gsm7', parts: 1, status: 'completed', recipients: 0, points: 0 }).returning();
  [{ id: campaignId }] = await campaign('Shop', accountId, A.user.id);
  [{ id: otherCampaign }] = await campaign('Other', B.account.id, B.user.id);
  await sendAndReport(accountId, 2_400, { campaignId, daysAgo: 2, sender: 'Shop', offset: 0 });
  await sendAndReport(accountId, 600, { daysAgo: 5, sender: 'Bank', offset: 50_000 });
  await sendAndReport(accountId, 300, { daysAgo: 40, sender: 'Bank', offset: 90_000 });
  await sendAndReport(B.account.id, 500, { campaignId: otherCampaign, daysAgo: 2, sender: 'Other', offset: 0 });
});

type Counted = { key: string | null; status: number; n: number };

/** A direct count over messages, by one column (or expression) and status. */
async function countBy(key: string, where: ReturnType<typeof sql>) {
  return [...(await db.execute<Counted>(sql`select ${sql.raw(key)} as key, status, count(*)::int as n from messages where ${where} group by 1, 2`))];
}

/** The API's breakdown rows as key -> figures, and the direct counts the same way. */
function figuresOf(counted: Counted[]) {
  const out = new Map<string | null, Figures>();
  const failed = new Set<number>([401, 402, 405, 406, 407, 408]);
  for (const row of counted) {
    // Handed to an operator: delivered, failed or awaiting a report (waiting and stopped are not).
    if (row.status === 409 || row.status === 412) continue;
    const f = out.get(row.key) ?? { messages: 0, delivered: 0, failed: 0, awaiting_report: 0 };
    f.messages += row.n;
    if (row.status === 404) f.delivered += row.n;
    else if (failed.has(row.status)) f.failed += row.n;
    else if ([403, 410, 411].includes(row.status)) f.awaiting_report += row.n;
    out.set(row.key, f);
  }
  return Object.fromEntries([...out].map(([k, v]) => [String(k), v]));
}

const pick = <T extends Figures>(rows: T[], key: (row: T) => string | number | null) =>
  Object.fromEntries(rows.map((r) => [String(key(r)), { messages: r.messages, delivered: r.delivered, failed: r.failed, awaiting_report: r.awaiting_report }]));

async function exactPercentiles(where: ReturnType<typeof sql>) {
  const [row] = await db.execute<{ p: number[] }>(sql`
    select array[percentile_disc(0.5) within group (order by s), percentile_disc(0.9) within group (order by s), percentile_disc(0.99) within group (order by s)] as p
      from (select extract(epoch from done_at - sent_at)::float8 as s from messages where ${where} and status = 404) d`);
  return row.p.map(Number);
}

describe('GET /api/campaigns/ID/insights', () => {
  it('per network and per error code equals a direct count over the campaign’s messages; percentiles within one bucket', async () => {
    const { status, body } = await call(campaignInsights.GET, `/api/campaigns/${campaignId}/insights`, { id: campaignId });
    expect(status).toBe(200);
    const where = sql`campaign_id = ${campaignId}`;
    expect(pick(body.networks, (n) => n.network)).toEqual(figuresOf(await countBy('network', where)));
    // Several networks, each failing differently: the figures say which.
    expect(body.networks.filter((n) => n.network !== null).length).toBeGreaterThanOrEqual(4);
    expect(body.networks.find((n) => n.network === '28405')?.name).toBe('Yettel Bulgaria');

    const errors = await db.execute<{ status: number; error_code: number | null; n: number }>(sql`
      select status, error_code, count(*)::int as n from messages where ${where} and status in (401, 402, 405, 406, 407, 408)
       group by 1, 2 order by 3 desc, 1, 2`);
    expect(body.errors.map((e) => [e.status, e.error_code, e.messages])).toEqual([...errors].map((e) => [e.status, e.error_code, e.n]));
    const invalid = body.errors.find((e) => e.error_code === 2)!;
    expect(invalid).toMatchObject({ status: 405, kind: 'permanent', next_step: 'Remove it from your list.' });
    expect(body.errors.find((e) => e.error_code === 1)).toMatchObject({ kind: 'temporary', next_step: 'Try again later.' });

    const exact = await exactPercentiles(where);
    const reported = [body.delivery_time.p50_seconds, body.delivery_time.p90_seconds, body.delivery_time.p99_seconds];
    for (let i = 0; i < 3; i++) expect(Math.abs(bucketOf(reported[i]) - bucketOf(exact[i])), `p${[50, 90, 99][i]}: ${reported[i]} vs ${exact[i]}`).toBeLessThanOrEqual(1);
    const [delivered] = await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where ${where} and status = 404`);
    expect(body.delivery_time.delivered).toBe(delivered.n);
  });

  it('another account’s campaign is not found, and changes nothing', async () => {
    const { status, body } = await call(campaignInsights.GET, `/api/campaigns/${otherCampaign}/insights`, { id: otherCampaign });
    expect(status).toBe(404);
    expect(body.message).toMatch(/campaign was not found/i);
    expect((await call(campaignInsights.GET, `/api/campaigns/${campaignId}/insights`, { id: campaignId }, otherToken)).status).toBe(404);
  });
});

describe('GET /api/insights', () => {
  it('for local days equals direct counts per network, sender, country, day, hour and error code', async () => {
    const from = addDays(TODAY, -10);
    const { status, body } = await call(periodInsights.GET, `/api/insights?from=${from}&to=${TODAY}`);
    expect(status).toBe(200);
    const where = sql`account_id = ${accountId} and (created_at at time zone ${ZONE})::date between ${from}::date and ${TODAY}::date`;
    expect(body.messages).toBe(3_000);
    expect(pick(body.networks, (n) => n.network)).toEqual(figuresOf(await countBy('network', where)));
    expect(pick(body.senders, (s) => s.sender)).toEqual(figuresOf(await countBy('sender_name', where)));
    expect(pick(body.countries, (c) => c.country)).toEqual(figuresOf(await countBy('country', where)));
    expect(pick(body.days, (d) => d.day)).toEqual(figuresOf(await countBy(`(created_at at time zone '${ZONE}')::date::text`, where)));
    const hours = figuresOf(await countBy(`extract(hour from created_at at time zone '${ZONE}')::int::text`, where));
    expect(body.hours).toHaveLength(24);
    expect(pick(body.hours.filter((h) => h.messages > 0), (h) => h.hour)).toEqual(hours);
    const errors = await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where ${where} and error_code = 2`);
    expect(body.errors.filter((e) => e.error_code === 2).reduce((s, e) => s + e.messages, 0)).toBe(errors[0].n);

    const exact = await exactPercentiles(where);
    expect(Math.abs(bucketOf(body.delivery_time.p50_seconds) - bucketOf(exact[0]))).toBeLessThanOrEqual(1);
  });

  it('over whole months (read from the month rows) and the days around them equals direct counts', async () => {
    const from = addDays(TODAY, -75);
    const { first, end } = wholeMonths(from, TODAY);
    expect(first < end).toBe(true);
    const { body } = await call(periodInsights.GET, `/api/insights?from=${from}&to=${TODAY}`);
    const where = sql`account_id = ${accountId} and (created_at at time zone ${ZONE})::date between ${from}::date and ${TODAY}::date`;
    expect(body.messages).toBe(3_300);
    expect(pick(body.networks, (n) => n.network)).toEqual(figuresOf(await countBy('network', where)));
    expect(pick(body.senders, (s) => s.sender)).toEqual(figuresOf(await countBy('sender_name', where)));
    expect(pick(body.days, (d) => d.day)).toEqual(figuresOf(await countBy(`(created_at at time zone '${ZONE}')::date::text`, where)));
  });

  it('finds the whole months of a period', () => {
    expect(wholeMonths('2026-01-01', '2026-12-31')).toEqual({ first: '2026-01-01', end: '2027-01-01' });
    expect(wholeMonths('2026-01-15', '2026-03-31')).toEqual({ first: '2026-02-01', end: '2026-04-01' });
    expect(wholeMonths('2026-01-15', '2026-03-30')).toEqual({ first: '2026-02-01', end: '2026-03-01' });
    expect(wholeMonths('2026-02-02', '2026-02-27')).toEqual({ first: '2026-03-01', end: '2026-02-01' });
    expect(wholeMonths('2024-02-01', '2024-02-29')).toEqual({ first: '2024-02-01', end: '2024-03-01' });
  });

  it('refuses bad periods with a clear error', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-13-01&to=2026-12-01', /valid dates/i],
      ['from=yesterday&to=2026-12-01', /valid dates/i],
      [`from=${TODAY}&to=${addDays(TODAY, -1)}`, /start/i],
      [`from=${addDays(TODAY, -500)}&to=${TODAY}`, /400 days/],
      [`from=${TODAY}&to=${addDays(TODAY, 3)}`, /future/i],
      [`to=${TODAY}`, /valid dates|from/i],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await call(periodInsights.GET, `/api/insights?${query}`);
      expect(status, query).toBe(400);
      expect(body.message, query).toMatch(message);
    }
  });
});

describe('the same figures in the PDFs and the report-ready e-mail', () => {
  const percent = (locale: string, value: number | null) => (value === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value));

  it('the campaign PDF lists every network with its rate and the top errors with meaning and next step, in Bulgarian', async () => {
    const { body } = await call(campaignInsights.GET, `/api/campaigns/${campaignId}/insights`, { id: campaignId });
    const summary = (await loadCampaignSummary(accountId, campaignId))!;
    const model = deliveryReportModel(summary, { locale: 'bg', timeZone: ZONE });
    expect(model.delivery!.title).toBe('Доставяне');
    expect(model.delivery!.networks.rows.map((row) => [row[0], row[4]])).toEqual(
      body.networks.map((n) => [n.network === null ? 'Неизвестна мрежа (без отчет)' : n.name, percent('bg', (n as unknown as { delivery_rate: number | null }).delivery_rate)]),
    );
    const invalid = model.delivery!.errors.rows.find((row) => row[1] === '2')!;
    expect(invalid[2]).toBe('Номерът не съществува: операторът не познава този номер.');
    expect(invalid[3]).toBe('Премахнете го от списъка си.');
  });

  it('the campaign CSV gives each message its network, error code, meaning and next step, in the file’s language', async () => {
    const rows = await db.execute<Record<string, string | number | null>>(sql.raw(campaignCsvQuery({ campaignId, accountId, locale: 'bg' })));
    const invalid = [...rows].filter((r) => r['Код на грешка'] === 2);
    expect(invalid.length).toBeGreaterThan(0);
    for (const row of invalid) expect([row['Значение на грешката'], row['Следваща стъпка']]).toEqual(['Номерът не съществува: операторът не познава този номер.', 'Премахнете го от списъка си.']);
    const delivered = [...rows].filter((r) => r['Код на статус'] === 404 || r['Статус'] === 'Доставено');
    expect(delivered.length).toBeGreaterThan(0);
    for (const row of delivered) expect(row['Значение на грешката']).toBeNull();
    expect(new Set([...rows].map((r) => r['Мрежа']))).toEqual(new Set(['28401', '28403', '28405', '26201', '22610', '23430', null]));
  });

  it('the short-report PDF and the e-mail say how delivery went in the period', async () => {
    const from = addDays(TODAY, -10);
    const { body } = await call(periodInsights.GET, `/api/insights?from=${from}&to=${TODAY}`);
    const period = daySpan(from, TODAY, ZONE);
    const data = await loadReportPdfData({ accountId, type: 'short', options: { includeBulk: true } as never, period, timeZone: ZONE });
    const model = reportPdfModel(data, { locale: 'en', timeZone: ZONE, reportName: 'Weekly', accountName: 'Insight Api', includeBulk: true, period });
    expect(model.delivery!.facts[0]).toEqual(['Delivery rate', percent('en', (body as unknown as { delivery_rate: number }).delivery_rate)]);
    expect(model.delivery!.networks.rows.length).toBe(body.networks.length);

    const insights = await loadInsights({ accountId, fromDay: from, toDay: TODAY });
    const lines = insightEmail(insights, 'en')!;
    const rated = body.networks.filter((n) => n.network !== null) as unknown as { name: string; delivery_rate: number }[];
    const weakest = [...rated].sort((a, b) => a.delivery_rate - b.delivery_rate)[0];
    expect(lines.lines.find((l) => l.label === 'Weakest network')?.value).toBe(`${weakest.name}, ${percent('en', weakest.delivery_rate)} delivered`);
    expect(lines.lines.find((l) => l.label === 'Most frequent error')?.value).toContain(body.errors[0].meaning);
    const email = await buildReportEmail({
      locale: 'en',
      timeZone: ZONE,
      reportName: 'Weekly',
      period: { from, to: TODAY },
      run: { id: '00000000-0000-4000-8000-000000000000', rows: 1, sizeBytes: 10, fileName: 'weekly.pdf' },
      insight: lines,
    });
    expect(email.text.toLowerCase()).toContain('how delivery went');
    expect(email.text).toContain(weakest.name);
    expect(email.html).toContain(body.errors[0].next_step);

    // Without bulk (a short report can leave campaigns out): only the single messages.
    const singles = await loadInsights({ accountId, fromDay: from, toDay: TODAY, withoutBulk: true });
    const [count] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from messages where account_id = ${accountId} and campaign_id is null and status not in (409, 412)
         and (created_at at time zone ${ZONE})::date between ${from}::date and ${TODAY}::date`);
    expect(singles.totals.sent).toBe(count.n);
  });
});
