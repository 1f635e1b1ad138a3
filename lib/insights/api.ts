import { z } from 'zod';
import { statusName } from '@/lib/messaging/statuses';
import type { Breakdown, Insights } from './query';
import { failureWords } from './words';

const KINDS = ['temporary', 'permanent', 'sender', 'content', 'request'] as const;

const figures = {
  messages: z.int(),
  delivered: z.int(),
  failed: z.int(),
  awaiting_report: z.int(),
  /** delivered / (delivered + failed) */
  delivery_rate: z.number().nullable(),
};

/** What GET /api/campaigns/ID/insights and GET /api/insights answer (lib/api/insight-operations.ts). */
export const insightsReply = z.object({
  ...figures,
  sent: z.int(),
  stopped: z.int(),
  queued: z.int(),
  awaiting_report_share: z.number().nullable(),
  statuses: z.record(z.string(), z.int()),
  networks: z.array(z.object({ network: z.string().nullable(), name: z.string().nullable(), ...figures, median_delivery_seconds: z.number().nullable() })),
  errors: z.array(
    z.object({
      status: z.int(),
      status_name: z.string(),
      error_code: z.int().nullable(),
      kind: z.enum(KINDS),
      messages: z.int(),
      meaning: z.string(),
      next_step: z.string(),
    }),
  ),
  senders: z.array(z.object({ sender: z.string(), ...figures })),
  countries: z.array(z.object({ country: z.string(), ...figures })),
  days: z.array(z.object({ day: z.string(), ...figures })),
  hours: z.array(z.object({ hour: z.int(), ...figures })),
  delivery_time: z.object({ delivered: z.int(), p50_seconds: z.number().nullable(), p90_seconds: z.number().nullable(), p99_seconds: z.number().nullable() }),
});

const round = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 10) / 10);

function counts(b: Breakdown) {
  return { messages: b.messages, delivered: b.delivered, failed: b.failed, awaiting_report: b.awaiting, delivery_rate: b.rate };
}

/** The insights as the API shows them: counts, rates as fractions, times in seconds, error words in English. */
export function insightsJson(insights: Insights): z.input<typeof insightsReply> {
  const words = failureWords('en');
  return {
    ...counts(insights.totals),
    sent: insights.totals.sent,
    stopped: insights.totals.stopped,
    queued: insights.totals.queued,
    awaiting_report_share: insights.totals.awaitingShare,
    statuses: Object.fromEntries(insights.statuses.map((s) => [statusName(s.status) ?? String(s.status), s.messages])),
    networks: insights.networks.map((n) => ({ network: n.key, name: n.name, ...counts(n), median_delivery_seconds: round(n.p50) })),
    errors: insights.errors.map((e) => {
      const said = words(e.status, e.errorCode)!;
      return {
        status: e.status,
        status_name: statusName(e.status) ?? String(e.status),
        error_code: e.errorCode,
        kind: e.kind,
        messages: e.messages,
        meaning: said.meaning,
        next_step: said.next,
      };
    }),
    senders: insights.senders.map((s) => ({ sender: s.key ?? '', ...counts(s) })),
    countries: insights.countries.map((c) => ({ country: c.key ?? '', ...counts(c) })),
    days: insights.days.map((d) => ({ day: d.key ?? '', ...counts(d) })),
    hours: insights.hours.map((h) => ({ hour: Number(h.key), ...counts(h) })),
    delivery_time: {
      delivered: insights.deliveryTime.count,
      p50_seconds: round(insights.deliveryTime.p50),
      p90_seconds: round(insights.deliveryTime.p90),
      p99_seconds: round(insights.deliveryTime.p99),
    },
  };
}
