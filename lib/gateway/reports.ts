import { sql } from 'drizzle-orm';
import { db, type Executor, type Transaction } from '@/db';
import { applyGuard } from '@/lib/campaigns/guard';
import { recordNumberOutcomes, type AppliedReport } from '@/lib/contacts/suppressions';
import { enqueue } from '@/lib/jobs';
import { postEntry } from '@/lib/ledger';
import { AWAITING_REPORT_STATUSES, PENDING_STATUSES, STATUS } from '@/lib/messaging/statuses';
import type { DeliveryReport, SendOutcome } from './types';

const FINAL = new Set([401, 402, 404, 405, 406, 407, 408, 412]);
const FINAL_CODES = sql.raw(`(${[...FINAL].join(',')})`);
// Sent and not yet final: the predicate of messages_awaiting_report_idx, written the same way.
const AWAITING_REPORT_CODES = sql.raw(`(${AWAITING_REPORT_STATUSES.join(', ')})`);

/** Stored reports applied per transaction. */
export const APPLY_BATCH = 5_000;

// Applying takes this transaction-level advisory lock, so one applier runs at a time (report
// generation uses 7301, sign-in 7311 and 7312, API tokens 7313). A batch is applied in rounds
// (below), and two appliers of several statements each could lock the same counter rows in
// opposite orders.
const APPLY_LOCK = 7321;

/**
 * Stores reports as the provider's callback or the simulator hands them in: one insert, so the
 * caller can answer the provider as soon as they are safe. A job applies them (requestApplying).
 */
export async function storeDeliveryReports(reports: DeliveryReport[], executor: Executor = db): Promise<void> {
  if (reports.length === 0) return;
  await executor.execute(sql`
    insert into delivery_report_inbox (message_id, gateway_message_id, status, done_at, error_code, network)
    select id, gw, status, done_at, error_code, network
      from jsonb_to_recordset(${JSON.stringify(reports.map(toRecord))}::jsonb)
        as r(id bigint, gw text, status smallint, done_at timestamptz, error_code int, network text)`);
}

type Received = { reports: DeliveryReport[]; stored: Promise<void> };
let collecting: Received | null = null;
let storing: Promise<unknown> = Promise.resolve();

/**
 * Stores reports as the provider's callback receives them, then asks for them to be applied.
 * Callbacks that come while this process's last insert is under way share the next one (one
 * insert, one commit for all of them); each caller returns once the insert holding its reports
 * has committed, or fails with it.
 */
export async function receiveDeliveryReports(reports: DeliveryReport[]): Promise<void> {
  if (reports.length === 0) return;
  const batch = (collecting ??= nextBatch());
  batch.reports.push(...reports);
  await batch.stored;
  requestApplying();
}

/** The batch that the next insert takes, once the one under way has ended. */
function nextBatch(): Received {
  const reports: DeliveryReport[] = [];
  const stored = storing.then(() => {
    // Only this batch collects until here (a new one starts when none is collecting).
    collecting = null;
    return storeDeliveryReports(reports);
  });
  storing = stored.catch(() => {});
  return { reports, stored };
}

let applyRequested: NodeJS.Timeout | null = null;

/**
 * Asks the workers to apply what was stored, in ~100 ms: one job (under one key) for however many
 * reports this process stored meanwhile, since adding a job also notifies every worker. Should the
 * process die first, the minute's sweep (lib/jobs/worker.ts) applies them.
 */
export function requestApplying(): void {
  if (applyRequested) return;
  applyRequested = setTimeout(() => {
    applyRequested = null;
    enqueue(db, 'gateway:apply-reports', {}, { jobKey: 'gateway:apply-reports' }).catch((error: unknown) => {
      console.warn('[reports] could not queue applying the stored delivery reports; the minute sweep will', error);
    });
  }, 100);
  applyRequested.unref();
}

type StoredReport = {
  id: string;
  message_id: string | null;
  gateway_message_id: string | null;
  status: number;
  done_ms: number;
  error_code: number | null;
  network: string | null;
};

/**
 * Applies the stored reports in the order they came, APPLY_BATCH at a time until none are left.
 * A batch leaves the inbox in the transaction that applies it: after a crash it is applied later,
 * never lost and never applied twice. Returns how many reports it took.
 */
export async function applyStoredReports(): Promise<number> {
  let taken = 0;
  for (;;) {
    const { count, finals } = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${APPLY_LOCK}, 0)`);
      const rows = await tx.execute<StoredReport>(sql`
        delete from delivery_report_inbox
         where id in (select id from delivery_report_inbox order by id limit ${APPLY_BATCH})
        returning id, message_id, gateway_message_id, status, extract(epoch from done_at)::float8 * 1000 as done_ms, error_code, network`);
      const reports = [...rows]
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((r): DeliveryReport => ({
          ...(r.message_id !== null && { messageId: Number(r.message_id) }),
          ...(r.gateway_message_id !== null && { gatewayMessageId: r.gateway_message_id }),
          status: r.status as DeliveryReport['status'],
          doneAt: new Date(r.done_ms),
          errorCode: r.error_code,
          network: r.network,
        }));
      const applied = await applyInRounds(tx, reports);
      return { count: rows.length, finals: applied.finals };
    });
    await applyGuard(finals);
    taken += count;
    if (count < APPLY_BATCH) return taken;
  }
}

/**
 * Applies delivery reports, in the order given, as if they had come one by one. A final status is
 * never overwritten, a repeated report changes nothing, and a report never moves a message back
 * to QUEUE. The one exception is UNKNOWN, which we set ourselves when no report came in time: a
 * late final report is the truth we were missing, so it replaces UNKNOWN. Returns how many
 * messages changed.
 */
export async function applyDeliveryReports(reports: DeliveryReport[]): Promise<number> {
  const applied = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${APPLY_LOCK}, 0)`);
    return applyInRounds(tx, reports);
  });
  await applyGuard(applied.finals);
  return applied.changed;
}

type Targeted = DeliveryReport & { messageId: number };

type AppliedRow = { id: string; account_id: number; campaign_id: string | null; recipient: string; status: number; error_code: number | null };

const appliedReport = (row: AppliedRow): AppliedReport => ({
  messageId: Number(row.id),
  accountId: row.account_id,
  campaignId: row.campaign_id,
  phone: row.recipient,
  status: row.status,
  errorCode: row.error_code,
});

/**
 * One statement per round, round k holding the k-th report of each message, so that a message's
 * reports apply in their order whatever else the batch holds (mostly one round, two when the
 * operator's "accepted" and the final report come together). The final reports applied go on to
 * the numbers' failure runs (in this transaction) and are returned for the campaigns' failure
 * guard (after it).
 */
async function applyInRounds(tx: Transaction, reports: DeliveryReport[]): Promise<{ changed: number; finals: AppliedReport[] }> {
  const rounds: Targeted[][] = [];
  const seen = new Map<number, { rounds: number; status: number }>();
  for (const report of await withMessageIds(tx, reports)) {
    if (report.status === STATUS.QUEUE) continue;
    const previous = seen.get(report.messageId);
    // The same status again right after changes nothing, whatever the message's state.
    if (previous?.status === report.status) continue;
    const round = previous?.rounds ?? 0;
    (rounds[round] ??= []).push(report);
    seen.set(report.messageId, { rounds: round + 1, status: report.status });
  }
  const changed = new Set<number>();
  const finals: AppliedReport[] = [];
  for (const round of rounds) {
    // In id order, so that concurrent writers lock the messages in the same order.
    round.sort((a, b) => a.messageId - b.messageId);
    const rows = await tx.execute<AppliedRow>(sql`
      update messages m
      set status = r.status,
          done_at = case when r.status in ${FINAL_CODES} then r.done_at else m.done_at end,
          error_code = coalesce(r.error_code, m.error_code),
          network = coalesce(r.network, m.network),
          gateway_message_id = coalesce(m.gateway_message_id, r.gw)
      from jsonb_to_recordset(${JSON.stringify(round.map(toRecord))}::jsonb)
        as r(id bigint, gw text, status smallint, done_at timestamptz, error_code int, network text)
      where m.id = r.id
        and (m.status not in ${FINAL_CODES} or (m.status = ${STATUS.UNKNOWN} and r.status in ${FINAL_CODES} and r.status <> ${STATUS.STOP}))
        and m.status <> ${STATUS.QUEUE}
        and m.status <> r.status
      returning m.id, m.account_id, m.campaign_id, m.recipient, m.status, m.error_code`);
    for (const row of rows) {
      changed.add(Number(row.id));
      if (FINAL.has(row.status)) finals.push(appliedReport(row));
    }
  }
  await recordNumberOutcomes(tx, finals);
  return { changed: changed.size, finals };
}

/** Reports that name only the gateway's id get ours (those naming no message we know are dropped). */
async function withMessageIds(tx: Transaction, reports: DeliveryReport[]): Promise<Targeted[]> {
  const unnamed = [...new Set(reports.filter((r) => r.messageId === undefined && r.gatewayMessageId).map((r) => r.gatewayMessageId!))];
  const byGateway = new Map<string, number>();
  if (unnamed.length) {
    const rows = await tx.execute<{ id: string; gw: string }>(sql`
      select m.id, m.gateway_message_id as gw
        from jsonb_array_elements_text(${JSON.stringify(unnamed)}::jsonb) g(gw)
        join messages m on m.gateway_message_id = g.gw`);
    for (const row of rows) byGateway.set(row.gw, Number(row.id));
  }
  return reports.flatMap((r) => {
    const messageId = r.messageId ?? byGateway.get(r.gatewayMessageId ?? '');
    return messageId === undefined ? [] : [{ ...r, messageId }];
  });
}

function toRecord(r: DeliveryReport) {
  return {
    id: r.messageId ?? null,
    gw: r.gatewayMessageId ?? null,
    status: r.status,
    done_at: r.doneAt.toISOString(),
    error_code: r.errorCode ?? null,
    network: r.network ?? null,
  };
}

/**
 * Records what the gateway said of the messages it refused outright: the final status and, in the
 * same transaction, the refund of their points. Accepted messages need no write of their own: the
 * gateway's id for one arrives with its delivery reports (applyInRounds keeps it).
 */
export async function applySendOutcomes(outcomes: SendOutcome[]): Promise<void> {
  const finals: AppliedReport[] = [];
  for (const refused of outcomes.filter((o) => !o.accepted)) {
    await db.transaction(async (tx) => {
      // A refusal at submit is a final report too: the number's run and the campaign's guard count
      // it. The appliers' lock first, before any row, as the appliers take it.
      await tx.execute(sql`select pg_advisory_xact_lock(${APPLY_LOCK}, 0)`);
      const [message] = await tx.execute<AppliedRow & { points: string }>(sql`
        update messages set status = ${refused.status}, error_code = ${refused.errorCode}, done_at = now()
        where id = ${refused.id} and status in ${sql.raw(`(${PENDING_STATUSES.join(',')})`)}
        returning id, account_id, points, campaign_id, recipient, status, error_code`);
      if (!message) return;
      await recordNumberOutcomes(tx, [appliedReport(message)]);
      finals.push(appliedReport(message));
      if (Number(message.points) === 0) return;
      await postEntry(tx, {
        accountId: message.account_id,
        kind: 'refund',
        amount: Number(message.points),
        messageId: refused.id,
        note: 'Refused by the gateway',
      });
    });
  }
  await applyGuard(finals);
}

/** Messages expired per statement. */
export const EXPIRE_BATCH = 5_000;

/**
 * Up to `limit` messages awaiting a report for more than `validitySeconds` since they were sent
 * end UNKNOWN. Oldest first from messages_awaiting_report_idx, a range that holds only the overdue
 * ones: how many are awaiting their report, or how big the table is, changes nothing.
 */
export function expireUnreportedQuery(validitySeconds: number, limit = EXPIRE_BATCH) {
  return sql`
    update messages set status = ${STATUS.UNKNOWN}, done_at = now()
    where id in (
        select id from messages
        where status in ${AWAITING_REPORT_CODES} and sent_at < now() - make_interval(secs => ${validitySeconds})
        order by sent_at limit ${limit})
      and status in ${AWAITING_REPORT_CODES}
    returning id`;
}

/** Messages that never got a final report end UNKNOWN once their validity period is over. */
export async function expireUnreported(validitySeconds: number): Promise<number> {
  let expired = 0;
  for (;;) {
    const count = (await db.execute(expireUnreportedQuery(validitySeconds))).length;
    expired += count;
    if (count < EXPIRE_BATCH) return expired;
  }
}
