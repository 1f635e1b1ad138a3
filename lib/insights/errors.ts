import { statusName, type StatusName } from '@/lib/messaging/statuses';

/**
 * Why a message did not arrive, in words: one table that the pages, the CSV files, the PDFs and
 * the API share. Each provider error code (the operator's, in delivery reports, and SMSAPI's, when
 * it refuses a message at submit) has a kind and a text key; the words, English and Bulgarian,
 * are `deliveryErrors.codes.<code>` (meaning, next step) in lib/i18n/messages/insights.*.json, and
 * a status without a known code falls back to `deliveryErrors.statuses.<NAME>`.
 *
 * Kinds: temporary (the phone or network, try again later), permanent (the number: remove it),
 * sender and content (ours to change), request (the platform's: tell support).
 */
export type FailureKind = 'temporary' | 'permanent' | 'sender' | 'content' | 'request';

export const ERROR_CODES: Readonly<Record<number, FailureKind>> = {
  // Operators, in delivery reports.
  1: 'temporary', // absent subscriber: phone off or out of coverage
  2: 'permanent', // unknown subscriber: number not in service
  3: 'permanent', // subscriber barred
  4: 'temporary', // handset memory full
  5: 'temporary', // roaming network refused it
  6: 'temporary', // network failure
  7: 'content', // filtered as spam
  9: 'sender', // sender name not accepted by the operator
  10: 'temporary', // validity period expired
  // SMSAPI, refusing a message at submit (lib/gateway/smsapi.ts).
  8: 'request',
  11: 'content',
  12: 'content',
  13: 'permanent',
  14: 'sender',
  18: 'request',
  20: 'request',
  27: 'request',
  32: 'permanent',
  33: 'permanent',
  57: 'permanent',
};

/** What a failure is: by its error code when the table has it, else by its status. */
export type FailureReason = { kind: FailureKind; key: string };

const STATUS_KINDS: Partial<Record<StatusName, FailureKind>> = {
  NOT_FOUND: 'request',
  EXPIRED: 'temporary',
  UNDELIVERED: 'temporary',
  FAILED: 'request',
  REJECTED: 'sender',
  UNKNOWN: 'temporary',
  STOP: 'request',
};

/**
 * The reason of a final status that is not "delivered", or null for delivered and pending
 * messages. `key` is the text key under `deliveryErrors` (codes.N or statuses.NAME).
 */
export function failureReason(status: number, errorCode: number | null): FailureReason | null {
  const name = statusName(status);
  if (!name || !(name in STATUS_KINDS)) return null;
  if (errorCode !== null && ERROR_CODES[errorCode]) return { kind: ERROR_CODES[errorCode], key: `codes.${errorCode}` };
  return { kind: STATUS_KINDS[name]!, key: `statuses.${name}` };
}
