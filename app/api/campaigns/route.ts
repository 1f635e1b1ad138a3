import { z } from 'zod';
import { getCampaignProgress } from '@/lib/campaigns';
import { campaignJson } from '@/lib/campaigns/api';
import { API_ERRORS, apiError, groupIdsByName, scheduleSchema, sendErrorReply, toPoints } from '@/lib/messaging/api';
import { requestHash, withIdempotency, type ApiReply } from '@/lib/messaging/idempotency';
import { authenticate, idempotencyKey, readParams, zodMessage } from '@/lib/messaging/request';
import { planSend, SendError, submitSend } from '@/lib/messaging/send';

const campaignSchema = z
  .strictObject({
    from: z.string().trim().min(1).max(16),
    message: z.string().max(10_000),
    to: z.array(z.string().max(40)).max(200_000).optional(),
    group: z.union([z.string(), z.array(z.string())]).optional(),
    idx: z.string().max(255).optional(),
    rate: z.number().int().min(1).max(10_000).optional(),
    name: z.string().trim().max(100).optional(),
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
      groupIds: await groupIdsByName(principal.accountId, groups),
      idx: p.idx ?? null,
      scheduledAt: p.date ?? null,
      campaign: { name: p.name, rate: p.rate },
    });
    const result = await submitSend(plan, tx);
    const progress = await getCampaignProgress(principal.accountId, result.campaignId!);
    const body = campaignJson(progress!);
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

  try {
    const reply = key
      ? await withIdempotency(principal.accountId, key, requestHash({ route: 'campaigns', params: raw }), create)
      : await create();
    return Response.json(reply.body, { status: reply.status });
  } catch (error) {
    if (error instanceof SendError) {
      const reply = sendErrorReply(error);
      return Response.json(reply.body, { status: reply.status });
    }
    throw error;
  }
}
