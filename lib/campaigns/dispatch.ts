import { sql, type SQL } from 'drizzle-orm';
import { db, isConnectionError } from '@/db';
import { applySendOutcomes } from '@/lib/gateway/reports';
import { enqueue } from '@/lib/jobs';
import type { Gateway, OutgoingMessage } from '@/lib/gateway/types';
import { STATUS } from '@/lib/messaging/statuses';
import { processMetrics } from '@/lib/ops/metrics';

/** Largest batch claimed at once, whatever the rate. */
export const MAX_BATCH = 5_000;

type ClaimedRow = { id: string; sender_name: string; recipient: string; content: string; parts: number; idx: string | null };

function toOutgoing(rows: ClaimedRow[]): OutgoingMessage[] {
  return rows.map((r) => ({ id: Number(r.id), sender: r.sender_name, recipient: r.recipient, content: r.content, parts: r.parts, idx: r.idx }));
}

/**
 * QUEUE -> SENT ("handed to the gateway") by one conditional UPDATE: a message is claimed once,
 * however many jobs run or retry, and only while its campaign is sending. The claim holds the
 * campaign row (FOR SHARE, before it touches a message) until it commits, so a stop waits for it
 * and then knows which messages stay unsent.
 */
async function claimCampaignBatch(campaignId: string, limit: number): Promise<OutgoingMessage[]> {
  return toOutgoing(await db.execute<ClaimedRow>(claimQuery(campaignId, limit)));
}

/**
 * The claim's statement (also what the send bench times alone). The ids come from
 * messages_campaign_queued_idx alone, an index-only scan: asked to lock them there (FOR UPDATE),
 * the planner rather walks the primary key from the table's first row, which it takes to hold
 * the campaign's messages all along. A concurrent claimer's rows wait for its commit and then
 * fail `m.status = QUEUE`.
 */
export function claimQuery(campaignId: string, limit: number) {
  return sql`
    update messages m set status = ${STATUS.SENT}, sent_at = now()
    where m.id in (
        select id from messages
        where campaign_id = ${campaignId} and status = ${STATUS.QUEUE}
        order by id limit ${limit})
      and m.status = ${STATUS.QUEUE}
      and exists (select 1 from campaigns c where c.id = ${campaignId} and c.status = 'sending' for share)
    returning m.id, m.sender_name, m.recipient, coalesce(m.content, (select c.content from campaigns c where c.id = ${campaignId})) as content, m.parts, m.idx`;
}

export type DispatchOutcome = 'completed' | 'not_sending' | 'more';

/**
 * Sends a campaign's waiting messages in batches at its rate (messages per second) for up to
 * `budgetMs` (or until `stop` fires, after the batch in hand), then says whether more remain. A
 * scheduled campaign whose time has come starts here.
 */
export async function dispatchCampaign(campaignId: string, gateway: Gateway, budgetMs = 5_000, stop?: AbortSignal): Promise<DispatchOutcome> {
  await db.execute(sql`
    update campaigns set status = 'sending', started_at = now()
    where id = ${campaignId} and status = 'scheduled' and (scheduled_at is null or scheduled_at <= now())`);
  const started = Date.now();
  let sent = 0;
  for (;;) {
    const [campaign] = await db.execute<{ status: string; rate: number }>(
      sql`select status, rate from campaigns where id = ${campaignId}`,
    );
    if (!campaign || campaign.status !== 'sending') return 'not_sending';
    const batch = await claimCampaignBatch(campaignId, Math.min(campaign.rate, MAX_BATCH));
    if (batch.length === 0) {
      const done = await db.execute(sql`
        update campaigns set status = 'completed', finished_at = now()
        where id = ${campaignId} and status = 'sending' and ${firstWaiting(campaignId)} is null
        returning id`);
      // Nothing claimable but some still waiting: another worker holds them; look again soon.
      return done.length ? 'completed' : 'more';
    }
    await db.execute(sql`update campaigns set dispatched_at = now() where id = ${campaignId}`);
    try {
      await handOver(gateway, batch);
    } catch (error) {
      // The database went away (a restart), not the gateway: the job is retried and carries on.
      if (isConnectionError(error)) throw error;
      // The gateway is down: hold the rest of the campaign until someone resumes it.
      await db.execute(sql`update campaigns set status = 'paused' where id = ${campaignId} and status = 'sending'`);
      throw error;
    }
    sent += batch.length;
    // The worker is stopping: the batch in hand has gone, the next run takes the rest.
    if (stop?.aborted) return 'more';
    // Pace to the rate: the next batch starts when this many messages' worth of time has passed.
    const wait = started + (sent / campaign.rate) * 1000 - Date.now();
    if (Date.now() - started + Math.max(wait, 0) >= budgetMs) {
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return 'more';
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

/** Single (non-campaign) messages, by id. */
export async function dispatchMessages(ids: number[], gateway: Gateway): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db.execute<ClaimedRow>(sql`
    update messages set status = ${STATUS.SENT}, sent_at = now()
    where id in (select unnest(${`{${ids.map(Number).join(',')}}`}::bigint[]))
      and status = ${STATUS.QUEUE} and campaign_id is null
      and (scheduled_at is null or scheduled_at <= now())
    returning id, sender_name, recipient, content, parts, idx`);
  const batch = toOutgoing(rows);
  if (batch.length) await handOver(gateway, batch);
  return batch.length;
}

/**
 * The claim is the one write of an accepted message on the way out (its gateway id comes with its
 * delivery reports). If the gateway cannot be reached, the claimed messages are not sent again
 * later (a timeout may have delivered them): they end FAILED and are refunded, and the error is
 * raised to the job.
 */
async function handOver(gateway: Gateway, batch: OutgoingMessage[]): Promise<void> {
  let outcomes;
  try {
    outcomes = await gateway.send(batch);
  } catch (error) {
    await applySendOutcomes(batch.map((m) => ({ id: m.id, accepted: false, status: STATUS.FAILED, errorCode: null })));
    throw error;
  }
  processMetrics().handedOver.inc(batch.length);
  await applySendOutcomes(outcomes);
}

/**
 * A worker killed mid-job leaves its job locked (graphile-worker frees such locks only after
 * hours). This finds work that has gone quiet for `stallSeconds` and queues it again: a job key
 * replaces a waiting job, and a new job is made beside a dead worker's locked one. Claims are
 * conditional, so a job that was in fact alive sends nothing twice.
 */
export async function requeueStalledWork(stallSeconds: number): Promise<{ campaigns: number; messages: number }> {
  const stalled = await db.execute<{ id: string; status: 'sending' | 'stopped' }>(stalledCampaignsQuery(stallSeconds));
  const waiting = await db.execute<{ id: string }>(overdueMessagesQuery(stallSeconds));
  await db.transaction(async (tx) => {
    for (const { id, status } of stalled) {
      await enqueue(tx, status === 'sending' ? 'campaign:dispatch' : 'campaign:stop', { campaignId: id }, { jobKey: `campaign:${id}` });
    }
    const ids = waiting.map((m) => Number(m.id));
    for (let i = 0; i < ids.length; i += 1000) await enqueue(tx, 'messages:dispatch', { ids: ids.slice(i, i + 1000) });
  });
  return { campaigns: stalled.length, messages: waiting.length };
}

/**
 * The campaign's first waiting message (null: none), from messages_campaign_queued_idx. Asked as
 * EXISTS, the planner may scan the whole table instead, expecting a waiting message at once.
 */
function firstWaiting(campaignId: string | SQL) {
  return sql`(select min(id) from messages where campaign_id = ${campaignId} and status = ${sql.raw(String(STATUS.QUEUE))})`;
}

/**
 * Campaigns with messages still waiting (messages_campaign_queued_idx) whose job has gone quiet for
 * `stallSeconds`: sending ones (campaigns_sending_idx), and ones stopped in the last day whose
 * messages are not all STOP yet (campaigns_stopped_idx).
 */
export function stalledCampaignsQuery(stallSeconds: number) {
  const waiting = sql`${firstWaiting(sql`campaigns.id`)} is not null`;
  return sql`
    select id, status from campaigns
    where status = 'sending'
      and coalesce(dispatched_at, started_at, created_at) < now() - make_interval(secs => ${stallSeconds})
      and ${waiting}
    union all
    select id, status from campaigns
    where status = 'stopped'
      and finished_at > now() - interval '1 day' and finished_at < now() - make_interval(secs => ${stallSeconds})
      and ${waiting}`;
}

/**
 * Single messages still waiting `stallSeconds` after they were due (created, or scheduled for
 * later): a range of messages_single_queued_idx, whose expression and predicate these repeat.
 */
export function overdueMessagesQuery(stallSeconds: number) {
  return sql`
    select id from messages
    where status = ${sql.raw(String(STATUS.QUEUE))} and campaign_id is null
      and greatest(created_at, scheduled_at) < now() - make_interval(secs => ${stallSeconds})
    order by greatest(created_at, scheduled_at) limit 10000`;
}
