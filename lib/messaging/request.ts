import { z } from 'zod';
import { API_TOKEN_LIMITS, authenticateApiToken, type ApiPrincipal } from '@/lib/auth/api-tokens';
import { clientIp } from '@/lib/auth/client-ip';
import { API_ERRORS, apiError, sendErrorReply } from './api';
import { requestHash, withIdempotency, type ApiReply } from './idempotency';
import { SendError } from './send';
import type { Transaction } from '@/db';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The bearer token's principal, or the provider's error 101 as a ready response. */
export async function authenticate(request: Request): Promise<ApiPrincipal | Response> {
  const result = await authenticateApiToken(request.headers.get('authorization'), clientIp(request.headers));
  if (result === 'rate_limited') {
    return Response.json(
      { error: API_ERRORS.TOKEN, message: 'Too many bad API tokens from this address; try again later' },
      { status: 429, headers: { 'retry-after': String(API_TOKEN_LIMITS.windowMinutes * 60) } },
    );
  }
  if (result === 'invalid') return apiError(401, API_ERRORS.TOKEN, 'Bad or missing API token (Authorization: Bearer …)');
  return result;
}

/** Form-encoded or JSON parameters, size-capped; null when the body cannot be read. */
export async function readParams(request: Request): Promise<Record<string, unknown> | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return null;
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      const value = JSON.parse(text);
      return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function idempotencyKey(request: Request): string | null | Response {
  const key = request.headers.get('idempotency-key');
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) return apiError(400, API_ERRORS.BAD_REQUEST, 'Idempotency-Key must be 1-255 visible ASCII characters');
  return key;
}

/**
 * Runs a send request's work, once per Idempotency-Key when the client gave one, and answers
 * refusals (SendError) with the provider's error codes.
 */
export async function replyToSend(
  accountId: number,
  key: string | null,
  request: { route: string; params: unknown },
  work: (tx?: Transaction) => Promise<ApiReply>,
): Promise<Response> {
  try {
    const reply = key ? await withIdempotency(accountId, key, requestHash(request), work) : await work();
    return Response.json(reply.body, { status: reply.status });
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    const reply = sendErrorReply(error);
    return Response.json(reply.body, { status: reply.status });
  }
}
