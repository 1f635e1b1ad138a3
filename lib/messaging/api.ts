import { and, eq, inArray } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { contactGroups, messages } from '@/db/schema';
import { invalidNumbersJson, skippedNumbersJson } from '@/lib/api/errors';
import { AppError } from '@/lib/errors';
import { POINT_UNITS } from './pricing';
import type { SendResult } from './send';
import { statusName } from './statuses';

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
      status: 'QUEUE' as const,
      idx: m.idx,
      parts: plan.parts,
      error: null,
    })),
    message: plan.input.content,
    length: plan.characters,
    parts: plan.parts,
    ...(plan.invalid.length ? { invalid_numbers: invalidNumbersJson(plan.invalid) } : {}),
    ...(plan.skipped.length ? { skipped_numbers: skippedNumbersJson(plan.skipped) } : {}),
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
    status: statusName(m.status)!, // the column's CHECK keeps it a known code
    status_code: m.status,
    date_sent: unixSeconds(m.sentAt),
    date_done: unixSeconds(m.doneAt),
    points: toPoints(m.points),
    idx: m.idx,
    parts: m.parts,
    error: m.errorCode,
  }));
}

export async function groupIdsByName(accountId: number, names: string[], executor: Executor = db): Promise<string[]> {
  if (!names.length) return [];
  const rows = await executor
    .select({ id: contactGroups.id, name: contactGroups.name })
    .from(contactGroups)
    .where(and(eq(contactGroups.accountId, accountId), inArray(contactGroups.name, names)));
  if (rows.length !== new Set(names).size) {
    const found = new Set(rows.map((r) => r.name));
    throw new AppError('group_not_found', { field: 'group', params: { names: names.filter((n) => !found.has(n)).join(', ') } });
  }
  return rows.map((r) => r.id);
}
