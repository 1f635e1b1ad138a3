import { asc, eq } from 'drizzle-orm';
import { db } from '@/db';
import { contactImportErrors } from '@/db/schema';
import { AppError, isErrorCode, problemText } from '@/lib/errors';
import { copyCsv, CSV_CONTENT_TYPE, csvSafeSql } from '@/lib/files/csv';
import { downloadHeaders } from '@/lib/files/download';
import type { Locale } from '@/lib/i18n/locale';
import { isUuid } from '@/lib/validation';
import { getImport } from './upload';

export type ImportError = { line: number; reason: string; column: string; value: string; raw: string };

/** The first bad lines of an import (the account's), in file order. */
export async function listImportErrors(accountId: number, importId: string, limit: number): Promise<ImportError[]> {
  if (!(await getImport(accountId, importId))) return [];
  return db
    .select({ line: contactImportErrors.line, reason: contactImportErrors.reason, column: contactImportErrors.column, value: contactImportErrors.value, raw: contactImportErrors.raw })
    .from(contactImportErrors)
    .where(eq(contactImportErrors.importId, importId))
    .orderBy(asc(contactImportErrors.line))
    .limit(limit);
}

// The codes a bad line can have (lib/contacts/import/rows.ts): each reason's text, in the reader's language, as a literal.
const REASONS = [
  'contact_phone_required',
  'contact_phone_invalid',
  'contact_name_too_long',
  'email_invalid',
  'field_text_too_long',
  'field_number_invalid',
  'field_date_invalid',
  'group_name_too_long',
  'text_control',
  'text_required',
  'import_too_many_columns',
] as const;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Every bad line of an import as CSV (the one writer: COPY streamed, formula cells neutralised):
 * row, reason in the reader's language, column, value and the line as read. not_found for another
 * account's import (before any byte).
 */
export async function importErrorsCsvResponse(accountId: number, importId: string, locale: Locale): Promise<Response> {
  const found = isUuid(importId) ? await getImport(accountId, importId.toLowerCase()) : null;
  if (!found) throw new AppError('not_found');
  const reasons = REASONS.filter(isErrorCode)
    .map((code) => `when ${literal(code)} then ${literal(problemText({ code, params: { max: 100 } }, locale))}`)
    .join(' ');
  const header = locale === 'bg' ? ['Ред', 'Причина', 'Колона', 'Стойност', 'Редът във файла'] : ['Row', 'Reason', 'Column', 'Value', 'Line as read'];
  const [row, reason, column, value, raw] = header.map((name) => `"${name}"`);
  const query = `select e.line as ${row}, case e.reason ${reasons} else e.reason end as ${reason},
         ${csvSafeSql('e.column')} as ${column}, ${csvSafeSql('e.value')} as ${value}, ${csvSafeSql('e.raw')} as ${raw}
    from contact_import_errors e
   where e.import_id = '${found.id}'::uuid
   order by e.line`;
  const body = copyCsv(query, { forceQuote: header.slice(2) });
  return new Response(body, { headers: downloadHeaders(CSV_CONTENT_TYPE, `${found.fileName.replace(/\.csv$/i, '')} - ${header[0] === 'Ред' ? 'грешни редове' : 'bad lines'}`, 'csv') });
}
