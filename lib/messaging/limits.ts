/**
 * What one send may hold, read by the send form (in the browser), its server action and the
 * API alike, so that the three never disagree. Pure constants: browser-safe.
 */

/** Recipients in one send (typed, pasted, uploaded or through the API). */
export const MAX_RECIPIENTS = 200_000;
/** Longest recipient entry accepted; a longer one cannot be a phone number. */
export const MAX_RECIPIENT_ENTRY_LENGTH = 40;
/** Largest CSV file the send form reads. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;
/** Characters of message text taken in at all; the real limit is the parts below. */
export const MAX_CONTENT_CHARS = 10_000;
/** Concatenated parts a message may be sent with (the API's max_parts cannot exceed it). */
export const MAX_PARTS = 10;
/** Parts the portal's send form allows (stricter than MAX_PARTS). */
export const UI_MAX_PARTS = 6;
/** Characters of one IDX (the client's own reference of a message). */
export const MAX_IDX_LENGTH = 255;
/** Characters of a sender name: 11 alphanumeric or 16 digits (security.md). */
export const MAX_SENDER_LENGTH = 16;
/** Characters of a campaign name. */
export const MAX_CAMPAIGN_NAME_LENGTH = 100;
/** Messages per second a campaign is sent at. */
export const CAMPAIGN_RATE = { min: 1, max: 10_000, default: 100 } as const;
/** How far ahead a send may be scheduled. */
export const MAX_SCHEDULE_DAYS = 180;
/** Contact groups one send may name. */
export const MAX_GROUPS = 500;
/** An API request body. */
export const MAX_API_BODY_BYTES = 4 * 1024 * 1024;
