import { eq, sql } from 'drizzle-orm';
import { createTranslator } from 'use-intl/core';
import { db } from '@/db';
import { accounts, type ReportOptions } from '@/db/schema';
import { safeTimeZone } from '@/lib/calendar';
import { campaignState } from '@/lib/campaigns/states';
import { AppError } from '@/lib/errors';
import { renderPdf } from '@/lib/files/pdf';
import { DATE_TIME_ZONED } from '@/lib/i18n/formats';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type reportsEn from '@/lib/i18n/messages/reports.en.json';
import { formatPoints } from '@/lib/messaging/pricing';
import { PENDING_STATUSES, STATUS } from '@/lib/messaging/statuses';
import { insightPdf, type InsightPdf } from '@/lib/insights/pdf';
import { loadInsights, type Insights } from '@/lib/insights/query';
import type { Period } from './periods';
import { FOLLOW_UP_ORDER, FOLLOW_UP_ORIGIN } from './queries';

/**
 * PDF summaries of the short and group reports (product.md §3): facts, a stacked bar chart of
 * daily counts and the table, in the report's language. The rows come from ordinary
 * queries (a short report has one row per local day, at most ~370 for a year; a group report
 * is capped at GROUP_PDF_MAX_ROWS campaigns, with "and N more"), the PDF is rendered in the
 * worker pool (lib/files/pdf.ts, never on the job's or a request's thread), and stored like a
 * CSV by storeRunFile (run-file.ts).
 */

export const PDF_CONTENT_TYPE = 'application/pdf';
/** performance.md: ~5 s per 1,000 table rows; the rest is in the CSV. */
export const GROUP_PDF_MAX_ROWS = 500;
/** Longest campaign title in the table. */
const TITLE_CHARS = 60;

const COLORS = { delivered: '#059669', failed: '#dc2626', pending: '#94a3b8', stopped: '#475569' } as const;
const PENDING = sql.raw(PENDING_STATUSES.map(Number).join(', '));
const DELIVERED = sql.raw(String(Number(STATUS.DELIVERED)));
const STOPPED = sql.raw(String(Number(STATUS.STOP)));

export type ShortPdfRow = { day: string; messages: number; delivered: number; failed: number; pending: number; parts: number; points: number };
export type GroupPdfRow = {
  id: string;
  title: string;
  sender: string;
  createdAt: Date;
  state: string;
  recipients: number;
  delivered: number;
  undelivered: number;
  pending: number;
  stopped: number;
  /** spent, net of the refund */
  points: number;
  pointsRefunded: number;
};
export type GroupPdfDay = { day: string; delivered: number; undelivered: number; pending: number; stopped: number };
export type ReportPdfData =
  | { type: 'short'; rows: ShortPdfRow[]; insights?: Insights }
  | {
      type: 'group';
      rows: GroupPdfRow[];
      /** all campaigns of the period, also those beyond the cap */
      count: number;
      days: GroupPdfDay[];
      total: Omit<GroupPdfRow, 'id' | 'title' | 'sender' | 'createdAt' | 'state'>;
    };

type LoadParams = { accountId: number; type: 'short' | 'group'; options: ReportOptions; period: Period; timeZone: string };

const n = (value: unknown) => Number(value ?? 0);

/** One row per local day of the period, days without messages too (as the short CSV). */
async function loadShort(p: LoadParams): Promise<ShortPdfRow[]> {
  const bulk = p.options.includeBulk ? sql`` : sql` and m.campaign_id is null`;
  const rows = await db.execute<Record<string, string | number | null>>(sql`
    with hourly as (
      select date_trunc('hour', m.created_at at time zone ${p.timeZone}) as h, m.status, count(*) as n, sum(m.parts) as parts, sum(m.points) as points
        from messages m
       where m.account_id = ${p.accountId} and m.created_at >= ${p.period.start.toISOString()}::timestamptz
         and m.created_at < ${p.period.end.toISOString()}::timestamptz${bulk}
       group by 1, 2),
    daily as (select h::date as day, status, sum(n) as n, sum(parts) as parts, sum(points) as points from hourly group by 1, 2)
    select to_char(d.day, 'YYYY-MM-DD') as day,
           coalesce(sum(x.n), 0)::bigint as messages,
           coalesce(sum(x.n) filter (where x.status = ${DELIVERED}), 0)::bigint as delivered,
           coalesce(sum(x.n) filter (where x.status in (${PENDING})), 0)::bigint as pending,
           coalesce(sum(x.parts), 0)::bigint as parts,
           coalesce(sum(x.points), 0)::bigint as points
      from generate_series(${p.period.fromDay}::date, ${p.period.toDay}::date, interval '1 day') as d(day)
      left join daily x on x.day = d.day::date
     group by d.day
     order by d.day`);
  return rows.map((r) => {
    const messages = n(r.messages);
    const delivered = n(r.delivered);
    const pending = n(r.pending);
    return { day: String(r.day), messages, delivered, pending, failed: messages - delivered - pending, parts: n(r.parts), points: n(r.points) };
  });
}

// A stopped campaign's unsent messages are "stopped", not "undelivered" (as the group CSV).
const CAMPAIGN_COUNTS = sql`
  left join lateral (select sum(k.messages) filter (where k.status = ${DELIVERED}) as delivered,
                            sum(k.messages) filter (where k.status not in (${DELIVERED}, ${STOPPED}, ${PENDING})) as undelivered,
                            sum(k.messages) filter (where k.status in (${PENDING})) as pending,
                            sum(k.messages) filter (where k.status = ${STOPPED}) as stopped
                       from campaign_status_counts k where k.campaign_id = c.id) s on true`;

/** The first GROUP_PDF_MAX_ROWS campaigns of the period, and per local day sums over all of them. */
async function loadGroup(p: LoadParams): Promise<Extract<ReportPdfData, { type: 'group' }>> {
  const where = sql`c.account_id = ${p.accountId} and c.created_at >= ${p.period.start.toISOString()}::timestamptz
                    and c.created_at < ${p.period.end.toISOString()}::timestamptz`;
  const [rows, days] = await Promise.all([
    db.execute<Record<string, string | number | Date | null>>(sql`
      select c.id, (case when c.follows_campaign_id is not null then '↳ ' else '' end) || coalesce(nullif(btrim(c.name), ''), left(c.content, ${TITLE_CHARS})) as title,
             c.sender_name as sender,
             c.created_at, c.status::text as state, c.recipients, c.points - c.points_refunded as points, c.points_refunded,
             coalesce(s.delivered, 0)::bigint as delivered, coalesce(s.undelivered, 0)::bigint as undelivered, coalesce(s.pending, 0)::bigint as pending,
             coalesce(s.stopped, 0)::bigint as stopped
        from campaigns c ${CAMPAIGN_COUNTS} ${sql.raw(FOLLOW_UP_ORIGIN)}
       where ${where}
       order by ${sql.raw(FOLLOW_UP_ORDER)}
       limit ${GROUP_PDF_MAX_ROWS}`),
    db.execute<Record<string, string | number | null>>(sql`
      with per_day as (
        select (c.created_at at time zone ${p.timeZone})::date as day, count(*) as campaigns, sum(c.recipients) as recipients,
               sum(c.points - c.points_refunded) as points, sum(c.points_refunded) as refunded,
               sum(s.delivered) as delivered, sum(s.undelivered) as undelivered, sum(s.pending) as pending, sum(s.stopped) as stopped
          from campaigns c ${CAMPAIGN_COUNTS}
         where ${where}
         group by 1)
      select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(x.campaigns, 0)::bigint as campaigns, coalesce(x.recipients, 0)::bigint as recipients,
             coalesce(x.points, 0)::bigint as points, coalesce(x.refunded, 0)::bigint as refunded,
             coalesce(x.delivered, 0)::bigint as delivered, coalesce(x.undelivered, 0)::bigint as undelivered, coalesce(x.pending, 0)::bigint as pending,
             coalesce(x.stopped, 0)::bigint as stopped
        from generate_series(${p.period.fromDay}::date, ${p.period.toDay}::date, interval '1 day') as d(day)
        left join per_day x on x.day = d.day::date
       order by d.day`),
  ]);
  const sum = (key: string) => days.reduce((total, d) => total + n(d[key]), 0);
  return {
    type: 'group',
    rows: rows.map((r) => ({
      id: String(r.id),
      title: String(r.title ?? ''),
      sender: String(r.sender ?? ''),
      createdAt: new Date(r.created_at as string | Date),
      state: String(r.state),
      recipients: n(r.recipients),
      delivered: n(r.delivered),
      undelivered: n(r.undelivered),
      pending: n(r.pending),
      stopped: n(r.stopped),
      points: n(r.points),
      pointsRefunded: n(r.points_refunded),
    })),
    count: sum('campaigns'),
    days: days.map((d) => ({ day: String(d.day), delivered: n(d.delivered), undelivered: n(d.undelivered), pending: n(d.pending), stopped: n(d.stopped) })),
    total: {
      recipients: sum('recipients'),
      delivered: sum('delivered'),
      undelivered: sum('undelivered'),
      pending: sum('pending'),
      stopped: sum('stopped'),
      points: sum('points'),
      pointsRefunded: sum('refunded'),
    },
  };
}

export async function loadReportPdfData(p: LoadParams): Promise<ReportPdfData> {
  if (p.type !== 'short') return loadGroup(p);
  const [rows, insights] = await Promise.all([
    loadShort(p),
    loadInsights({ accountId: p.accountId, fromDay: p.period.fromDay, toDay: p.period.toDay, withoutBulk: !p.options.includeBulk }),
  ]);
  return { type: 'short', rows, insights };
}

function shorten(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('')}…`;
}

export type ReportPdfContext = {
  locale: Locale;
  timeZone: string;
  reportName: string;
  accountName: string;
  includeBulk: boolean;
  period: Period;
  now?: Date;
};

/**
 * A report summary PDF (short or group reports, report-pdf.ts) as plain data: every text final,
 * so that the renderer only lays it out. A bar chart of daily counts (stacked series) and a
 * table that may run over several pages (its head repeats on each).
 */
export type ReportSummaryPdf = {
  lang: string;
  orientation: 'portrait' | 'landscape';
  metaTitle: string;
  title: string;
  heading: string;
  facts: [string, string][];
  chart: {
    title: string;
    series: { label: string; color: string }[];
    /** one bar per day: a value per series (non-negative), stacked bottom-up */
    bars: number[][];
    /** labels under the chart's first and last bar, and the largest bar's total */
    firstLabel: string;
    lastLabel: string;
    maxLabel: string;
    empty: string | null;
  };
  table: {
    title: string;
    /** flex weight of each column; numbers are right-aligned */
    columns: { label: string; flex: number; numeric: boolean }[];
    rows: string[][];
    total: string[] | null;
    note: string | null;
    empty: string | null;
  };
  /** a short report's deliverability: by network and error (lib/insights) */
  delivery: InsightPdf | null;
  footer: { generated: string; page: string };
};

/** Everything the PDF shows, as final text in the report's language (as deliveryReportModel). */
export function reportPdfModel(data: ReportPdfData, ctx: ReportPdfContext): ReportSummaryPdf {
  const { locale } = ctx;
  const timeZone = safeTimeZone(ctx.timeZone);
  const messages = MESSAGES[locale] as typeof reportsEn;
  const t = createTranslator({ locale, messages, namespace: 'reportPdf' });
  const d = createTranslator({ locale, messages, namespace: 'deliveryReport' });
  // Read away from the portal: every instant says its zone.
  const dateTime = new Intl.DateTimeFormat(locale, { ...DATE_TIME_ZONED, timeZone });
  // Local days are calendar dates: formatted at noon UTC, in UTC.
  const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayShort = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const day = (value: string, format = dayFormat) => format.format(new Date(`${value}T12:00:00Z`));
  const number = new Intl.NumberFormat(locale);
  const points = (units: number) => formatPoints(units, locale);
  const generatedAt = dateTime.format(ctx.now ?? new Date());
  const title = t(`title.${data.type}`);
  const heading = ctx.reportName;

  const facts: [string, string][] = [
    [t('facts.account'), ctx.accountName],
    [t('facts.period'), t('facts.periodValue', { from: day(ctx.period.fromDay), to: day(ctx.period.toDay) })],
  ];
  if (data.type === 'short') facts.push([t('facts.bulk'), ctx.includeBulk ? t('facts.bulkIncluded') : t('facts.bulkExcluded')]);
  facts.push([t('facts.generated'), generatedAt], [t('facts.timeZone'), timeZone]);

  const dayList = data.type === 'short' ? data.rows.map((r) => r.day) : data.days.map((r) => r.day);
  const bars =
    data.type === 'short'
      ? data.rows.map((r) => [r.delivered, r.failed, r.pending])
      : data.days.map((r) => [r.delivered, r.undelivered, r.pending, r.stopped]);
  const max = Math.max(0, ...bars.map((values) => values.reduce((a, b) => a + b, 0)));
  const chart: ReportSummaryPdf['chart'] = {
    title: t(`chart.${data.type}`),
    series: [
      { label: t('chart.delivered'), color: COLORS.delivered },
      { label: data.type === 'short' ? t('chart.failed') : t('chart.undelivered'), color: COLORS.failed },
      { label: t('chart.pending'), color: COLORS.pending },
      ...(data.type === 'group' ? [{ label: t('chart.stopped'), color: COLORS.stopped }] : []),
    ],
    bars,
    firstLabel: dayList.length ? day(dayList[0]) : '',
    lastLabel: dayList.length ? day(dayList[dayList.length - 1]) : '',
    maxLabel: t('chart.max', { count: max }),
    empty: max === 0 ? (data.type === 'group' && data.count === 0 ? t('chart.noCampaigns') : t('chart.noMessages')) : null,
  };

  let table: ReportSummaryPdf['table'];
  if (data.type === 'short') {
    const sum = (key: keyof Omit<ShortPdfRow, 'day'>) => data.rows.reduce((total, r) => total + r[key], 0);
    table = {
      title: t('table.short'),
      columns: [
        { label: t('table.day'), flex: 2.2, numeric: false },
        { label: t('table.messages'), flex: 1.2, numeric: true },
        { label: t('table.delivered'), flex: 1.2, numeric: true },
        { label: t('table.failed'), flex: 1.5, numeric: true },
        { label: t('table.pending'), flex: 1, numeric: true },
        { label: t('table.parts'), flex: 1, numeric: true },
        { label: t('table.points'), flex: 1.4, numeric: true },
      ],
      rows: data.rows.map((r) => [
        day(r.day, dayShort),
        number.format(r.messages),
        number.format(r.delivered),
        number.format(r.failed),
        number.format(r.pending),
        number.format(r.parts),
        points(r.points),
      ]),
      total: [
        t('table.total'),
        number.format(sum('messages')),
        number.format(sum('delivered')),
        number.format(sum('failed')),
        number.format(sum('pending')),
        number.format(sum('parts')),
        points(sum('points')),
      ],
      note: null,
      empty: data.rows.length ? null : t('chart.noMessages'),
    };
  } else {
    const state = (value: string) => {
      const known = campaignState(value);
      return known ? d(`campaignStatus.${known}`) : value;
    };
    table = {
      title: t('table.group'),
      columns: [
        { label: t('table.campaign'), flex: 3, numeric: false },
        { label: t('table.sender'), flex: 1.4, numeric: false },
        { label: t('table.created'), flex: 1.9, numeric: false },
        { label: t('table.state'), flex: 1.2, numeric: false },
        { label: t('table.recipients'), flex: 1.1, numeric: true },
        { label: t('table.delivered'), flex: 1.1, numeric: true },
        { label: t('table.undelivered'), flex: 1.2, numeric: true },
        { label: t('table.pending'), flex: 1, numeric: true },
        { label: t('table.stopped'), flex: 1, numeric: true },
        { label: t('table.pointsSpent'), flex: 1.3, numeric: true },
        { label: t('table.refunded'), flex: 1.2, numeric: true },
      ],
      rows: data.rows.map((r) => [
        shorten(r.title, TITLE_CHARS) || d('untitled', { count: r.recipients }),
        r.sender,
        dateTime.format(r.createdAt),
        state(r.state),
        number.format(r.recipients),
        number.format(r.delivered),
        number.format(r.undelivered),
        number.format(r.pending),
        number.format(r.stopped),
        points(r.points),
        points(r.pointsRefunded),
      ]),
      total: data.count
        ? [
            t('table.total'),
            '',
            '',
            '',
            number.format(data.total.recipients),
            number.format(data.total.delivered),
            number.format(data.total.undelivered),
            number.format(data.total.pending),
            number.format(data.total.stopped),
            points(data.total.points),
            points(data.total.pointsRefunded),
          ]
        : null,
      note: data.count > data.rows.length ? t('table.more', { count: data.count - data.rows.length }) : null,
      empty: data.count ? null : t('chart.noCampaigns'),
    };
  }

  return {
    lang: locale,
    orientation: data.type === 'group' ? 'landscape' : 'portrait',
    metaTitle: `${title}: ${heading}`,
    title,
    heading,
    facts,
    chart,
    table,
    delivery: data.type === 'short' && data.insights ? insightPdf(data.insights, locale) : null,
    footer: {
      generated: t('generated', { date: generatedAt, timeZone }),
      page: t('page', { page: '{page}', pages: '{pages}' }),
    },
  };
}

export type ReportPdfInput = {
  accountId: number;
  type: string;
  options: ReportOptions;
  period: Period;
  timeZone: string;
  name: string;
  /** the report's language (generate.ts reportLocale) */
  language: Locale;
};

/** A short or group report as a PDF, rendered in the PDF worker pool, with the rows it covers. */
export async function reportPdf(input: ReportPdfInput): Promise<{ bytes: Uint8Array; rows: number }> {
  if (input.type !== 'short' && input.type !== 'group') throw new AppError('pdf_unavailable', { field: 'format' });
  const timeZone = safeTimeZone(input.timeZone);
  const [account] = await db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, input.accountId));
  const data = await loadReportPdfData({ accountId: input.accountId, type: input.type, options: input.options, period: input.period, timeZone });
  const model = reportPdfModel(data, {
    locale: input.language,
    timeZone,
    reportName: input.name,
    accountName: account?.name ?? '',
    includeBulk: input.options.includeBulk,
    period: input.period,
  });
  return { bytes: await renderPdf('report', model), rows: data.type === 'short' ? data.rows.length : data.count };
}
