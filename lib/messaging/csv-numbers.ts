/**
 * Recipient input of the send form, before the server validates it: splitting a typed list,
 * finding the number column of a CSV file, and a quick estimate of how many numbers will
 * count. Pure and browser-safe: the server's normalizeNumber (libphonenumber) has the last word.
 */

/** Entries one send may hold: MAX_RECIPIENTS of send.ts, which is server-only (a test keeps them equal). */
export const MAX_FORM_RECIPIENTS = 200_000;
/** Largest CSV file the send form reads. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;
/** Longest recipient entry sent to the server; a longer one cannot be a phone number. */
export const MAX_ENTRY_LENGTH = 40;
/** Rows read to detect a header and the number column. */
export const CSV_SAMPLE_ROWS = 10;

const SEPARATORS = /[\s\-\u2010-\u2015\u2212().\/]/g;
const PHONE_LIKE = /^\+?[\d\s\-\u2010-\u2015\u2212().\/]+$/;
const HEADER_HINT = /phone|number|mobile|msisdn|gsm|tel|recipient|телефон|номер|мобилен|получател/i;

const digitCount = (cell: string) => cell.replace(/\D/g, '').length;

/** A cell made of digits and the usual separators, with an optional leading "+" and at least one digit. */
export function isNumericCell(cell: string): boolean {
  const value = cell.trim();
  return PHONE_LIKE.test(value) && /\d/.test(value);
}

const isPhoneLike = (cell: string | undefined) => isNumericCell(cell ?? '') && digitCount(cell ?? '') >= 6;

/**
 * Whether the first row is a header: it must have a non-empty cell that is not a number, and
 * when the rows below show which column holds the numbers, the first row's cell there must not
 * be one ("Name;Phone" is a header, "0888123456;Ivan" is data).
 */
export function detectHeader(rows: readonly (readonly string[])[]): boolean {
  if (!rows.length) return false;
  const [first, ...rest] = rows;
  if (!first.some((cell) => cell.trim() !== '' && !isNumericCell(cell))) return false;
  const column = guessNumberColumn(rest, false);
  if (!rest.some((row) => isPhoneLike(row[column]))) return true;
  return !isPhoneLike(first[column]);
}

export function columnCount(rows: readonly (readonly string[])[]): number {
  return rows.reduce((max, row) => Math.max(max, row.length), 0);
}

/**
 * The column most likely to hold the numbers: a header that names it ("phone", "телефон", ...)
 * whose cells look like numbers, else the column with the most number-like cells of 6+ digits.
 */
export function guessNumberColumn(rows: readonly (readonly string[])[], hasHeader: boolean): number {
  const data = hasHeader ? rows.slice(1) : rows;
  const columns = columnCount(rows);
  const score = (column: number) => data.filter((row) => isPhoneLike(row[column])).length;
  const scores = Array.from({ length: columns }, (_, column) => score(column));
  if (hasHeader && rows.length) {
    const named = rows[0].findIndex((cell, column) => HEADER_HINT.test(cell) && (scores[column] > 0 || data.length === 0));
    if (named >= 0) return named;
  }
  let best = 0;
  scores.forEach((value, column) => {
    if (value > scores[best]) best = column;
  });
  return best;
}

/** One recipient entry as sent to the server: trimmed, on one line, at most MAX_ENTRY_LENGTH characters. */
export function toEntry(cell: string | undefined | null): string {
  const value = (cell ?? '').replace(/\uFEFF/g, '').replace(/\s+/g, ' ').trim();
  // Clipped rather than dropped, so that the server still reports it (as invalid) and the counts add up.
  return value.length > MAX_ENTRY_LENGTH ? `${value.slice(0, MAX_ENTRY_LENGTH - 1)}…` : value;
}

/**
 * Splits typed or pasted recipients: newlines, commas and semicolons separate entries; spaces
 * separate entries only when every space-separated piece is a whole number on its own
 * ("0888123456 0899123456"), not when they group digits ("+359 888 123 456").
 */
export function splitRecipientText(text: string): string[] {
  const entries: string[] = [];
  for (const chunk of text.split(/[\r\n,;]+/)) {
    const trimmed = chunk.trim();
    if (!trimmed) continue;
    const pieces = trimmed.split(/\s+/);
    const separate = pieces.length > 1 && pieces.every((piece) => isNumericCell(piece) && digitCount(piece) >= 7);
    for (const piece of separate ? pieces : [trimmed]) entries.push(toEntry(piece));
  }
  return entries;
}

export type RecipientEstimate = {
  /** entries that look like distinct phone numbers */
  likely: number;
  /** entries repeating an earlier one (after the same normalisation) */
  duplicates: number;
  /** entries that cannot be phone numbers */
  unlikely: number;
};

/**
 * A quick count for the live cost: national numbers get the account's calling code, "00" means
 * "+", and anything of 8-15 digits counts. The server's check gives the exact figures.
 */
export function estimateRecipients(entries: readonly string[], callingCode: string): RecipientEstimate {
  const seen = new Set<string>();
  let duplicates = 0;
  let unlikely = 0;
  for (const entry of entries) {
    const key = canonical(entry, callingCode);
    if (key === null) unlikely++;
    else if (seen.has(key)) duplicates++;
    else seen.add(key);
  }
  return { likely: seen.size, duplicates, unlikely };
}

function canonical(entry: string, callingCode: string): string | null {
  const s = entry.replace(SEPARATORS, '');
  let digits: string;
  if (/^\+\d+$/.test(s)) digits = s.slice(1);
  else if (/^00\d+$/.test(s)) digits = s.slice(2);
  else if (/^0\d+$/.test(s)) digits = callingCode + s.slice(1);
  else if (/^\d+$/.test(s)) digits = s.startsWith(callingCode) && s.length >= callingCode.length + 7 ? s : callingCode + s;
  else return null;
  return digits.length >= 8 && digits.length <= 15 && !digits.startsWith('0') ? digits : null;
}
