// use-intl/core rather than next-intl: the job worker builds report files too (see summary.ts).
import { createTranslator } from 'use-intl/core';
import { STATUS, type StatusName } from '@/lib/messaging/statuses';
import type { Locale } from './locale';
import { MESSAGES } from './messages';
import type filesEn from './messages/files.en.json';
import type historyEn from './messages/history.en.json';

export type CsvColumn = Exclude<keyof (typeof filesEn)['csv'], 'sources'>;

/** A column's header in the user's language (names fit sqlIdentifier: letters, digits, spaces, - and .). */
export function csvHeader(locale: Locale): (column: CsvColumn) => string {
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof filesEn, namespace: 'csv' });
  return (column) => t(column);
}

/** A status's name in the user's language, as the portal shows it ("Delivered", "Доставено"). */
export function statusWord(locale: Locale): (name: StatusName) => string {
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof historyEn, namespace: 'statuses' });
  return (name) => t(`${name}.label`);
}

/** One of our own texts as an SQL literal, for COPY (which takes no bind parameters). */
export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A column reference (`m.status`) fit to be written into SQL as it is; throws otherwise. */
export function columnReference(column: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(column)) throw new Error(`not a column reference: ${column}`);
  return column;
}

/** SQL for the status word of a status code column, for COPY (our own texts, as literals). */
export function statusWordSql(column: string, locale: Locale): string {
  columnReference(column);
  const word = statusWord(locale);
  const cases = (Object.keys(STATUS) as StatusName[]).map((name) => `when ${STATUS[name]} then ${literal(word(name))}`);
  return `case ${column} ${cases.join(' ')} end`;
}

/** SQL for "api" / "portal" in the user's language. */
export function sourceWordSql(column: string, locale: Locale): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?(::text)?$/.test(column)) throw new Error(`not a column reference: ${column}`);
  const t = createTranslator({ locale, messages: MESSAGES[locale] as typeof filesEn, namespace: 'csv.sources' });
  return `case ${column} when 'api' then ${literal(t('api'))} when 'portal' then ${literal(t('portal'))} end`;
}
