import { z } from 'zod';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';

/** The history's keyset cursor: the (created_at, id) of a message (lib/keyset-cursor.ts). */
export type Cursor = {
  /** ISO 8601 in UTC with up to 6 fractional digits, e.g. 2026-05-04T09:30:00.123456Z */
  createdAt: string;
  id: number;
};

// A message id: a positive bigint that JavaScript holds exactly.
const messageId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/)
  .transform(Number)
  .refine(Number.isSafeInteger);

export function encodeCursor(cursor: Cursor): string {
  return encodeKeysetCursor(cursor.createdAt, cursor.id);
}

/** The cursor in `value`, or null when it is not one of ours (edited, truncated, garbage). */
export function decodeCursor(value: string): Cursor | null {
  return decodeKeysetCursor(value, messageId);
}
