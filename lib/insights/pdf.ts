import { createTranslator } from 'use-intl/core';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type historyEn from '@/lib/i18n/messages/history.en.json';
import type insightsEn from '@/lib/i18n/messages/insights.en.json';
import { statusName } from '@/lib/messaging/statuses';
import { durationText } from './format';
import type { Insights } from './query';
import { failureWords } from './words';

/** The deliverability part of a PDF (campaign delivery report, short report): final texts for the worker to lay out. */
export type InsightPdf = {
  title: string;
  facts: [string, string][];
  networks: { title: string; columns: { label: string; flex: number; numeric: boolean }[]; rows: string[][]; rates: (number | null)[] };
  errors: { title: string; columns: { label: string; flex: number; numeric: boolean }[]; rows: string[][]; empty: string | null };
  empty: string | null;
};

/** Longest table of errors in a PDF; the rest are on the page and in the API. */
const PDF_ERRORS = 8;

/** `times: false` leaves the delivery-time percentiles out (the campaign PDF has exact ones of its own). */
export function insightPdf(insights: Insights, locale: Locale, options: { times?: boolean } = {}): InsightPdf {
  const messages = MESSAGES[locale] as typeof insightsEn;
  const t = createTranslator({ locale, messages, namespace: 'insights' });
  const st = createTranslator({ locale, messages: MESSAGES[locale] as typeof historyEn, namespace: 'statuses' });
  const words = failureWords(locale);
  const number = new Intl.NumberFormat(locale);
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const percent = (value: number | null) => (value === null ? '—' : percentFormat.format(value));
  const seconds = (value: number | null) => durationText(value, locale);
  const { totals, deliveryTime } = insights;
  return {
    title: t('summary'),
    facts: [
      [t('rate'), percent(totals.rate)],
      [t('sent'), number.format(totals.sent)],
      [t('delivered'), number.format(totals.delivered)],
      [t('failed'), number.format(totals.failed)],
      [t('awaitingShare'), percent(totals.awaitingShare)],
      ...((options.times ?? true)
        ? ([
            [t('timeP50'), seconds(deliveryTime.p50)],
            [t('timeP90'), seconds(deliveryTime.p90)],
            [t('timeP99'), seconds(deliveryTime.p99)],
          ] as [string, string][])
        : []),
    ],
    networks: {
      title: t('byNetwork'),
      columns: [
        { label: t('network'), flex: 2.6, numeric: false },
        { label: t('messages'), flex: 1.2, numeric: true },
        { label: t('delivered'), flex: 1.2, numeric: true },
        { label: t('failed'), flex: 1.3, numeric: true },
        { label: t('rate'), flex: 1.3, numeric: true },
        { label: t('median'), flex: 1.3, numeric: true },
      ],
      rows: insights.networks.map((n) => [
        n.name ?? t('unknownNetwork'),
        number.format(n.messages),
        number.format(n.delivered),
        number.format(n.failed),
        percent(n.rate),
        seconds(n.p50),
      ]),
      rates: insights.networks.map((n) => n.rate),
    },
    errors: {
      title: t('topErrors'),
      columns: [
        { label: t('status'), flex: 1.4, numeric: false },
        { label: t('code'), flex: 0.7, numeric: true },
        { label: t('meaning'), flex: 3.2, numeric: false },
        { label: t('next'), flex: 2.6, numeric: false },
        { label: t('messages'), flex: 1, numeric: true },
      ],
      rows: insights.errors.slice(0, PDF_ERRORS).map((e) => {
        const said = words(e.status, e.errorCode)!;
        const name = statusName(e.status);
        return [name ? st(`${name}.label`) : String(e.status), e.errorCode === null ? '—' : String(e.errorCode), said.meaning, said.next, number.format(e.messages)];
      }),
      empty: insights.errors.length ? null : t('noErrors'),
    },
    empty: totals.sent === 0 ? t('none') : null,
  };
}
