// use-intl/core rather than next-intl: the PDF worker and the job worker load this too.
import { createTranslator } from 'use-intl/core';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type insightsEn from '@/lib/i18n/messages/insights.en.json';
import { failureReason, type FailureKind } from './errors';

export type FailureWords = { kind: FailureKind; kindLabel: string; meaning: string; next: string };

/**
 * The words of lib/insights/errors.ts in one language: what a failed status and error code mean
 * and what to do next. Null for a delivered or pending message.
 */
export function failureWords(locale: Locale): (status: number, errorCode: number | null) => FailureWords | null {
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof insightsEn, namespace: 'deliveryErrors' });
  return (status, errorCode) => {
    const reason = failureReason(status, errorCode);
    if (!reason) return null;
    const key = reason.key as 'statuses.UNDELIVERED';
    return { kind: reason.kind, kindLabel: t(`kinds.${reason.kind}`), meaning: t(`${key}.meaning`), next: t(`${key}.next`) };
  };
}
