import { getStatuses, sendSms } from '@/lib/api/operations';
import { AppError } from '@/lib/errors';
import { clientIp } from '@/lib/auth/client-ip';
import { withApiToken } from '@/lib/gates/api';
import { messageStatuses, smsDoResponse } from '@/lib/messaging/api';
import { planSend, submitSend } from '@/lib/messaging/send';

// POST /api/sms.do: one message to one or more numbers; test=1 prices it without sending.
export const POST = withApiToken(sendSms, async ({ principal, input, request, tx }) => {
  const plan = await planSend(
    {
      accountId: principal.accountId,
      userId: principal.userId,
      ip: clientIp(request.headers),
      source: 'api',
      sender: input.from,
      content: input.message,
      recipients: input.to,
      idx: input.idx?.includes('|') ? input.idx.split('|') : (input.idx ?? null),
      checkIdx: input.check_idx,
      scheduledAt: input.date ?? null,
      maxParts: input.max_parts,
    },
    tx,
  );
  if (input.test) return smsDoResponse({ plan, campaignId: null, messageIds: [], createdAt: new Date() }, true);
  return smsDoResponse(await submitSend(plan, tx), false);
});

// GET /api/sms.do?status=ID1|ID2: current statuses of this account's messages.
export const GET = withApiToken(getStatuses, async ({ principal, input }) => {
  const list = await messageStatuses(principal.accountId, input.status);
  if (list.length === 0) throw new AppError('message_not_found');
  return { count: list.length, list };
});
