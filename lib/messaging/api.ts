import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { contactGroups, messages } from '@/db/schema';
import { POINT_UNITS } from './pricing';
import { SendError, type SendErrorCode, type SendResult } from './send';
import { statusName } from './statuses';

// The provider's public API error codes.
export const API_ERRORS = {
  BAD_REQUEST: 8,
  MESSAGE: 11,
  NO_NUMBERS: 13,
  SENDER: 14,
  NOT_FOUND: 301,
  TOKEN: 101,
  POINTS: 103,
} as const;

const SEND_ERROR_REPLY: Record<SendErrorCode, { error: number; status: number }> = {
  BAD_REQUEST: { error: API_ERRORS.BAD_REQUEST, status: 400 },
  DUPLICATE_IDX: { error: API_ERRORS.BAD_REQUEST, status: 409 },
  EMPTY_MESSAGE: { error: API_ERRORS.MESSAGE, status: 400 },
  MESSAGE_TOO_LONG: { error: API_ERRORS.MESSAGE, status: 400 },
  NO_VALID_NUMBERS: { error: API_ERRORS.NO_NUMBERS, status: 400 },
  SENDER_NOT_ALLOWED: { error: API_ERRORS.SENDER, status: 400 },
  INSUFFICIENT_POINTS: { error: API_ERRORS.POINTS, status: 402 },
};

export function apiError(status: number, error: number, message: string, extra: Record<string, unknown> = {}) {
  return Response.json({ error, message, ...extra }, { status });
}

export function sendErrorReply(error: SendError): { status: number; body: Record<string, unknown> } {
  const mapped = SEND_ERROR_REPLY[error.code];
  const body: Record<string, unknown> = { error: mapped.error, message: error.message };
  if (error.invalid.length) body.invalid_numbers = error.invalid.map((i) => ({ submitted_number: i.input, message: i.reason }));
  return { status: mapped.status, body };
}

export const toPoints = (units: number) => units / POINT_UNITS;
const unixSeconds = (date: Date | null) => (date ? Math.floor(date.getTime() / 1000) : null);

/** The send response, shaped like the provider's sms.do answer. */
export function smsDoResponse(result: SendResult, test: boolean) {
  const { plan } = result;
  return {
    count: plan.valid.length,
    list: plan.valid.map((m, i) => ({
      id: test ? null : String(result.messageIds[i]),
      points: toPoints(m.points),
      number: m.recipient.replace(/^\+/, ''),
      date_sent: unixSeconds(plan.input.scheduledAt ?? result.createdAt),
      submitted_number: m.input,
      status: 'QUEUE',
      idx: m.idx,
      parts: plan.parts,
      error: null,
    })),
    message: plan.input.content,
    length: plan.characters,
    parts: plan.parts,
    ...(plan.invalid.length ? { invalid_numbers: plan.invalid.map((i) => ({ submitted_number: i.input, message: i.reason })) } : {}),
    ...(plan.duplicates ? { duplicates: plan.duplicates } : {}),
  };
}

/** Current statuses of the account's messages, for `GET /api/sms.do?status=ID1|ID2`. */
export async function messageStatuses(accountId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), inArray(messages.id, ids)));
  return rows.map((m) => ({
    id: String(m.id),
    number: m.recipient.replace(/^\+/, ''),
    status: statusName(m.status),
    status_code: m.status,
    date_sent: unixSeconds(m.sentAt),
    date_done: unixSeconds(m.doneAt),
    points: toPoints(m.points),
    idx: m.idx,
    parts: m.parts,
    error: m.errorCode,
  }));
}

/** Accepts a unix timestamp (the provider's form) or an ISO 8601 date-time with an offset. */
export const scheduleSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const date = /^\d{9,11}$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    if (Number.isNaN(date.getTime()) || (!/^\d+$/.test(value) && !/[zZ]|[+-]\d\d:?\d\d$/.test(value))) {
      ctx.addIssue({ code: 'custom', message: 'date must be a unix timestamp or ISO 8601 with an offset' });
      return z.NEVER;
    }
    if (date.getTime() > Date.now() + 180 * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: 'date is more than 180 days ahead' });
      return z.NEVER;
    }
    return date;
  });

export async function groupIdsByName(accountId: number, names: string[], executor: Executor = db): Promise<string[]> {
  if (!names.length) return [];
  const rows = await executor
    .select({ id: contactGroups.id, name: contactGroups.name })
    .from(contactGroups)
    .where(and(eq(contactGroups.accountId, accountId), inArray(contactGroups.name, names)));
  if (rows.length !== new Set(names).size) {
    const found = new Set(rows.map((r) => r.name));
    throw new SendError('BAD_REQUEST', `Unknown contact group: ${names.filter((n) => !found.has(n)).join(', ')}`);
  }
  return rows.map((r) => r.id);
}
