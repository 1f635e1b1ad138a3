import { and, eq, inArray, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { campaignStatusCounts, campaigns } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { enqueue } from '@/lib/jobs';
import { postEntry } from '@/lib/ledger';
import { STATUS } from '@/lib/messaging/statuses';

export type CampaignAction = 'pause' | 'resume' | 'stop';
export type ControlResult =
  | { ok: true; status: 'paused' | 'sending' | 'scheduled' | 'stopped'; refunded: number }
  | { ok: false; reason: 'not_found' | 'invalid_state'; status?: string };

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

// Inside a transaction this must use the transaction's connection, or concurrent calls can
// exhaust the pool while each waits for a second connection.
async function currentStatus(executor: Executor, accountId: number, campaignId: string): Promise<ControlResult> {
  const [row] = await executor
    .select({ status: campaigns.status })
    .from(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.accountId, accountId)));
  return row ? { ok: false, reason: 'invalid_state', status: row.status } : { ok: false, reason: 'not_found' };
}

/** Who controls a campaign, for the audit log: the user (null: none, e.g. a script) and the client's address. */
type Actor = { userId: number | null; ip: string | null };

/** A control that changed the campaign, recorded in its transaction: a refused one records nothing. */
function recordControl(tx: Executor, accountId: number, campaignId: string, action: CampaignAction, actor: Actor, details: Record<string, unknown>) {
  return recordAudit(tx, { accountId, userId: actor.userId, action: `campaign.${action}`, target: { type: 'campaign', id: campaignId }, ip: actor.ip, details });
}

/** Pause takes effect before the next batch: dispatch claims messages only while the campaign sends. */
export async function pauseCampaign(accountId: number, campaignId: string, userId: number | null = null, ip: string | null = null): Promise<ControlResult> {
  if (!isUuid(campaignId)) return { ok: false, reason: 'not_found' };
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(campaigns)
      .set({ status: 'paused' })
      .where(and(eq(campaigns.id, campaignId), eq(campaigns.accountId, accountId), inArray(campaigns.status, ['sending', 'scheduled'])))
      .returning({ id: campaigns.id });
    if (!rows.length) return currentStatus(tx, accountId, campaignId);
    await recordControl(tx, accountId, campaignId, 'pause', { userId, ip }, {});
    return { ok: true, status: 'paused', refunded: 0 } as const;
  });
}

/** Resume continues where it stopped: the remaining QUEUE messages, at the campaign's rate. */
export async function resumeCampaign(accountId: number, campaignId: string, userId: number | null = null, ip: string | null = null): Promise<ControlResult> {
  if (!isUuid(campaignId)) return { ok: false, reason: 'not_found' };
  return db.transaction(async (tx) => {
    // A campaign paused before its scheduled time goes back to waiting for it.
    const rows = await tx
      .update(campaigns)
      .set({
        status: sql`case when ${campaigns.scheduledAt} > now() then 'scheduled' else 'sending' end::campaign_status`,
        startedAt: sql`case when ${campaigns.scheduledAt} > now() then null else coalesce(${campaigns.startedAt}, now()) end`,
        // The failure guard judges the resumed sending afresh (lib/campaigns/guard.ts).
        guardRecent: '',
      })
      .where(and(eq(campaigns.id, campaignId), eq(campaigns.accountId, accountId), eq(campaigns.status, 'paused')))
      .returning({ status: campaigns.status, scheduledAt: campaigns.scheduledAt });
    if (!rows.length) return currentStatus(tx, accountId, campaignId);
    const [row] = rows;
    await enqueue(tx, 'campaign:dispatch', { campaignId }, { jobKey: `campaign:${campaignId}`, runAt: row.status === 'scheduled' ? row.scheduledAt : null });
    await recordControl(tx, accountId, campaignId, 'resume', { userId, ip }, { status: row.status });
    return { ok: true, status: row.status === 'scheduled' ? 'scheduled' : 'sending', refunded: 0 } as const;
  });
}

/** Waiting messages a stop turns to STOP per statement: the first batch in the stop itself, the rest in a job. */
export const STOP_BATCH = 5_000;

/**
 * Stop is one conditional UPDATE of the campaign row; only the call that moved it refunds, in the
 * same transaction, exactly the points of the messages never handed to the gateway. A claim holds
 * the campaign row (dispatch.ts), so once the row is ours none is under way and none can start:
 * the campaign's QUEUE counter (kept exact by the triggers) is what comes back. The messages turn
 * to STOP in batches, the first one here and the rest in the campaign:stop job, so a stop answers
 * at once however many messages wait. The unique index on refund entries per
 * campaign is the backstop.
 */
export async function stopCampaign(accountId: number, campaignId: string, userId: number | null = null, ip: string | null = null): Promise<ControlResult> {
  if (!isUuid(campaignId)) return { ok: false, reason: 'not_found' };
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(campaigns)
      .set({ status: 'stopped', finishedAt: sql`now()` })
      .where(
        and(
          eq(campaigns.id, campaignId),
          eq(campaigns.accountId, accountId),
          inArray(campaigns.status, ['scheduled', 'sending', 'paused']),
        ),
      )
      .returning({ id: campaigns.id });
    if (!rows.length) return currentStatus(tx, accountId, campaignId);
    const [waiting] = await tx
      .select({ points: campaignStatusCounts.points })
      .from(campaignStatusCounts)
      .where(and(eq(campaignStatusCounts.campaignId, campaignId), eq(campaignStatusCounts.status, STATUS.QUEUE)));
    const refunded = Number(waiting?.points ?? 0);
    if (refunded > 0) {
      await postEntry(tx, { accountId, kind: 'refund', amount: refunded, campaignId, userId, note: 'Campaign stopped: unsent messages' });
      await tx.update(campaigns).set({ pointsRefunded: refunded }).where(eq(campaigns.id, campaignId));
    }
    if ((await stopWaitingMessages(tx, campaignId)) === STOP_BATCH) {
      await enqueue(tx, 'campaign:stop', { campaignId }, { jobKey: `campaign:${campaignId}` });
    }
    await recordControl(tx, accountId, campaignId, 'stop', { userId, ip }, { refunded });
    return { ok: true, status: 'stopped', refunded } as const;
  });
}

/**
 * Up to STOP_BATCH of a stopped campaign's waiting messages become STOP, at 0 points: a stopped
 * message costs nothing, its points went back with the refund, so the messages' points add up to
 * what the campaign cost (history, CSVs, counters and reports read them). The ids come from
 * messages_campaign_queued_idx alone, as the claim's do (dispatch.ts). Returns how many it stopped.
 */
export async function stopWaitingMessages(executor: Executor, campaignId: string): Promise<number> {
  const rows = await executor.execute(sql`
    update messages set status = ${STATUS.STOP}, points = 0, done_at = now()
    where id in (
        select id from messages where campaign_id = ${campaignId} and status = ${STATUS.QUEUE}
        order by id limit ${STOP_BATCH})
      and status = ${STATUS.QUEUE}
    returning id`);
  return rows.length;
}

/** `userId` and `ip`: who did it and from where, for the audit log. */
export function controlCampaign(action: CampaignAction, accountId: number, campaignId: string, userId: number | null, ip: string | null = null) {
  if (action === 'pause') return pauseCampaign(accountId, campaignId, userId, ip);
  if (action === 'resume') return resumeCampaign(accountId, campaignId, userId, ip);
  return stopCampaign(accountId, campaignId, userId, ip);
}

export type CampaignProgress = {
  id: string;
  name: string;
  status: string;
  sender: string;
  recipients: number;
  /** recipients left out because their numbers are opted out */
  skippedOptedOut: number;
  /** recipients left out because their numbers are suppressed as dead */
  skippedSuppressed: number;
  /** the campaign this one resends to (a follow-up), if any */
  followsCampaignId: string | null;
  /** the failure guard's threshold (null: off) */
  guard: { failurePercent: number; window: number } | null;
  /** when the failure guard paused the campaign, and what it saw */
  guardTrip: { at: Date; failed: number; reports: number } | null;
  rate: number;
  points: number;
  pointsRefunded: number;
  createdAt: Date;
  /** counts per status code */
  counts: Record<number, number>;
  /** points of the messages still waiting: what a stop would refund now */
  refundableUnits: number;
};

/** A campaign's progress and its times, for its page; its follow-up, if one was made. */
export type CampaignDetails = CampaignProgress & {
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  content: string;
  followUp: { id: string; name: string; status: string; recipients: number } | null;
  origin: { id: string; name: string } | null;
};

export async function getCampaignProgress(accountId: number, campaignId: string): Promise<CampaignDetails | null> {
  if (!isUuid(campaignId)) return null;
  const [campaign] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.accountId, accountId)));
  if (!campaign) return null;
  // Kept by triggers on messages (migration 0006): no scan of the campaign's messages.
  const rows = await db
    .select({ status: campaignStatusCounts.status, n: campaignStatusCounts.messages, points: campaignStatusCounts.points })
    .from(campaignStatusCounts)
    .where(eq(campaignStatusCounts.campaignId, campaignId));
  const [followUp] = await db
    .select({ id: campaigns.id, name: campaigns.name, status: campaigns.status, recipients: campaigns.recipients })
    .from(campaigns)
    .where(and(eq(campaigns.followsCampaignId, campaign.id), eq(campaigns.accountId, accountId)));
  const [origin] = campaign.followsCampaignId
    ? await db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(and(eq(campaigns.id, campaign.followsCampaignId), eq(campaigns.accountId, accountId)))
    : [];
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    sender: campaign.senderName,
    content: campaign.content,
    recipients: campaign.recipients,
    skippedOptedOut: campaign.skippedOptedOut,
    skippedSuppressed: campaign.skippedSuppressed,
    followsCampaignId: campaign.followsCampaignId,
    followUp: followUp ?? null,
    origin: origin ?? null,
    guard: campaign.guardFailurePercent === null ? null : { failurePercent: campaign.guardFailurePercent, window: campaign.guardWindow },
    guardTrip:
      campaign.guardTrippedAt && campaign.guardFailed !== null && campaign.guardReports !== null
        ? { at: campaign.guardTrippedAt, failed: campaign.guardFailed, reports: campaign.guardReports }
        : null,
    rate: campaign.rate,
    points: campaign.points,
    pointsRefunded: campaign.pointsRefunded,
    createdAt: campaign.createdAt,
    scheduledAt: campaign.scheduledAt,
    startedAt: campaign.startedAt,
    finishedAt: campaign.finishedAt,
    counts: Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.status, r.n])),
    refundableUnits: Number(rows.find((r) => r.status === STATUS.QUEUE)?.points ?? 0),
  };
}
