/**
 * The history's keyset cursor: the (created_at, id) of a row, opaque to the user (base64url).
 * created_at keeps PostgreSQL's microseconds: a JavaScript Date (milliseconds) would round
 * them away, and a page boundary between two rows of the same millisecond would skip or repeat
 * rows.
 */
export type Cursor = {
  /** ISO 8601 in UTC with up to 6 fractional digits, e.g. 2026-05-04T09:30:00.123456Z */
  createdAt: string;
  id: number;
};

const ISO_MICROS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const MAX_CURSOR_LENGTH = 200;

function isValidIso(iso: string): boolean {
  const m = ISO_MICROS.exec(iso);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (year < 2000 || year > 2200 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt}~${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor in `value`, or null when it is not one of ours (edited, truncated, garbage). */
export function decodeCursor(value: string): Cursor | null {
  if (value.length === 0 || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  // Node decodes base64 leniently (stray characters are dropped): only our own encoding counts.
  if (Buffer.from(text, 'utf8').toString('base64url') !== value) return null;
  const [createdAt, idText, ...rest] = text.split('~');
  if (rest.length || !createdAt || !idText || !isValidIso(createdAt) || !/^[1-9]\d{0,15}$/.test(idText)) return null;
  const id = Number(idText);
  if (!Number.isSafeInteger(id)) return null;
  return { createdAt, id };
}
