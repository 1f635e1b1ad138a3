import 'server-only';
import type { z } from 'zod';
import { isConnectionError, type Transaction } from '@/db';
import { errorAnswer, errorBody } from '@/lib/api/errors';
import type { Operation, Reply } from '@/lib/api/operations';
import { checkText, queryParams, readParams, type Params } from '@/lib/api/request';
import { authenticateApiToken, API_TOKEN_LIMITS, type ApiPrincipal } from '@/lib/auth/api-tokens';
import { clientIp } from '@/lib/auth/client-ip';
import { AppError, parseOrThrow, type ErrorCode } from '@/lib/errors';
import { requestHash, withIdempotency, type ApiReply } from '@/lib/messaging/idempotency';

/**
 * The gate of every REST API route (model: dub's withWorkspace). `withApiToken(operation,
 * handler)`: the bearer token (401, or 429 past the bad-token limit), a viewer's token refused
 * anything but a GET (403), the Idempotency-Key, the path parameters, the query or body decoded
 * strictly (size cap, UTF-8, JSON or form), no NUL or control character in any text, the operation's zod schema; then the handler, inside the
 * idempotent request's transaction when there is a key. Every failure is the provider's
 * `{"error", "message"}` JSON: an AppError by its code (lib/api/errors.ts), a database outage
 * 503 with Retry-After, anything else 500 (logged). A route holds no auth preamble and no
 * try/catch of its own.
 */

export type ApiScope<O extends Operation> = {
  principal: ApiPrincipal;
  input: z.output<O['input']>;
  params: z.output<O['params']>;
  request: Request;
  /** the transaction of a request with an Idempotency-Key: do everything through it */
  tx: Transaction | undefined;
};

/** What Next passes a route handler: the dynamic segments of its path. */
type RouteContext = { params: Promise<Record<string, string>> };

const RETRY_AFTER: Partial<Record<ErrorCode, number>> = {
  api_token_rate_limited: API_TOKEN_LIMITS.windowMinutes * 60,
  unavailable: 10,
};

export function withApiToken<O extends Operation>(operation: O, handler: (scope: ApiScope<O>) => Promise<Reply<O>>) {
  return apiRoute(async (request, context) => {
    const principal = await authenticate(request);
    // The role is read with the token, on every request: a viewer's token reads and changes nothing.
    if (principal.role === 'viewer' && operation.method !== 'GET') throw new AppError('read_only');
    const key = operation.idempotent ? idempotencyKey(request) : null;
    const rawParams = (await context?.params) ?? {};
    const raw = inQuery(operation) ? queryParams(new URL(request.url)) : await postParams(request, operation);
    checkText(rawParams);
    checkText(raw);
    const params = parseOrThrow(operation.params, rawParams) as z.output<O['params']>;
    const input = parseOrThrow(operation.input, raw) as z.output<O['input']>;
    const work = async (tx?: Transaction): Promise<ApiReply> => ({
      status: operation.answer.status,
      body: (await handler({ principal, input, params, request, tx })) as ApiReply['body'],
    });
    const reply = key ? await withIdempotency(principal.accountId, key, requestHash({ route: operation.id, params: raw }), work) : await work();
    return Response.json(reply.body, { status: reply.status });
  });
}

/** The same discipline for an API route without a token (the API's own description). */
export function apiRoute(handler: (request: Request, context?: RouteContext) => Promise<Response>) {
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (error) {
      const known = knownError(error, 'API request failed');
      const retryAfter = RETRY_AFTER[known.code];
      return Response.json(errorBody(known), {
        status: errorAnswer(known.code).status,
        headers: retryAfter ? { 'retry-after': String(retryAfter) } : {},
      });
    }
  };
}

/**
 * The provider's callbacks (a shared secret in the URL, no token): the same discipline in the
 * plain text the provider reads. A refusal is its status and text, never an empty 500.
 */
export function providerCallback(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (error) {
      const known = knownError(error, 'provider callback failed');
      const retryAfter = RETRY_AFTER[known.code];
      return new Response(known.describe(), {
        status: errorAnswer(known.code).status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...(retryAfter ? { 'retry-after': String(retryAfter) } : {}) },
      });
    }
  };
}

/** A refusal as it is; an outage or anything unexpected as `unavailable` / `failed`, logged. */
function knownError(error: unknown, context: string): AppError {
  if (error instanceof AppError) return error;
  // The details go to the log only: the answer names no driver, query or path.
  console.error(context, error);
  return new AppError(isConnectionError(error) ? 'unavailable' : 'failed');
}

async function authenticate(request: Request): Promise<ApiPrincipal> {
  const result = await authenticateApiToken(request.headers.get('authorization'), clientIp(request.headers));
  if (result === 'rate_limited') throw new AppError('api_token_rate_limited', { params: { minutes: API_TOKEN_LIMITS.windowMinutes } });
  if (result === 'invalid') throw new AppError('api_token_invalid');
  return result;
}

function idempotencyKey(request: Request): string | null {
  const key = request.headers.get('idempotency-key');
  if (key !== null && !/^[\x21-\x7e]{1,255}$/.test(key)) throw new AppError('idempotency_key_invalid');
  return key;
}

/** A GET's and a DELETE's parameters are in the query; a POST's and a PUT's in the body. */
function inQuery(operation: Pick<Operation, 'method'>): boolean {
  return operation.method === 'GET' || operation.method === 'DELETE';
}

/** A POST's (or PUT's) parameters are its body; it takes none in the query. */
async function postParams(request: Request, operation: Operation): Promise<Params> {
  const query = queryParams(new URL(request.url));
  const extra = Object.keys(query)[0];
  if (extra !== undefined) throw new AppError('invalid_value', { field: extra, params: { detail: 'parameters go in the body' } });
  return readParams(request, operation.bodyTypes);
}
