import { dayNumber } from '@/lib/calendar';
import type { ErrorCode } from '@/lib/errors';
import { getCountryCallingCode } from 'libphonenumber-js/max';
import { normalizeNumber, type CountryCode } from '@/lib/messaging/phone';
import { CONTROL_CHARACTERS } from '@/lib/validation';
import { MAX_EMAIL_LENGTH, MAX_FIELD_NAME_LENGTH, MAX_FIELD_VALUE_LENGTH, MAX_NAME_LENGTH } from './limits';

/**
 * What a contact's values may be, one rule per kind of value, for the forms, the API and the
 * import alike. Pure: no database, so the import's hot loop and the tests use it directly.
 * Each check gives the stored form or the error code of what is wrong.
 */

export type FieldType = 'text' | 'number' | 'date';
export type Checked<T = string> = { ok: true; value: T } | { ok: false; code: ErrorCode };

const fail = (code: ErrorCode): { ok: false; code: ErrorCode } => ({ ok: false, code });

/** A number as typed, normalised for the account's country: E.164 with the '+'. */
export function checkPhone(raw: string, country: string): Checked {
  if (raw.trim() === '') return fail('contact_phone_required');
  try {
    const result = normalizeNumber(raw, country as CountryCode);
    return result.ok ? { ok: true, value: result.e164 } : fail('contact_phone_invalid');
  } catch {
    return fail('contact_phone_invalid'); // an account country libphonenumber does not know
  }
}

/** The account country's calling code, for the forms' help ("+359"); Bulgaria's for a country libphonenumber does not know. */
export function callingCode(country: string): string {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return '359';
  }
}

/** A first or last name: trimmed, may be empty. */
export function checkName(raw: string): Checked {
  const value = raw.trim();
  if (value.length > MAX_NAME_LENGTH) return fail('contact_name_too_long');
  if (CONTROL_CHARACTERS.test(value)) return fail('text_control');
  return { ok: true, value };
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** An e-mail address, or null when left empty. */
export function checkEmail(raw: string): Checked<string | null> {
  const value = raw.trim();
  if (value === '') return { ok: true, value: null };
  if (value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value) || CONTROL_CHARACTERS.test(value)) return fail('email_invalid');
  return { ok: true, value };
}

const NUMBER = /^-?\d{1,15}(\.\d{1,6})?$/;
const DOTTED_DATE = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/;

/**
 * A custom field's value in its stored form, '' for empty. Numbers: digits with an optional
 * sign and decimals (a decimal comma and spaces between digit groups are accepted), stored as
 * "1234.5". Dates: YYYY-MM-DD or the Bulgarian DD.MM.YYYY (also DD/MM/YYYY), stored as YYYY-MM-DD.
 */
export function checkFieldValue(type: FieldType, raw: string): Checked {
  const text = raw.trim().replace(/\r\n?/g, '\n');
  if (text === '') return { ok: true, value: '' };
  // A text field may hold lines (a note); no other control character anywhere.
  if (type === 'text') {
    if (CONTROL_CHARACTERS.test(text.replaceAll('\n', ' '))) return fail('text_control');
    return text.length > MAX_FIELD_VALUE_LENGTH ? fail('field_text_too_long') : { ok: true, value: text };
  }
  if (CONTROL_CHARACTERS.test(text)) return fail('text_control');
  if (type === 'number') {
    const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    if (!NUMBER.test(compact)) return fail('field_number_invalid');
    return { ok: true, value: String(Number(compact)) };
  }
  const dotted = DOTTED_DATE.exec(text);
  const iso = dotted ? `${dotted[3]}-${dotted[2].padStart(2, '0')}-${dotted[1].padStart(2, '0')}` : text;
  return dayNumber(iso) !== null && iso >= '1900-01-01' && iso <= '2199-12-31' ? { ok: true, value: iso } : fail('field_date_invalid');
}

/**
 * A custom field's name. It becomes a column title of the contacts export and of reports (a
 * quoted SQL identifier under COPY's header), so: letters of any script, digits, spaces and
 * _ . - only, beginning with a letter or digit (never a formula's = + - @), at most
 * MAX_FIELD_NAME_LENGTH characters and 63 bytes (PostgreSQL's identifier length).
 */
export function checkFieldName(raw: string): Checked {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value === '') return fail('text_required');
  if (value.length > MAX_FIELD_NAME_LENGTH || new TextEncoder().encode(value).length > 63) return fail('field_name_too_long');
  if (!/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u.test(value)) return fail('field_name_invalid');
  if (RESERVED_FIELD_NAMES.has(value.toLowerCase())) return fail('field_name_reserved');
  return { ok: true, value };
}

/** The contact's own columns (the table, the export): a custom field by one of these names would make two columns alike. */
const RESERVED_FIELD_NAMES = new Set([
  'number',
  'phone',
  'first name',
  'last name',
  'name',
  'e-mail',
  'email',
  'groups',
  'opted out',
  'opted out at',
  'opt-out reason',
  'created',
  'updated',
]);

/** "yes" in a column that marks opted-out numbers: 1, yes, true, x, да (any case). */
export function isYes(raw: string): boolean {
  return /^(1|y|yes|true|x|да|д)$/i.test(raw.trim());
}

/** A group name typed or found in a file. */
export function checkGroupName(raw: string): Checked {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value === '') return fail('text_required');
  if (value.length > MAX_NAME_LENGTH) return fail('group_name_too_long');
  if (CONTROL_CHARACTERS.test(value)) return fail('text_control');
  return { ok: true, value };
}

/** The group names in one cell of a file's groups column: separated by , ; or |. */
export function splitGroupNames(cell: string): string[] {
  return [...new Set(cell.split(/[,;|]/).map((name) => name.trim().replace(/\s+/g, ' ')).filter(Boolean))];
}
