import type { AppError, ErrorCode } from '@/lib/errors';
import type { InvalidRecipient } from '@/lib/messaging/send';

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
  empty_message: { status: 400, error: MESSAGE },
  message_too_long: { status: 400, error: MESSAGE },
  no_valid_numbers: { status: 400, error: NO_NUMBERS },
  sender_not_allowed: { status: 400, error: SENDER },
  insufficient_points: { status: 402, error: POINTS },
  duplicate_idx: { status: 409, error: BAD_REQUEST },
  campaign_invalid_state: { status: 409, error: BAD_REQUEST },
  not_found: { status: 404, error: NOT_FOUND },
  campaign_not_found: { status: 404, error: NOT_FOUND },
  message_not_found: { status: 404, error: NOT_FOUND },
  failed: { status: 500, error: INTERNAL },
  unavailable: { status: 503, error: INTERNAL },
};

const BAD: ErrorAnswer = { status: 400, error: BAD_REQUEST };

export function errorAnswer(code: ErrorCode): ErrorAnswer {
  return ANSWERS[code] ?? BAD;
}

/** The answer's body: the provider's `{"error", "message"}`, with the numbers it refused for error 13. */
export function errorBody(error: AppError): Record<string, unknown> {
  const body: Record<string, unknown> = { error: errorAnswer(error.code).error, message: error.describe() };
  const invalid = (error.details as { invalid?: InvalidRecipient[] } | undefined)?.invalid;
  if (invalid?.length) body.invalid_numbers = invalid.map((i) => ({ submitted_number: i.input, message: i.reason }));
  return body;
}
