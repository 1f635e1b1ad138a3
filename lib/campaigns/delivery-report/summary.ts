import { and, eq, sql } from 'drizzle-orm';
// use-intl/core (what next-intl re-exports) rather than 'next-intl': under the react-server
// condition that our scripts and the job worker run with, 'next-intl' pulls in React hooks.
import { createTranslator } from 'use-intl/core';
import { db } from '@/db';
import { campaigns } from '@/db/schema';
import { getCampaignProgress } from '@/lib/campaigns';
import { campaignState } from '@/lib/campaigns/states';
import { DATE_TIME_ZONED } from '@/lib/i18n/formats';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type reportsEn from '@/lib/i18n/messages/reports.en.json';
import { formatPoints } from '@/lib/messaging/pricing';
import { STATUS, type StatusName } from '@/lib/messaging/statuses';
import { safeTimeZone } from '@/lib/calendar';
import { renderPdf } from '@/lib/files/pdf';
import { insightPdf, type InsightPdf } from '@/lib/insights/pdf';
import { loadInsights, type Insights } from '@/lib/insights/query';


/**
 * The delivery-report PDF as plain data: every text final (translated, numbers and dates
 * formatted), so that the renderer only lays it out. Built by deliveryReportModel().
 */
export type DeliveryReportPdf = {
  lang: string;
  metaTitle: string;
  title: string;
  heading: string;
  facts: { title: string; rows: [string, string][] };
  content: { label: string; text: string; note: string | null };
  statuses: {
    title: string;
    chartTitle: string;
    columns: [string, string, string, string];
    rows: { label: string; code: string; count: string; share: string; fraction: number; color: string }[];
    total: [string, string, string, string];
    empty: string | null;
  };
  points: { title: string; rows: [string, string][] };
  timing: { title: string; help: string | null; rows: [string, string][]; empty: string | null };
  /** by network and error (lib/insights), when the summary has its insights */
  delivery: InsightPdf | null;
  footer: { generated: string; page: string };
};

/** Renders the delivery-report PDF in the PDF worker pool. */
export function renderDeliveryReportPdf(model: DeliveryReportPdf): Promise<Uint8Array> {
  return renderPdf('delivery', model);
}

/** The figures of the PDF summary, before any text is made of them. */
export type CampaignSummary = {
  id: string;
  name: string;
  sender: string;
  content: string;
  status: string;
  rate: number;
  recipients: number;
  /** opted-out numbers left out at submit */
  skippedOptedOut: number;
  points: number;
  pointsRefunded: number;
  createdAt: Date;
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** messages per status code, from campaign_status_counts (kept by triggers: no scan) */
  counts: Record<number, number>;
  /** done_at - sent_at of the delivered messages, in seconds; null when there are none */
  delivery: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  /** by network and error code, from the rollups */
  insights?: Insights;
};

/**
 * The campaign's figures, or null when it is not this account's (or the id is no uuid): the
 * ownership check is getCampaignProgress, the one every campaign page and route uses.
 */
export async function loadCampaignSummary(accountId: number, campaignId: string): Promise<CampaignSummary | null> {
  const progress = await getCampaignProgress(accountId, campaignId);
  if (!progress) return null;
  const [[campaign], [timing], insights] = await Promise.all([
    db
      .select({
        content: campaigns.content,
        scheduledAt: campaigns.scheduledAt,
        startedAt: campaigns.startedAt,
        finishedAt: campaigns.finishedAt,
      })
      .from(campaigns)
      .where(and(eq(campaigns.id, progress.id), eq(campaigns.accountId, accountId))),
    // One aggregate over the delivered messages (the campaign index, then one sort).
    db.execute<{ n: number; p: number[] | string | null }>(sql`
      select count(*)::int as n,
             percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from done_at - sent_at)) as p
        from messages
       where campaign_id = ${progress.id} and account_id = ${accountId} and status = ${STATUS.DELIVERED}
         and sent_at is not null and done_at is not null and done_at >= sent_at`),
    loadInsights({ accountId, campaignId: progress.id }),
  ]);
  if (!campaign) return null;
  const percentiles = parseFloatArray(timing?.p ?? null);
  return {
    id: progress.id,
    name: progress.name,
    sender: progress.sender,
    content: campaign.content,
    status: progress.status,
    rate: progress.rate,
    recipients: progress.recipients,
    skippedOptedOut: progress.skippedOptedOut,
    points: progress.points,
    pointsRefunded: progress.pointsRefunded,
    createdAt: progress.createdAt,
    scheduledAt: campaign.scheduledAt,
    startedAt: campaign.startedAt,
    finishedAt: campaign.finishedAt,
    // From campaign_status_counts (kept by triggers), read by getCampaignProgress: no scan.
    counts: progress.counts,
    delivery: { count: Number(timing?.n ?? 0), medianSeconds: percentiles[0] ?? null, p90Seconds: percentiles[1] ?? null },
    insights,
  };
}

/** postgres.js hands float8[] over as an array, or as '{1.5,2}' text without its type parser. */
function parseFloatArray(value: number[] | string | null): number[] {
  if (value === null) return [];
  const list = Array.isArray(value) ? value : value.replace(/[{}]/g, '').split(',').filter(Boolean);
  return list.map(Number).filter(Number.isFinite);
}

/** Order of the statuses in the table and chart: delivered, on the way, not delivered, stopped. */
const STATUS_ORDER: StatusName[] = [
  'DELIVERED',
  'SENT',
  'ACCEPTED',
  'RENEWAL',
  'QUEUE',
  'UNDELIVERED',
  'EXPIRED',
  'FAILED',
  'REJECTED',
  'UNKNOWN',
  'NOT_FOUND',
  'STOP',
];

const STATUS_COLORS: Record<StatusName, string> = {
  DELIVERED: '#059669',
  SENT: '#0ea5e9',
  ACCEPTED: '#38bdf8',
  RENEWAL: '#7dd3fc',
  QUEUE: '#cbd5e1',
  UNDELIVERED: '#dc2626',
  EXPIRED: '#f97316',
  FAILED: '#b91c1c',
  REJECTED: '#e11d48',
  UNKNOWN: '#a855f7',
  NOT_FOUND: '#78716c',
  STOP: '#64748b',
};


/** Longest texts the one-page summary takes (an SMS of 10 parts is at most 1,530 characters). */
export const PDF_LIMITS = { name: 120, content: 1600 } as const;

function cap(text: string, max: number): { text: string; capped: boolean } {
  const chars = Array.from(text);
  return chars.length <= max ? { text, capped: false } : { text: `${chars.slice(0, max).join('')}…`, capped: true };
}

/**
 * Everything the PDF shows, as final text in the user's language: the worker only lays it out.
 * Dates in the account's time zone; points with formatPoints; shares as percentages.
 */
export function deliveryReportModel(summary: CampaignSummary, options: { locale: Locale; timeZone: string; now?: Date }): DeliveryReportPdf {
  const { locale } = options;
  const timeZone = safeTimeZone(options.timeZone);
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof reportsEn, namespace: 'deliveryReport' });
  // Read away from the portal: every instant says its zone.
  const dateTime = new Intl.DateTimeFormat(locale, { ...DATE_TIME_ZONED, timeZone });
  const number = new Intl.NumberFormat(locale);
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const when = (date: Date | null) => (date ? dateTime.format(date) : t('facts.notYet'));

  const counted = STATUS_ORDER.map((name) => ({ name, code: STATUS[name], count: summary.counts[STATUS[name]] ?? 0 }));
  // Codes outside the known twelve cannot occur (CHECK constraint); count them in the total anyway.
  const total = Object.values(summary.counts).reduce((sum, n) => sum + n, 0);
  const share = (n: number) =>
    n > 0 && total > 0 && n / total < 0.0005 ? t('statuses.under', { percent: percentFormat.format(0.001) }) : percentFormat.format(total ? n / total : 0);

  const name = cap(summary.name, PDF_LIMITS.name);
  const content = cap(summary.content, PDF_LIMITS.content);
  const state = campaignState(summary.status);
  const heading = name.text || t('untitled', { count: summary.recipients });

  const duration = (seconds: number | null): string => {
    if (seconds === null) return t('facts.notYet');
    if (seconds < 60) return t('timing.seconds', { seconds: Math.round(seconds * 10) / 10 });
    const s = Math.round(seconds);
    if (s < 3600) return t('timing.minutes', { minutes: Math.floor(s / 60), seconds: s % 60 });
    if (s < 86_400) return t('timing.hours', { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60) });
    return t('timing.days', { days: Math.floor(s / 86_400), hours: Math.floor((s % 86_400) / 3600) });
  };

  // The name is the page's heading.
  const facts: [string, string][] = [
    [t('facts.sender'), summary.sender],
    [t('facts.state'), state ? t(`campaignStatus.${state}`) : summary.status],
    [t('facts.created'), when(summary.createdAt)],
  ];
  if (summary.scheduledAt) facts.push([t('facts.scheduled'), when(summary.scheduledAt)]);
  facts.push(
    [t('facts.started'), when(summary.startedAt)],
    [t('facts.finished'), when(summary.finishedAt)],
    [t('facts.recipients'), number.format(summary.recipients)],
    [t('facts.skippedOptedOut'), number.format(summary.skippedOptedOut)],
    [t('facts.rate'), t('facts.rateValue', { rate: summary.rate })],
  );

  return {
    lang: locale,
    metaTitle: `${t('title')}: ${heading}`,
    title: t('title'),
    heading,
    facts: { title: t('facts.title'), rows: facts },
    content: { label: t('facts.content'), text: content.text, note: content.capped ? t('facts.contentShortened') : null },
    statuses: {
      title: t('statuses.title'),
      chartTitle: t('statuses.chart'),
      columns: [t('statuses.status'), t('statuses.code'), t('statuses.count'), t('statuses.share')],
      rows: counted
        .filter((row) => row.count > 0)
        .map((row) => ({
          label: t(`status.${row.name}`),
          code: String(row.code),
          count: number.format(row.count),
          share: share(row.count),
          fraction: total ? row.count / total : 0,
          color: STATUS_COLORS[row.name],
        })),
      total: [t('statuses.total'), '', number.format(total), total ? percentFormat.format(1) : percentFormat.format(0)],
      empty: total === 0 ? t('statuses.none') : null,
    },
    points: {
      title: t('points.title'),
      rows: [
        [t('points.spent'), formatPoints(summary.points - summary.pointsRefunded, locale)],
        [t('points.refunded'), formatPoints(summary.pointsRefunded, locale)],
      ],
    },
    timing: {
      title: t('timing.title'),
      help: summary.delivery.count ? t('timing.help', { count: summary.delivery.count }) : null,
      rows: summary.delivery.count
        ? [
            [t('timing.median'), duration(summary.delivery.medianSeconds)],
            [t('timing.p90'), duration(summary.delivery.p90Seconds)],
          ]
        : [],
      empty: summary.delivery.count ? null : t('timing.none'),
    },
    delivery: summary.insights ? insightPdf(summary.insights, locale, { times: false }) : null,
    footer: {
      generated: t('generated', { date: dateTime.format(options.now ?? new Date()), timeZone }),
      // Filled in by the renderer on each page: {page} and {pages} are left as they are.
      page: t('page', { page: '{page}', pages: '{pages}' }),
    },
  };
}
