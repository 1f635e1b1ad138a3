import { createTranslator } from 'use-intl/core';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type insightsEn from '@/lib/i18n/messages/insights.en.json';
import { durationText } from './format';
import type { Insights } from './query';
import { failureWords } from './words';

export type InsightEmail = { title: string; lines: { label: string; value: string }[] };

/**
 * How delivery went, in a few lines for the body of the report-ready e-mail: the rate, what is
 * still without a report, the median time, the weakest network and the top error with its next
 * step. Null when nothing was sent in the period.
 */
export function insightEmail(insights: Insights, locale: Locale): InsightEmail | null {
  if (insights.totals.sent === 0) return null;
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof insightsEn, namespace: 'insights.email' });
  const number = new Intl.NumberFormat(locale);
  const percent = (value: number | null) => (value === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value));
  const lines = [
    { label: t('rate'), value: t('rateValue', { rate: percent(insights.totals.rate), sent: number.format(insights.totals.sent) }) },
    { label: t('awaiting'), value: percent(insights.totals.awaitingShare) },
    { label: t('median'), value: durationText(insights.deliveryTime.p50, locale) },
  ];
  const weakest = insights.networks.filter((n) => n.key !== null && n.rate !== null).sort((a, b) => a.rate! - b.rate!)[0];
  if (weakest && insights.networks.filter((n) => n.key !== null).length > 1) {
    lines.push({ label: t('weakest'), value: t('weakestValue', { name: weakest.name ?? weakest.key ?? '', rate: percent(weakest.rate) }) });
  }
  const top = insights.errors[0];
  if (top) {
    const said = failureWords(locale)(top.status, top.errorCode)!;
    lines.push({ label: t('topError'), value: t('topErrorValue', { meaning: said.meaning, count: top.messages, next: said.next }) });
  }
  return { title: t('title'), lines };
}
