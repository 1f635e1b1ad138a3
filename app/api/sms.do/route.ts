import { z } from 'zod';
import { API_ERRORS, apiError, messageStatuses, scheduleSchema, smsDoResponse } from '@/lib/messaging/api';
import type { ApiReply } from '@/lib/messaging/idempotency';
import { authenticate, idempotencyKey, readParams, replyToSend, zodMessage } from '@/lib/messaging/request';
import { planSend, submitSend } from '@/lib/messaging/send';
import { MAX_PARTS } from '@/lib/messaging/segments';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const smsDoSchema = z.strictObject({
  to: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)),
  from: z.string().trim().min(1, 'from is required').max(16),
  message: z.string().max(10_000),
  idx: z.string().max(200_000).optional(),
  check_idx: z.coerce.string().pipe(flag).optional(),
  date: z.coerce.string().pipe(scheduleSchema).optional(),
  max_parts: z.coerce.number().int().min(1).max(MAX_PARTS).optional(),
  format: z.literal('json').optional(),
  encoding: z.enum(['utf-8', 'utf8']).optional(),
  test: z.coerce.string().pipe(flag).optional(),
});

export async function POST(request: Request) {
  const principal = await authenticate(request);
  if (principal instanceof Response) return principal;
  const key = idempotencyKey(request);
  if (key instanceof Response) return key;
  const raw = await readParams(request);
  if (!raw) return apiError(400, API_ERRORS.BAD_REQUEST, 'Unreadable or too large request body');
  const parsed = smsDoSchema.safeParse(raw);
  if (!parsed.success) return apiError(400, API_ERRORS.BAD_REQUEST, zodMessage(parsed.error));
  const p = parsed.data;
  if (p.to.length === 0) return apiError(400, API_ERRORS.NO_NUMBERS, 'No recipient numbers (to)');

  const send = async (tx?: Parameters<typeof submitSend>[1]): Promise<ApiReply> => {
    const plan = await planSend({
      accountId: principal.accountId,
      userId: principal.userId,
      source: 'api',
      sender: p.from,
      content: p.message,
      recipients: p.to,
      idx: p.idx?.includes('|') ? p.idx.split('|') : (p.idx ?? null),
      checkIdx: p.check_idx,
      scheduledAt: p.date ?? null,
      maxParts: p.max_parts,
    }, tx);
    if (p.test) return { status: 200, body: smsDoResponse({ plan, campaignId: null, messageIds: [], createdAt: new Date() }, true) };
    return { status: 200, body: smsDoResponse(await submitSend(plan, tx), false) };
  };

  return replyToSend(principal.accountId, key, { route: 'sms.do', params: raw }, send);
}

// GET /api/sms.do?status=ID1|ID2: current statuses of this account's messages.
export async function GET(request: Request) {
  const principal = await authenticate(request);
  if (principal instanceof Response) return principal;
  const status = new URL(request.url).searchParams.get('status') ?? '';
  const ids = status.split('|').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 || ids.length > 1000 || !ids.every((id) => /^\d{1,15}$/.test(id))) {
    return apiError(400, API_ERRORS.BAD_REQUEST, 'status must be 1-1000 message ids separated by |');
  }
  const list = await messageStatuses(principal.accountId, ids.map(Number));
  if (list.length === 0) return apiError(404, API_ERRORS.NOT_FOUND, 'No message with these ids');
  return Response.json({ count: list.length, list });
}
