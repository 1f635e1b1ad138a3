import { z } from 'zod';
import { campaignJson } from '@/lib/campaigns/api';
import { API_ERRORS, apiError, groupIdsByName, scheduleSchema, toPoints } from '@/lib/messaging/api';
import type { ApiReply } from '@/lib/messaging/idempotency';
import { authenticate, idempotencyKey, readParams, replyToSend, zodMessage } from '@/lib/messaging/request';
import { planSend, submitSend } from '@/lib/messaging/send';
import { STATUS } from '@/lib/messaging/statuses';

const campaignSchema = z
  .strictObject({
    from: z.string().trim().min(1).max(16),
    message: z.string().max(10_000),
    to: z.array(z.string().max(40)).max(200_000).optional(),
    group: z.union([z.string(), z.array(z.string())]).optional(),
    idx: z.string().max(255).optional(),
    rate: z.number().int().min(1).max(10_000).optional(),
    name: z
      .string()
      .trim()
      .max(100)
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'name must not contain control characters')
      .optional(),
    date: scheduleSchema.optional(),
  })
  .refine((v) => v.to?.length || v.group, { message: 'to (an array of numbers) or group is required' });

// POST /api/campaigns: a bulk campaign, sent in the background at `rate` messages per second.
export async function POST(request: Request) {
  const principal = await authenticate(request);
  if (principal instanceof Response) return principal;
  const key = idempotencyKey(request);
  if (key instanceof Response) return key;
  const raw = await readParams(request);
  if (!raw || !(request.headers.get('content-type') ?? '').includes('application/json')) {
    return apiError(400, API_ERRORS.BAD_REQUEST, 'Send a JSON body (Content-Type: application/json)');
  }
  const parsed = campaignSchema.safeParse(raw);
  if (!parsed.success) return apiError(400, API_ERRORS.BAD_REQUEST, zodMessage(parsed.error));
  const p = parsed.data;

  const create = async (tx?: Parameters<typeof submitSend>[1]): Promise<ApiReply> => {
    const groups = p.group === undefined ? [] : Array.isArray(p.group) ? p.group : [p.group];
    const plan = await planSend({
      accountId: principal.accountId,
      userId: principal.userId,
      source: 'api',
      sender: p.from,
      content: p.message,
      recipients: p.to ?? [],
      groupIds: await groupIdsByName(principal.accountId, groups, tx),
      idx: p.idx ?? null,
      scheduledAt: p.date ?? null,
      campaign: { name: p.name, rate: p.rate },
    }, tx);
    const result = await submitSend(plan, tx);
    // Built from what was just stored: inside an idempotent request the rows are not committed yet.
    const body = campaignJson({
      id: result.campaignId!,
      name: p.name ?? '',
      status: p.date && p.date.getTime() > Date.now() ? 'scheduled' : 'sending',
      sender: p.from,
      recipients: plan.valid.length,
      rate: p.rate ?? 100,
      points: plan.totalPoints,
      pointsRefunded: 0,
      createdAt: result.createdAt,
      counts: { [STATUS.QUEUE]: plan.valid.length },
      refundableUnits: plan.totalPoints,
    });
    return {
      status: 201,
      body: {
        ...body,
        points: toPoints(plan.totalPoints),
        invalid_numbers: plan.invalid.map((i) => ({ submitted_number: i.input, message: i.reason })),
        duplicates: plan.duplicates,
      },
    };
  };

  return replyToSend(principal.accountId, key, { route: 'campaigns', params: raw }, create);
}
