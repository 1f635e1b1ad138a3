import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';

/**
 * A page of a short list shown newest first (report runs, schedules, API tokens): keyset on
 * (created_at, id uuid), `older` links the next page. Only forwards; "newest" is the page
 * without a cursor.
 */
export const LIST_PAGE_SIZE = 20;

export type ListPage<T> = { rows: T[]; older: string | null };

/** created_at with PostgreSQL's microseconds, for the cursor (a JS Date would round them). */
export const createdIso = (column: AnyColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The condition "older than the cursor's row", or undefined for the first page (or a cursor that is not ours). */
export function olderThan(createdAt: AnyColumn, id: AnyColumn, cursor: string | null | undefined): SQL | undefined {
  const at = cursor ? decodeKeysetCursor(cursor, z.uuid()) : null;
  return at ? sql`(${createdAt}, ${id}) < (${at.createdAt}::timestamptz, ${at.id}::uuid)` : undefined;
}

/** The first `size` of `size + 1` rows fetched, and the cursor after them when there are more. */
export function toPage<T extends { id: string; createdIso: string }>(rows: T[], size = LIST_PAGE_SIZE): ListPage<Omit<T, 'createdIso'>> {
  const shown = rows.slice(0, size);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(withoutCursor),
    older: rows.length > size && last ? encodeKeysetCursor(last.createdIso, last.id) : null,
  };
}

/** The row as callers see it: the cursor's timestamp text is the page's business only. */
function withoutCursor<T extends { createdIso: string }>(row: T): Omit<T, 'createdIso'> {
  const copy: Partial<T> = { ...row };
  delete copy.createdIso;
  return copy as Omit<T, 'createdIso'>;
}
