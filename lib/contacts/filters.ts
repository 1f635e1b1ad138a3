import { z } from 'zod';
import { recipientPrefix } from '@/lib/history/filters';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';
import { isUuid } from '@/lib/validation';
import { CONTACT_PAGE_SIZES } from './limits';

// Pure: the contacts table's filters from a URL's query string (or the API's query). No
// database, so the page, the API, the export and the bench share it and it is unit-tested alone.

export type ContactPageSize = (typeof CONTACT_PAGE_SIZES)[number];
export const MAX_SEARCH_LENGTH = 100;
/** Words of a name search: each must begin a first name, last name or e-mail. */
export const MAX_SEARCH_WORDS = 3;

/** What a search box's text means. */
export type ContactSearch =
  | { kind: 'number'; prefix: string }
  | { kind: 'name'; words: string[] };

export type ContactCursor = { createdAt: string; id: string };

export type ContactFilters = {
  search: ContactSearch | null;
  groupId: string | null;
  /** true: only opted-out numbers; false: only the others; null: all */
  optedOut: boolean | null;
  pageSize: ContactPageSize;
  cursor: ContactCursor | null;
  direction: 'older' | 'newer';
};

/** The form's values as the user gave them. */
export type ContactFilterValues = { q: string; group: string; optedOut: string; size: string };

export type ContactFilterField = 'q' | 'group' | 'optedOut' | 'size' | 'cursor';
export type ParsedContactFilters =
  | { ok: true; filters: ContactFilters; values: ContactFilterValues }
  | { ok: false; errors: { field: ContactFilterField; code: 'invalid_search' | 'unknown_group' | 'invalid' | 'invalid_cursor' }[]; values: ContactFilterValues };

// Digits with the separators people type in numbers: a number search; anything else is a name.
const LOOKS_LIKE_NUMBER = /^[+(]?[\d\s().\-/]*\d[\d\s().\-/]*$/;

/**
 * A search box's text: a number "as typed" (with or without the country code or the trunk 0, or
 * just its beginning: the history filter's rule, numberPrefixForSearch) or up to three words of a
 * name or e-mail, lower-cased. null for nothing to search; 'invalid' for digits that cannot begin
 * a number.
 */
export function parseSearch(text: string, country: string): ContactSearch | null | 'invalid' {
  const q = text.trim();
  if (q === '') return null;
  if (LOOKS_LIKE_NUMBER.test(q)) {
    const prefix = recipientPrefix(q, country);
    return prefix === null ? 'invalid' : { kind: 'number', prefix };
  }
  const words = q.toLowerCase().split(/\s+/).slice(0, MAX_SEARCH_WORDS);
  return { kind: 'name', words };
}

// A contact id: a uuid, as our rows have.
const contactId = z.string().refine(isUuid);

export function encodeContactCursor(cursor: ContactCursor): string {
  return encodeKeysetCursor(cursor.createdAt, cursor.id);
}

export function decodeContactCursor(value: string): ContactCursor | null {
  return decodeKeysetCursor(value, contactId);
}

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function first(params: Params, key: string): string {
  if (params instanceof URLSearchParams) return (params.get(key) ?? '').trim();
  const value = params[key];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/**
 * The table's filters in a query string: q (number or name), group (a group id), optedOut
 * (yes / no), size, cursor and dir. Bad input never throws: it comes back as field errors.
 */
export function parseContactFilters(params: Params, country: string): ParsedContactFilters {
  const values: ContactFilterValues = { q: first(params, 'q'), group: first(params, 'group'), optedOut: first(params, 'optedOut'), size: first(params, 'size') };
  const errors: Extract<ParsedContactFilters, { ok: false }>['errors'] = [];
  const search = values.q.length > MAX_SEARCH_LENGTH ? 'invalid' : parseSearch(values.q, country);
  if (search === 'invalid') errors.push({ field: 'q', code: 'invalid_search' });
  if (values.group !== '' && !isUuid(values.group)) errors.push({ field: 'group', code: 'unknown_group' });
  if (!['', 'yes', 'no'].includes(values.optedOut)) errors.push({ field: 'optedOut', code: 'invalid' });
  const size = values.size === '' ? CONTACT_PAGE_SIZES[0] : CONTACT_PAGE_SIZES.find((s) => String(s) === values.size);
  if (size === undefined) errors.push({ field: 'size', code: 'invalid' });
  const rawCursor = first(params, 'cursor');
  const cursor = rawCursor === '' ? null : decodeContactCursor(rawCursor);
  if (rawCursor !== '' && cursor === null) errors.push({ field: 'cursor', code: 'invalid_cursor' });
  const dir = first(params, 'dir');
  if (dir !== '' && dir !== 'older' && dir !== 'newer') errors.push({ field: 'cursor', code: 'invalid_cursor' });
  if (errors.length) return { ok: false, errors, values };
  return {
    ok: true,
    values,
    filters: {
      search: search as ContactSearch | null,
      groupId: values.group === '' ? null : values.group.toLowerCase(),
      optedOut: values.optedOut === '' ? null : values.optedOut === 'yes',
      pageSize: size!,
      cursor,
      direction: cursor && dir === 'newer' ? 'newer' : 'older',
    },
  };
}

/** No filter: the newest contacts, first page. */
export function defaultContactFilters(overrides: Partial<ContactFilters> = {}): ContactFilters {
  return { search: null, groupId: null, optedOut: null, pageSize: CONTACT_PAGE_SIZES[0], cursor: null, direction: 'older', ...overrides };
}

/** The query string of the table's filters as the user gave them, with a page's cursor: the table's links and the export's. */
export function contactFilterQuery(values: ContactFilterValues, cursor?: { cursor: string; dir: 'older' | 'newer' }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== '') params.set(key, value);
  if (cursor) {
    params.set('cursor', cursor.cursor);
    if (cursor.dir === 'newer') params.set('dir', 'newer');
  }
  return params.toString();
}
