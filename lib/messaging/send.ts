import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { accounts, campaigns, messages, prices } from '@/db/schema';
import { isApprovedSender } from '@/lib/accounts';
import { recordAudit } from '@/lib/audit/record';
import { audienceQuery, type Audience } from '@/lib/campaigns/audiences';
import { optedOutAmong } from '@/lib/contacts/opt-outs';
import { suppressedAmong } from '@/lib/contacts/suppressions';
import { AppError, type ErrorCode, type ErrorParams } from '@/lib/errors';
import { GUARD_DEFAULTS } from '@/lib/campaigns/guard';
import { enqueue } from '@/lib/jobs';
import { InsufficientBalanceError, postEntry } from '@/lib/ledger';
import { normalizeNumber, type CountryCode } from './phone';
import { countParts, MAX_PARTS } from './segments';
import { STATUS } from './statuses';

/** Every refusal of a send (planSend, submitSend): codes of the `errors` messages. */
export const SEND_REFUSALS = [
  'too_many_recipients',
  'empty_message',
  'message_too_long',
  'sender_not_allowed',
  'idx_count_mismatch',
  'idx_too_long',
  'no_valid_numbers',
  'all_opted_out',
  'all_suppressed',
  'duplicate_idx',
  'insufficient_points',
] as const satisfies readonly ErrorCode[];

export type SendErrorCode = (typeof SEND_REFUSALS)[number];

/** A refused send: an AppError with a send code; `details.invalid` holds the numbers refused, `details.skipped` the opted-out ones. */
export class SendError extends AppError {
  constructor(
    code: SendErrorCode,
    options: { field?: string; params?: ErrorParams; invalid?: InvalidRecipient[]; skipped?: SkippedRecipient[] } = {},
  ) {
    super(code, { field: options.field, params: options.params, details: { invalid: options.invalid ?? [], skipped: options.skipped ?? [] } });
    this.name = 'SendError';
  }

  override get code(): SendErrorCode {
    return super.code as SendErrorCode;
  }

  get invalid(): InvalidRecipient[] {
    return (this.details as { invalid: InvalidRecipient[] }).invalid;
  }

  get skipped(): SkippedRecipient[] {
    return (this.details as { skipped: SkippedRecipient[] }).skipped;
  }
}

export const MAX_RECIPIENTS = 200_000;
export const MAX_IDX_LENGTH = 255;

export type SendInput = {
  accountId: number;
  userId: number | null;
  /** the client's address, for the audit log (null: no request, e.g. a script) */
  ip?: string | null;
  source: 'api' | 'portal';
  sender: string;
  content: string;
  /** numbers as typed: E.164, international, or national for the account's country */
  recipients: string[];
  /** contacts of these groups are added to the recipients */
  groupIds?: string[];
  /** recipients of an earlier campaign chosen by its results (lib/campaigns/audiences.ts) are added */
  audiences?: Audience[];
  /** one IDX for every message, or one per entry of `recipients` */
  idx?: string | string[] | null;
  /** refuse an IDX already used by this account in the last 24 hours (API check_idx) */
  checkIdx?: boolean;
  scheduledAt?: Date | null;
  maxParts?: number;
  /** a bulk campaign (with pause, resume, stop) rather than individual messages */
  campaign?: {
    name?: string;
    rate?: number;
    /** the failure guard (lib/campaigns/guard.ts): null turns it off; absent, the defaults */
    guard?: { failurePercent: number; window: number } | null;
    /** the campaign this one resends to (lib/campaigns/resend.ts) */
    followsCampaignId?: string;
  } | null;
};

export type InvalidRecipient = { input: string; reason: 'empty' | 'invalid' | 'too_long' | 'unsupported_country' };

/**
 * A valid number left out of a send: opted out (lib/contacts/opt-outs.ts) or suppressed as dead
 * (lib/contacts/suppressions.ts), so never sent and never priced.
 */
export type SkippedRecipient = { input: string; recipient: string; reason: 'opted_out' | 'suppressed' };

export type PlannedMessage = { recipient: string; input: string; country: string; points: number; idx: string | null };

export type SendPlan = {
  input: SendInput;
  encoding: 'gsm7' | 'ucs2';
  characters: number;
  parts: number;
  valid: PlannedMessage[];
  invalid: InvalidRecipient[];
  skipped: SkippedRecipient[];
  duplicates: number;
  totalPoints: number;
};

export type SendResult = {
  plan: SendPlan;
  campaignId: string | null;
  /** message ids in the order of plan.valid; empty for a test request */
  messageIds: number[];
  createdAt: Date;
};

/** Validates and prices a send without writing anything (also the API's test=1 and the form's preview). */
// Reads go through `executor` so that, inside an idempotent request's transaction, one
// connection does everything (a second one per request could exhaust the pool).
export async function planSend(input: SendInput, executor: Executor = db): Promise<SendPlan> {
  if (input.recipients.length > MAX_RECIPIENTS) throw new SendError('too_many_recipients', { params: { max: MAX_RECIPIENTS } });
  const maxParts = Math.min(input.maxParts ?? MAX_PARTS, MAX_PARTS);
  const content = input.content;
  if (content.trim() === '') throw new SendError('empty_message');
  const counted = countParts(content);
  if (counted.parts > maxParts) {
    throw new SendError('message_too_long', { params: { parts: counted.parts, max: maxParts } });
  }
  if (!(await isApprovedSender(input.accountId, input.sender, executor))) {
    throw new SendError('sender_not_allowed', { params: { sender: input.sender } });
  }
  const idxList = Array.isArray(input.idx) ? input.idx : null;
  if (idxList && idxList.length !== input.recipients.length) {
    throw new SendError('idx_count_mismatch', { field: 'idx' });
  }
  for (const value of idxList ?? (input.idx ? [input.idx] : [])) {
    if (value.length > MAX_IDX_LENGTH) throw new SendError('idx_too_long', { field: 'idx', params: { max: MAX_IDX_LENGTH } });
  }

  const [account] = await executor.select({ country: accounts.country }).from(accounts).where(eq(accounts.id, input.accountId));
  const priceList = new Map((await executor.select().from(prices)).map((p) => [p.country, p.unitsPerPart]));
  const seen = new Set<string>();
  const planned: PlannedMessage[] = [];
  const invalid: InvalidRecipient[] = [];
  // Group members and audience numbers that are opted out or suppressed (found with them below).
  const blockedMembers = new Map<string, SkippedRecipient['reason']>();
  let duplicates = 0;
  const consider = (raw: string, idx: string | null) => {
    const result = normalizeNumber(raw, account.country as CountryCode);
    if (!result.ok) return invalid.push({ input: raw, reason: result.reason });
    if (seen.has(result.e164)) return duplicates++;
    seen.add(result.e164);
    const price = priceList.get(result.country);
    if (!price) return invalid.push({ input: raw, reason: 'unsupported_country' });
    planned.push({ recipient: result.e164, input: raw, country: result.country, points: counted.parts * price, idx });
  };
  input.recipients.forEach((raw, i) => consider(raw, idxList ? idxList[i] || null : (input.idx as string | null | undefined) || null));
  const typed = planned.length;
  const addMembers = async (numbers: SQL) => {
    const members = await executor.execute<{ phone: string; opted_out: boolean; suppressed: boolean }>(sql`
      select n.phone, exists (select 1 from opt_outs o where o.account_id = ${input.accountId} and o.phone = n.phone) as opted_out,
             exists (select 1 from number_failures f where f.account_id = ${input.accountId} and f.phone = n.phone and f.suppressed_at is not null) as suppressed
        from (${numbers}) n`);
    for (const member of members) {
      if (member.opted_out || member.suppressed) blockedMembers.set(member.phone, member.opted_out ? 'opted_out' : 'suppressed');
      consider(member.phone, typeof input.idx === 'string' ? input.idx : null);
    }
  };
  if (input.groupIds?.length) {
    await addMembers(sql`
      select distinct c.phone
        from contact_group_members gm
        join contact_groups g on g.id = gm.group_id
        join contacts c on c.id = gm.contact_id
       where g.account_id = ${input.accountId} and g.id = any(${`{${input.groupIds.join(',')}}`}::uuid[])`);
  }
  for (const audience of input.audiences ?? []) await addMembers(audienceQuery(input.accountId, audience));
  // An opted-out or suppressed number is never sent to and never priced: it moves to `skipped`.
  const typedNumbers = planned.slice(0, typed).map((m) => m.recipient);
  const optedOut = await optedOutAmong(input.accountId, typedNumbers, executor);
  const suppressed = await suppressedAmong(input.accountId, typedNumbers, executor);
  const blocked = new Map(blockedMembers);
  for (const phone of suppressed) blocked.set(phone, 'suppressed');
  for (const phone of optedOut) blocked.set(phone, 'opted_out');
  const valid = planned.filter((m) => !blocked.has(m.recipient));
  const skipped: SkippedRecipient[] = planned
    .filter((m) => blocked.has(m.recipient))
    .map((m) => ({ input: m.input, recipient: m.recipient, reason: blocked.get(m.recipient)! }));
  if (valid.length === 0 && skipped.length) {
    const code = skipped.every((m) => m.reason === 'opted_out') ? 'all_opted_out' : 'all_suppressed';
    throw new SendError(code, { params: { count: skipped.length }, invalid, skipped });
  }
  if (valid.length === 0) throw new SendError('no_valid_numbers', { invalid });

  if (input.checkIdx) {
    const used = await executor
      .select({ idx: messages.idx })
      .from(messages)
      .where(
        and(
          eq(messages.accountId, input.accountId),
          inArray(messages.idx, [...new Set(valid.map((m) => m.idx).filter((v): v is string => !!v))]),
          sql`${messages.createdAt} > now() - interval '24 hours'`,
        ),
      )
      .limit(1);
    if (used.length) throw new SendError('duplicate_idx', { field: 'idx', params: { idx: used[0].idx ?? '' } });
  }

  return {
    input,
    encoding: counted.encoding,
    characters: counted.characters,
    parts: counted.parts,
    valid,
    invalid,
    skipped,
    duplicates,
    totalPoints: valid.reduce((sum, m) => sum + m.points, 0),
  };
}

/**
 * Stores what a plan sends, pays for it and queues its dispatch, all in one transaction: a send
 * that cannot be paid is refused whole and nothing is created.
 */
export async function submitSend(plan: SendPlan, tx?: Executor): Promise<SendResult> {
  const run = (executor: Executor) => storeSend(executor, plan);
  try {
    return tx ? await run(tx) : await db.transaction(run);
  } catch (error) {
    if (error instanceof InsufficientBalanceError) throw new SendError('insufficient_points');
    throw error;
  }
}

async function storeSend(tx: Executor, plan: SendPlan): Promise<SendResult> {
  const { input } = plan;
  const scheduledAt = input.scheduledAt && input.scheduledAt.getTime() > Date.now() ? input.scheduledAt : null;
  let campaignId: string | null = null;
  if (input.campaign) {
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        accountId: input.accountId,
        userId: input.userId,
        name: input.campaign.name ?? '',
        senderName: input.sender,
        content: input.content,
        encoding: plan.encoding,
        parts: plan.parts,
        source: input.source,
        status: scheduledAt ? 'scheduled' : 'sending',
        rate: input.campaign.rate ?? 100,
        recipients: plan.valid.length,
        points: plan.totalPoints,
        skippedOptedOut: plan.skipped.filter((m) => m.reason === 'opted_out').length,
        skippedSuppressed: plan.skipped.filter((m) => m.reason === 'suppressed').length,
        followsCampaignId: input.campaign.followsCampaignId ?? null,
        ...(input.campaign.guard === undefined
          ? {}
          : { guardFailurePercent: input.campaign.guard?.failurePercent ?? null, guardWindow: input.campaign.guard?.window ?? GUARD_DEFAULTS.window }),
        scheduledAt,
        startedAt: scheduledAt ? null : sql`now()`,
      })
      .returning({ id: campaigns.id });
    campaignId = campaign.id;
  }
  // Paid first: an overdraft aborts before any row is written.
  await postEntry(tx, {
    accountId: input.accountId,
    kind: 'debit',
    amount: -plan.totalPoints,
    campaignId,
    userId: input.userId,
    note: campaignId ? `Campaign of ${plan.valid.length} messages` : `${plan.valid.length} message(s) via ${input.source}`,
  });
  // A campaign's text is the campaign's: stored once, not per recipient.
  const rows = await tx.execute<{ id: string; created_at: string }>(sql`
    insert into messages (account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts,
                          points, status, source, idx, scheduled_at)
    select ${input.accountId}, ${campaignId}::uuid, ${input.userId}::int, ${input.sender}, r.recipient, r.country,
           ${campaignId ? null : input.content}::text, ${plan.encoding}::message_encoding, ${plan.parts}, r.points, ${STATUS.QUEUE},
           ${input.source}::message_source, r.idx, ${scheduledAt?.toISOString() ?? null}::timestamptz
    from unnest(${pgArray(plan.valid.map((m) => m.recipient))}::text[], ${pgArray(plan.valid.map((m) => m.country))}::text[],
                ${pgArray(plan.valid.map((m) => String(m.points)))}::bigint[], ${pgArray(plan.valid.map((m) => m.idx))}::text[])
         with ordinality as r(recipient, country, points, idx, n)
    order by r.n
    returning id, created_at`);
  const messageIds = rows.map((r) => Number(r.id));
  // One entry per send, committed with it: the campaign, or the (first) message of a plain send.
  await recordAudit(tx, {
    accountId: input.accountId,
    userId: input.userId,
    action: campaignId ? 'campaign.create' : 'message.send',
    target: campaignId ? { type: 'campaign', id: campaignId } : { type: 'message', id: messageIds[0] },
    ip: input.ip ?? null,
    details: { recipients: plan.valid.length, points: plan.totalPoints, source: input.source, sender: input.sender, ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}) },
  });
  if (campaignId) {
    await enqueue(tx, 'campaign:dispatch', { campaignId }, { runAt: scheduledAt, jobKey: `campaign:${campaignId}` });
  } else {
    for (let i = 0; i < messageIds.length; i += 1000) {
      await enqueue(tx, 'messages:dispatch', { ids: messageIds.slice(i, i + 1000) }, { runAt: scheduledAt });
    }
  }
  return { plan, campaignId, messageIds, createdAt: new Date(rows[0]?.created_at ?? Date.now()) };
}

/** A Postgres array literal, for passing large lists as one parameter. */
function pgArray(values: (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}
