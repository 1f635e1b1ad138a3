import { z } from 'zod';
import type { HistoryViewOptions } from '@/db/schema';
import { dayNumber as calendarDay, dayOfNumber, daySpan, localToday } from '@/lib/calendar';
import { numberPrefixForSearch, type CountryCode } from '@/lib/messaging/phone';
import { PENDING_STATUSES, STATUS, STATUS_CODES, type StatusCode } from '@/lib/messaging/statuses';
import { decodeCursor, type Cursor } from './cursor';

// Pure: the history's filters from a URL's query string. No database, no server-only imports, so
// it is unit-tested alone and the page, the bench and a future bulk-campaign page share it.

/** Default window (product spec §1): the last 24 hours... */
export const RECENT_WINDOW_HOURS = 24;
/** ...plus messages still awaiting a delivery report from the last 4 days. */
export const PENDING_WINDOW_DAYS = 4;
export const PAGE_SIZES = [50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 50;
/** Longest date range, in days counting both ends. */
export const MAX_RANGE_DAYS = 400;
export const MAX_RECIPIENT_INPUT = 40;

export type MessageSource = 'api' | 'portal';
export type Direction = 'older' | 'newer';

/** The account facts the filters depend on. */
export type HistoryAccount = {
  country: string;
  timeZone: string;
  /** Sender names the account may filter by (approved names and names found in its history). */
  senderNames: readonly string[];
};

export type DateRange = {
  /** ISO dates (YYYY-MM-DD), whole days in the account's time zone, both ends included */
  from: string;
  to: string;
  /** [start, end): local midnight of `from` to local midnight after `to` */
  start: Date;
  end: Date;
};

export type HistoryFilters = {
  sender: string | null;
  /** E.164 prefix for `recipient LIKE prefix || '%'`, from what the user typed */
  recipientPrefix: string | null;
  /** Empty: every status. Sorted, no repeats. */
  statuses: StatusCode[];
  source: MessageSource | null;
  /** null: the default window (see RECENT_WINDOW_HOURS / PENDING_WINDOW_DAYS) */
  range: DateRange | null;
  campaign: string | null;
  pageSize: PageSize;
  cursor: Cursor | null;
  direction: Direction;
};

/** What the form shows back: the user's own input, as typed. */
export type FilterValues = {
  sender: string;
  recipient: string;
  status: string[];
  source: string;
  from: string;
  to: string;
  size: string;
  campaign: string;
};

export const FILTER_FIELDS = ['sender', 'recipient', 'status', 'source', 'from', 'to', 'campaign', 'size', 'cursor', 'dir'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export const FILTER_ERRORS = [
  'unknown_sender',
  'invalid_recipient',
  'invalid_status',
  'invalid_source',
  'invalid_date',
  'range_order',
  'range_too_long',
  'invalid_campaign',
  'invalid_page_size',
  'invalid_cursor',
  'invalid',
] as const;
export type FilterErrorCode = (typeof FILTER_ERRORS)[number];
export type FilterIssue = { field: FilterField; code: FilterErrorCode };

export type ParsedFilters =
  | { ok: true; filters: HistoryFilters; values: FilterValues }
  | { ok: false; errors: FilterIssue[]; values: FilterValues };

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** A day the history's date filter accepts: a real date between 2000 and 2100, as a day number. */
function dayNumber(iso: string): number | null {
  const n = calendarDay(iso);
  return n !== null && iso >= '2000-01-01' && iso <= '2100-12-31' ? n : null;
}

/** The local days [from, to] as instants [start, end). */
export function dayRange(from: string, to: string, timeZone: string): DateRange {
  if (dayNumber(to) === null || dayNumber(from) === null) throw new RangeError(`not ISO dates: ${from} ${to}`);
  const { start, end } = daySpan(from, to, timeZone);
  return { from, to, start, end };
}

const STATUS_BY_NAME = new Map<string, StatusCode>(Object.entries(STATUS).map(([name, code]) => [name.toLowerCase(), code]));

/** "404", "delivered", or several of them comma-separated: the codes, or null if any part is not a status. */
function statusCodes(values: string[]): StatusCode[] | null {
  const codes = new Set<StatusCode>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const token = part.trim().toLowerCase();
      if (token === '') continue;
      const code = /^\d{3}$/.test(token) ? (STATUS_CODES as number[]).find((c) => c === Number(token)) : STATUS_BY_NAME.get(token);
      if (code === undefined) return null;
      codes.add(code as StatusCode);
    }
  }
  return [...codes].sort((a, b) => a - b);
}

function read(params: SearchParamsInput, key: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const value = params[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// A field given twice (hand-edited URLs) takes its first value; the form never does that.
const first = (params: SearchParamsInput, key: string) => (read(params, key)[0] ?? '').trim();

const issue = (code: FilterErrorCode) => ({ error: code });
const optional = <T extends z.ZodType>(schema: T) => schema.optional();
const blank = (value: string) => (value === '' ? undefined : value);

function schemaFor(account: HistoryAccount) {
  return z.object({
    sender: optional(z.string().refine((v) => account.senderNames.includes(v), issue('unknown_sender'))),
    recipient: optional(
      z
        .string()
        .max(MAX_RECIPIENT_INPUT, issue('invalid_recipient'))
        .transform((v, ctx) => {
          const prefix = recipientPrefix(v, account.country);
          if (prefix === null) {
            ctx.addIssue({ code: 'custom', message: 'invalid_recipient' });
            return z.NEVER;
          }
          return prefix;
        }),
    ),
    status: z.array(z.string().max(200, issue('invalid_status'))).transform((v, ctx) => {
      const codes = statusCodes(v);
      if (codes === null) {
        ctx.addIssue({ code: 'custom', message: 'invalid_status' });
        return z.NEVER;
      }
      return codes;
    }),
    source: optional(z.enum(['api', 'portal'], issue('invalid_source'))),
    from: optional(z.string().refine((v) => dayNumber(v) !== null, issue('invalid_date'))),
    to: optional(z.string().refine((v) => dayNumber(v) !== null, issue('invalid_date'))),
    campaign: optional(z.uuid(issue('invalid_campaign'))),
    size: optional(z.enum(['50', '100'], issue('invalid_page_size')).transform((v) => Number(v) as PageSize)),
    cursor: optional(
      z.string().transform((v, ctx) => {
        const cursor = decodeCursor(v);
        if (!cursor) {
          ctx.addIssue({ code: 'custom', message: 'invalid_cursor' });
          return z.NEVER;
        }
        return cursor;
      }),
    ),
    dir: optional(z.enum(['older', 'newer'], issue('invalid_cursor'))),
  });
}

/** The E.164 prefix for what a user typed as a recipient, or null if it cannot start a number. */
export function recipientPrefix(input: string, country: string): string | null {
  try {
    return numberPrefixForSearch(input, country as CountryCode);
  } catch {
    return null; // an account country libphonenumber does not know
  }
}

/** `%` and `_` are LIKE wildcards: escaped (with the default escape, backslash) before the trailing `%`. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The date range of the form's two ends (either may be empty), or the problem with it; null
 * without dates. One end alone means "from a day until today", or "the longest range that ends
 * on a day".
 */
function rangeOf(fromInput: string, toInput: string, timeZone: string, now: Date): { ok: true; range: DateRange } | { ok: false; issue: FilterIssue } | null {
  if (!fromInput && !toInput) return null;
  const today = localToday(timeZone, now);
  const toDay = dayNumber(toInput || today)!;
  const from = fromInput || dayOfNumber(toDay - (MAX_RANGE_DAYS - 1));
  const to = toInput || (dayNumber(today)! < dayNumber(from)! ? from : today);
  const fromDay = dayNumber(from)!;
  if (fromDay > dayNumber(to)!) return { ok: false, issue: { field: 'to', code: 'range_order' } };
  if (dayNumber(to)! - fromDay + 1 > MAX_RANGE_DAYS) return { ok: false, issue: { field: 'from', code: 'range_too_long' } };
  return { ok: true, range: dayRange(from, to, timeZone) };
}

/**
 * The history filters in a query string. Bad input never throws: it comes back as field errors
 * (codes the page translates), with the user's values so the form can show them again.
 * Empty fields (a GET form sends them all) mean "no filter".
 */
export function parseHistoryFilters(params: SearchParamsInput, account: HistoryAccount, now: Date = new Date()): ParsedFilters {
  const values: FilterValues = {
    sender: first(params, 'sender'),
    recipient: first(params, 'recipient'),
    status: read(params, 'status').filter((v) => v.trim() !== ''),
    source: first(params, 'source'),
    from: first(params, 'from'),
    to: first(params, 'to'),
    size: first(params, 'size'),
    campaign: first(params, 'campaign'),
  };
  const parsed = schemaFor(account).safeParse({
    sender: blank(values.sender),
    recipient: blank(values.recipient),
    status: values.status,
    source: blank(values.source),
    from: blank(values.from),
    to: blank(values.to),
    campaign: blank(values.campaign),
    size: blank(values.size),
    cursor: blank(first(params, 'cursor')),
    dir: blank(first(params, 'dir')),
  });
  const errors: FilterIssue[] = [];
  if (!parsed.success) {
    for (const zodIssue of parsed.error.issues) {
      const field = FILTER_FIELDS.find((f) => f === zodIssue.path[0]) ?? 'cursor';
      const code = FILTER_ERRORS.find((c) => c === zodIssue.message) ?? 'invalid';
      if (!errors.some((e) => e.field === field)) errors.push({ field, code });
    }
  }
  // The range is checked whenever its ends are real days, so every problem shows at once.
  const ends = errors.some((e) => e.field === 'from' || e.field === 'to') ? null : rangeOf(values.from, values.to, account.timeZone, now);
  if (ends && !ends.ok) errors.push(ends.issue);
  if (!parsed.success || errors.length) return { ok: false, errors, values };
  const data = parsed.data;
  const range = ends?.ok ? ends.range : null;

  return {
    ok: true,
    values,
    filters: {
      sender: data.sender ?? null,
      recipientPrefix: data.recipient ?? null,
      statuses: data.status,
      source: data.source ?? null,
      range,
      campaign: data.campaign ?? null,
      pageSize: data.size ?? DEFAULT_PAGE_SIZE,
      cursor: data.cursor ?? null,
      direction: data.cursor ? (data.dir ?? 'older') : 'older',
    },
  };
}

/** Filters with nothing chosen: the default window, first page. */
export function defaultFilters(overrides: Partial<HistoryFilters> = {}): HistoryFilters {
  return {
    sender: null,
    recipientPrefix: null,
    statuses: [],
    source: null,
    range: null,
    campaign: null,
    pageSize: DEFAULT_PAGE_SIZE,
    cursor: null,
    direction: 'older',
    ...overrides,
  };
}

/** Whether anything narrows the list beyond the default window (for the empty state's wording). */
export function hasNarrowingFilters(filters: HistoryFilters): boolean {
  return Boolean(filters.sender || filters.recipientPrefix || filters.statuses.length || filters.source || filters.campaign);
}

/** Status groups offered by the form's select, besides each single status. */
export const STATUS_GROUPS: { key: 'awaiting' | 'notDelivered'; codes: StatusCode[] }[] = [
  { key: 'awaiting', codes: [...PENDING_STATUSES].sort((a, b) => a - b) },
  {
    key: 'notDelivered',
    codes: [STATUS.EXPIRED, STATUS.UNDELIVERED, STATUS.FAILED, STATUS.REJECTED],
  },
];

/**
 * The query string of the filters as the user gave them (empty fields left out), with a page's
 * cursor: the page's links, and what a saved view keeps.
 */
export function historyFilterQuery(values: FilterValues, cursor?: { cursor: string; dir: Direction }): string {
  const params = new URLSearchParams();
  const add = (key: string, value: string) => {
    if (value !== '') params.append(key, value);
  };
  add('sender', values.sender);
  add('recipient', values.recipient);
  if (values.status.length) params.append('status', values.status.join(','));
  add('source', values.source);
  add('from', values.from);
  add('to', values.to);
  add('campaign', values.campaign);
  add('size', values.size);
  if (cursor) {
    params.append('cursor', cursor.cursor);
    if (cursor.dir === 'newer') params.append('dir', 'newer');
  }
  return params.toString();
}

/** The filters of an export (what a report definition keeps, as JSON), at the instant it was asked for. */
export function historyViewOptions(filters: HistoryFilters, query: string, asOf: Date): HistoryViewOptions {
  const range = filters.range;
  return {
    query,
    asOf: asOf.toISOString(),
    sender: filters.sender,
    recipientPrefix: filters.recipientPrefix,
    statuses: [...filters.statuses],
    source: filters.source,
    campaign: filters.campaign,
    range: range ? { from: range.from, to: range.to, start: range.start.toISOString(), end: range.end.toISOString() } : null,
  };
}

/** An export's filters back (historyViewOptions), as the page's query reads them. */
export function historyFiltersOfView(view: HistoryViewOptions): HistoryFilters {
  return defaultFilters({
    sender: view.sender,
    recipientPrefix: view.recipientPrefix,
    statuses: view.statuses.filter((code): code is StatusCode => (STATUS_CODES as number[]).includes(code)),
    source: view.source,
    campaign: view.campaign,
    range: view.range ? { from: view.range.from, to: view.range.to, start: new Date(view.range.start), end: new Date(view.range.end) } : null,
  });
}
