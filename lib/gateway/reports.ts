import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { postEntry } from '@/lib/ledger';
import { isFinalStatus, PENDING_STATUSES, STATUS } from '@/lib/messaging/statuses';
import type { DeliveryReport, SendOutcome } from './types';

const FINAL_CODES = sql.raw(`(${[401, 402, 404, 405, 406, 407, 408, 412].join(',')})`);

/**
 * Applies delivery reports, from a gateway's callback or the simulator alike. A final status is
 * never overwritten, a repeated report changes nothing, and a report never moves a message back
 * to QUEUE. The one exception is UNKNOWN, which we set ourselves when no report came in time: a
 * late final report is the truth we were missing, so it replaces UNKNOWN. Returns how many
 * messages changed.
 */
export async function applyDeliveryReports(reports: DeliveryReport[]): Promise<number> {
  // Within one batch, the last final report for a message wins over any non-final one.
  const byKey = new Map<string, DeliveryReport>();
  for (const report of reports) {
    if (report.status === STATUS.QUEUE) continue;
    const key = report.messageId ? `id:${report.messageId}` : `gw:${report.gatewayMessageId}`;
    const previous = byKey.get(key);
    if (!previous || isFinalStatus(report.status) || !isFinalStatus(previous.status)) byKey.set(key, report);
  }
  const list = [...byKey.values()];
  if (list.length === 0) return 0;
  const rows = await db.execute(sql`
    with r as (
      select * from jsonb_to_recordset(${JSON.stringify(
        list.map((r) => ({
          id: r.messageId ?? null,
          gw: r.gatewayMessageId ?? null,
          status: r.status,
          done_at: r.doneAt.toISOString(),
          error_code: r.errorCode ?? null,
        })),
      )}::jsonb) as r(id bigint, gw text, status smallint, done_at timestamptz, error_code int)
    )
    update messages m
    set status = r.status,
        done_at = case when r.status in ${FINAL_CODES} then r.done_at else m.done_at end,
        error_code = coalesce(r.error_code, m.error_code)
    from r
    where (m.id = r.id or (r.id is null and m.gateway_message_id = r.gw))
      and (m.status not in ${FINAL_CODES} or (m.status = ${STATUS.UNKNOWN} and r.status in ${FINAL_CODES} and r.status <> ${STATUS.STOP}))
      and m.status <> ${STATUS.QUEUE}
      and m.status <> r.status
    returning m.id`);
  return rows.length;
}

/**
 * Records what the gateway said when it took a batch: its ids for the accepted messages; for a
 * refused one, the final status and, in the same transaction, the refund of its points.
 */
export async function applySendOutcomes(outcomes: SendOutcome[]): Promise<void> {
  const accepted = outcomes.filter((o) => o.accepted);
  if (accepted.length) {
    await db.execute(sql`
      update messages m set gateway_message_id = r.gw
      from jsonb_to_recordset(${JSON.stringify(accepted.map((o) => ({ id: o.id, gw: o.gatewayMessageId })))}::jsonb) as r(id bigint, gw text)
      where m.id = r.id`);
  }
  for (const refused of outcomes.filter((o) => !o.accepted)) {
    await db.transaction(async (tx) => {
      const [message] = await tx.execute<{ account_id: number; points: string; campaign_id: string | null }>(sql`
        update messages set status = ${refused.status}, error_code = ${refused.errorCode}, done_at = now()
        where id = ${refused.id} and status in ${sql.raw(`(${PENDING_STATUSES.join(',')})`)}
        returning account_id, points, campaign_id`);
      if (!message || Number(message.points) === 0) return;
      await postEntry(tx, {
        accountId: message.account_id,
        kind: 'refund',
        amount: Number(message.points),
        messageId: refused.id,
        note: 'Refused by the gateway',
      });
    });
  }
}

/** Messages that never got a final report end UNKNOWN once their validity period is over. */
export async function expireUnreported(validitySeconds: number): Promise<number> {
  const rows = await db.execute(sql`
    update messages set status = ${STATUS.UNKNOWN}, done_at = now()
    where status in (${STATUS.SENT}, ${STATUS.ACCEPTED}, ${STATUS.RENEWAL})
      and sent_at < now() - make_interval(secs => ${validitySeconds})
    returning id`);
  return rows.length;
}
