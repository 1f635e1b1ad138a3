import { sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { planSend, SendError, submitSend, type SendInput, type SendPlan } from '@/lib/messaging/send';
import { resendBreakdown, type ResendBreakdown } from './audiences';

/**
 * "Send again only to those who did not get it": a finished or stopped campaign's temporary
 * failures (lib/campaigns/audiences.ts RESENDABLE), less the numbers opted out or suppressed
 * since, become one linked follow-up campaign: the same sender and content unless edited, the
 * origin's rate and guard. One follow-up per origin (campaigns_follows_key): pressing the button
 * again, or twenty times at once, returns the follow-up already made, charged once.
 */

const FINISHED = new Set(['completed', 'stopped']);

/** What the user may change before sending again. */
export type ResendEdits = { sender?: string; content?: string };

type Origin = { id: string; status: string; name: string; sender_name: string; content: string; rate: number; guard_failure_percent: number | null; guard_window: number };

export type ResendPreview = {
  breakdown: ResendBreakdown;
  /** recipients the follow-up would have, what it would cost (units) and its parts per message */
  recipients: number;
  points: number;
  parts: number;
  sender: string;
  content: string;
  /** the follow-up already made, if any: the button then leads there */
  followUp: { id: string } | null;
};

export type ResendResult = { campaignId: string; created: boolean; recipients: number; points: number };

async function loadOrigin(executor: Executor, accountId: number, campaignId: string, lock: boolean): Promise<Origin> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(campaignId)) throw new AppError('campaign_not_found');
  const [origin] = await executor.execute<Origin>(sql`
    select id, status::text, name, sender_name, content, rate, guard_failure_percent, guard_window
      from campaigns where id = ${campaignId} and account_id = ${accountId}
      ${lock ? sql`for update` : sql``}`);
  if (!origin) throw new AppError('campaign_not_found');
  return origin;
}

async function existingFollowUp(executor: Executor, origin: Origin): Promise<{ id: string; recipients: number; points: number } | null> {
  const [row] = await executor.execute<{ id: string; recipients: number; points: string }>(
    sql`select id, recipients, points::text from campaigns where follows_campaign_id = ${origin.id}`,
  );
  return row ? { id: row.id, recipients: row.recipients, points: Number(row.points) } : null;
}

function followUpInput(accountId: number, origin: Origin, edits: ResendEdits, actor: AuditActor, source: SendInput['source']): SendInput {
  return {
    accountId,
    userId: actor.userId,
    ip: actor.ip,
    source,
    sender: edits.sender ?? origin.sender_name,
    content: edits.content ?? origin.content,
    recipients: [],
    audiences: [{ campaignId: origin.id, segment: 'resend' }],
    campaign: {
      name: origin.name,
      rate: origin.rate,
      guard: origin.guard_failure_percent === null ? null : { failurePercent: origin.guard_failure_percent, window: origin.guard_window },
      followsCampaignId: origin.id,
    },
  };
}

/** The plan of the follow-up, or null when no one is left to send to. */
async function planFollowUp(input: SendInput, executor: Executor): Promise<SendPlan | null> {
  try {
    return await planSend(input, executor);
  } catch (error) {
    if (error instanceof SendError && ['no_valid_numbers', 'all_opted_out', 'all_suppressed'].includes(error.code)) return null;
    throw error;
  }
}

/** Who would get the follow-up and what it would cost, writing nothing. */
export async function previewResend(accountId: number, campaignId: string, edits: ResendEdits = {}, executor: Executor = db): Promise<ResendPreview> {
  const origin = await loadOrigin(executor, accountId, campaignId, false);
  const input = followUpInput(accountId, origin, edits, { userId: null, ip: null }, 'portal');
  // One after another: the executor may be a transaction's one connection.
  const breakdown = await resendBreakdown(accountId, origin.id, executor);
  const plan = await planFollowUp(input, executor);
  const followUp = await existingFollowUp(executor, origin);
  return {
    breakdown,
    recipients: plan?.valid.length ?? 0,
    points: plan?.totalPoints ?? 0,
    parts: plan?.parts ?? 0,
    sender: input.sender,
    content: input.content,
    followUp: followUp ? { id: followUp.id } : null,
  };
}

/**
 * Makes the follow-up (or returns the one made before), paid in the same transaction. The origin
 * row is locked first: concurrent presses wait for the first and then find its follow-up.
 */
export async function resendCampaign(
  accountId: number,
  campaignId: string,
  actor: AuditActor,
  options: { edits?: ResendEdits; source?: SendInput['source']; tx?: Executor } = {},
): Promise<ResendResult> {
  const work = async (tx: Executor): Promise<ResendResult> => {
    const origin = await loadOrigin(tx, accountId, campaignId, true);
    const made = await existingFollowUp(tx, origin);
    if (made) return { campaignId: made.id, created: false, recipients: made.recipients, points: made.points };
    if (!FINISHED.has(origin.status)) throw new AppError('resend_not_finished');
    const plan = await planFollowUp(followUpInput(accountId, origin, options.edits ?? {}, actor, options.source ?? 'portal'), tx);
    if (!plan) throw new AppError('nothing_to_resend');
    const sent = await submitSend(plan, tx);
    await recordAudit(tx, {
      accountId,
      userId: actor.userId,
      action: 'campaign.resend',
      target: { type: 'campaign', id: origin.id },
      ip: actor.ip,
      details: { recipients: plan.valid.length, points: plan.totalPoints, followUp: sent.campaignId },
    });
    return { campaignId: sent.campaignId!, created: true, recipients: plan.valid.length, points: plan.totalPoints };
  };
  return options.tx ? work(options.tx) : db.transaction(work);
}
