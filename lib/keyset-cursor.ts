import { z } from 'zod';

/**
 * Keyset page cursors: a row's (created_at, id), opaque to the user (base64url of
 * "created_at~id"). created_at keeps PostgreSQL's microseconds (ISO 8601 in UTC, e.g.
 * 2026-05-04T09:30:00.123456Z): a JavaScript Date would round them away, and a page boundary
 * between two rows of the same millisecond would skip or repeat rows.
 *
 * A cursor comes back from the URL, so decoding is strict: only what encodeKeysetCursor makes,
 * byte for byte, with a real instant and an id of the expected shape; anything else is null,
 * never a value that makes a query fail.
 */
const MAX_CURSOR_LENGTH = 200;
const ISO_MICROS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

function isRealInstant(iso: string): boolean {
  const match = ISO_MICROS.exec(iso);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (year < 2000 || year > 2200 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const createdAtSchema = z.string().refine(isRealInstant);

export function encodeKeysetCursor(createdAt: string, id: string | number): string {
  return Buffer.from(`${createdAt}~${id}`, 'utf8').toString('base64url');
}

/** The cursor in `value` with its id parsed by `id`, or null when it is not one of ours. */
export function decodeKeysetCursor<T>(value: unknown, id: z.ZodType<T, string>): { createdAt: string; id: T } | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  // Node decodes base64 leniently (stray characters are dropped): only our own encoding counts.
  if (Buffer.from(text, 'utf8').toString('base64url') !== value) return null;
  const parsed = z.tuple([createdAtSchema, id]).safeParse(text.split('~'));
  return parsed.success ? { createdAt: parsed.data[0], id: parsed.data[1] } : null;
}
