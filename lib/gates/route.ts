import 'server-only';
import { isConnectionError } from '@/db';
import { getCurrentUser, type SessionUser } from '@/lib/auth';
import { AppError, type ErrorCode } from '@/lib/errors';
import { emptyResponse } from '@/lib/files/download';

/**
 * The gates of route handlers that answer a browser (downloads): `withUser` for the signed-in
 * user's cookie, `publicRoute` for what needs none (a signed link proves itself). A refusal is
 * an AppError whose code picks the status; the body stays empty (a download never streams an
 * error page into a file) and carries the no-store headers every download response has
 * (emptyResponse of the file kit).
 */

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  read_only: 403,
  not_found: 404,
  link_invalid: 403,
  link_expired: 410,
  busy: 503,
  unavailable: 503,
};

type Context<P> = { params: Promise<P> };

/** A route for anyone: errors become empty answers with their status. */
export function publicRoute<P>(handler: (request: Request, params: P) => Promise<Response>) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    try {
      return await handler(request, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** A route for the signed-in user (the session cookie, checked against the database): 401 without one. */
export function withUser<P>(handler: (request: Request, scope: { user: SessionUser; params: P }) => Promise<Response>) {
  return publicRoute<P>(async (request, params) => {
    const user = await getCurrentUser();
    if (!user) throw new AppError('unauthorized');
    return handler(request, { user, params });
  });
}

function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const status = STATUS_OF[error.code] ?? 400;
    return emptyResponse(status, status === 503 ? { 'Retry-After': '10' } : {});
  }
  if (isConnectionError(error)) return emptyResponse(503, { 'Retry-After': '10' });
  console.error('route failed', error);
  return emptyResponse(500);
}
