import type { AppError, ErrorCode } from '@/lib/errors';
import type { InvalidRecipient, SkippedRecipient } from '@/lib/messaging/send';

/** The provider's public API error codes, the `error` of every error answer. */
export const PROVIDER_ERRORS = {
  BAD_REQUEST: 8,
  MESSAGE: 11,
  NO_NUMBERS: 13,
  SENDER: 14,
  TOKEN: 101,
  POINTS: 103,
  INTERNAL: 201,
  NOT_FOUND: 301,
} as const;

export type ProviderError = (typeof PROVIDER_ERRORS)[keyof typeof PROVIDER_ERRORS];
export type ErrorAnswer = { status: number; error: ProviderError };

const { BAD_REQUEST, MESSAGE, NO_NUMBERS, SENDER, TOKEN, POINTS, INTERNAL, NOT_FOUND } = PROVIDER_ERRORS;

/**
 * The one table from a refusal's code to the API's answer: its HTTP status and the provider's
 * error code. A code not listed is a bad request (400, error 8), as every zod failure is.
 */
const ANSWERS: Partial<Record<ErrorCode, ErrorAnswer>> = {
  api_token_invalid: { status: 401, error: TOKEN },
  api_token_rate_limited: { status: 429, error: TOKEN },
  // a viewer's token reads; it changes nothing
  read_only: { status: 403, error: TOKEN },
  empty_message: { status: 400, error: MESSAGE },
  message_too_long: { status: 400, error: MESSAGE },
  no_valid_numbers: { status: 400, error: NO_NUMBERS },
  all_opted_out: { status: 400, error: NO_NUMBERS },
  all_suppressed: { status: 400, error: NO_NUMBERS },
  sender_not_allowed: { status: 400, error: SENDER },
  insufficient_points: { status: 402, error: POINTS },
  duplicate_idx: { status: 409, error: BAD_REQUEST },
  campaign_invalid_state: { status: 409, error: BAD_REQUEST },
  resend_not_finished: { status: 409, error: BAD_REQUEST },
  nothing_to_resend: { status: 409, error: BAD_REQUEST },
  suppressed_not_found: { status: 404, error: NOT_FOUND },
  not_found: { status: 404, error: NOT_FOUND },
  campaign_not_found: { status: 404, error: NOT_FOUND },
  message_not_found: { status: 404, error: NOT_FOUND },
  contact_not_found: { status: 404, error: NOT_FOUND },
  contact_group_not_found: { status: 404, error: NOT_FOUND },
  opt_out_not_found: { status: 404, error: NOT_FOUND },
  contact_exists: { status: 409, error: BAD_REQUEST },
  group_name_taken: { status: 409, error: BAD_REQUEST },
  failed: { status: 500, error: INTERNAL },
  unavailable: { status: 503, error: INTERNAL },
};

const BAD: ErrorAnswer = { status: 400, error: BAD_REQUEST };

export function errorAnswer(code: ErrorCode): ErrorAnswer {
  return ANSWERS[code] ?? BAD;
}

/** The answer's body: the provider's `{"error", "message"}`, with the numbers it refused or skipped (opted out) for error 13. */
export function errorBody(error: AppError): Record<string, unknown> {
  const body: Record<string, unknown> = { error: errorAnswer(error.code).error, message: error.describe() };
  const details = error.details as { invalid?: InvalidRecipient[]; skipped?: SkippedRecipient[] } | undefined;
  if (details?.invalid?.length) body.invalid_numbers = invalidNumbersJson(details.invalid);
  if (details?.skipped?.length) body.skipped_numbers = skippedNumbersJson(details.skipped);
  return body;
}

/** The numbers a send refused, as the provider's invalid_numbers. */
export function invalidNumbersJson(invalid: readonly InvalidRecipient[]) {
  return invalid.map((i) => ({ submitted_number: i.input, message: i.reason }));
}

/** The opted-out numbers a send left out, in the same style: never sent, never charged. */
export function skippedNumbersJson(skipped: readonly SkippedRecipient[]) {
  return skipped.map((s) => ({ submitted_number: s.input, number: s.recipient.replace(/^\+/, ''), message: s.reason }));
}
