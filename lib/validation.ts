import { z } from 'zod';

/**
 * The decoders every input shares: one id, one free-text rule. Their messages are error
 * codes (lib/errors.ts), so a failure is translated wherever it shows.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of our rows (campaigns, report runs, tokens...) are uuids; anything else names nothing. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id from a client: not a uuid is "not found", like an id of another account. */
export const idSchema = z.string().regex(UUID, { error: 'not_found' }).transform((id) => id.toLowerCase());

/** C0 and C1 controls, DEL, line and paragraph separators: never in a name or a header. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A name a person types (a campaign, a report, a token): trimmed, 1 to `max` characters, no control characters. */
export function textSchema(max: number) {
  return z
    .string({ error: 'text_required' })
    .trim()
    .min(1, { error: 'text_required' })
    .max(max, { error: 'text_too_long' })
    .refine((text) => !CONTROL_CHARACTERS.test(text), { error: 'text_control' });
}

/** The same, where leaving it empty is allowed ('' -> undefined). */
export function optionalTextSchema(max: number) {
  return z
    .string()
    .trim()
    .max(max, { error: 'text_too_long' })
    .refine((text) => !CONTROL_CHARACTERS.test(text), { error: 'text_control' })
    .transform((text) => text || undefined)
    .optional();
}
