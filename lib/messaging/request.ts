import { z } from 'zod';
import { verifyApiToken, type ApiPrincipal } from '@/lib/auth/api-tokens';
import { API_ERRORS, apiError } from './api';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The bearer token's principal, or the provider's error 101 as a ready response. */
export async function authenticate(request: Request): Promise<ApiPrincipal | Response> {
  const principal = await verifyApiToken(request.headers.get('authorization'));
  return principal ?? apiError(401, API_ERRORS.TOKEN, 'Bad or missing API token (Authorization: Bearer …)');
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
