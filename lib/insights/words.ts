// use-intl/core rather than next-intl: the PDF worker and the job worker load this too.
import { createTranslator } from 'use-intl/core';
import { columnReference, literal } from '@/lib/i18n/csv-words';
import type { Locale } from '@/lib/i18n/locale';
import { MESSAGES } from '@/lib/i18n/messages';
import type insightsEn from '@/lib/i18n/messages/insights.en.json';
import { STATUS, type StatusName } from '@/lib/messaging/statuses';
import { ERROR_CODES, failureReason, type FailureKind } from './errors';

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

/**
 * SQL for the meaning or the next step of a failed message, for COPY (our own texts, as literals):
 * by error code when the table has it, else by status, as failureWords; null when delivered or pending.
 */
export function failureWordsSql(statusColumn: string, errorColumn: string, locale: Locale, part: 'meaning' | 'next'): string {
  columnReference(statusColumn);
  columnReference(errorColumn);
  const words = failureWords(locale);
  const failed = (Object.keys(STATUS) as StatusName[]).filter((name) => failureReason(STATUS[name], null));
  const byCode = Object.keys(ERROR_CODES).map((code) => `when ${errorColumn} = ${Number(code)} then ${literal(words(STATUS.UNDELIVERED, Number(code))![part])}`);
  const byStatus = failed.map((name) => `when ${statusColumn} = ${STATUS[name]} then ${literal(words(STATUS[name], null)![part])}`);
  const isFailed = failed.map((name) => STATUS[name]).join(', ');
  return `case when ${statusColumn} not in (${isFailed}) then null ${byCode.join(' ')} ${byStatus.join(' ')} end`;
}
