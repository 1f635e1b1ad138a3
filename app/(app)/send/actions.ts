'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { requestIp } from '@/lib/audit/request-ip';
import type { SessionUser } from '@/lib/auth';
import { ISO_WITH_OFFSET } from '@/lib/calendar';
import { getCampaignProgress } from '@/lib/campaigns';
import { AUDIENCE_PATTERN, type Audience } from '@/lib/campaigns/audiences';
import { GUARD_LIMITS } from '@/lib/campaigns/guard';
import { ownsContactGroups } from '@/lib/contacts';
import { AppError } from '@/lib/errors';
import { userAction } from '@/lib/gates/action';
import {
  CAMPAIGN_RATE,
  MAX_CAMPAIGN_NAME_LENGTH,
  MAX_CONTENT_CHARS,
  MAX_GROUPS,
  MAX_IDX_LENGTH,
  MAX_RECIPIENT_ENTRY_LENGTH,
  MAX_RECIPIENTS,
  MAX_SCHEDULE_DAYS,
  MAX_SENDER_LENGTH,
  UI_MAX_PARTS,
} from '@/lib/messaging/limits';
import { planSend, SendError, submitSend, type InvalidRecipient, type SendPlan, type SkippedRecipient } from '@/lib/messaging/send';
import { idSchema, optionalTextSchema } from '@/lib/validation';

/** Invalid entries returned to the form: enough to fix the list, never the whole file. */
const INVALID_SAMPLE = 20;

// Recipients travel as one newline-joined string (compact: no per-entry JSON quoting), then
// become the array the brief allows: at most MAX_RECIPIENTS entries of MAX_RECIPIENT_ENTRY_LENGTH chars.
const recipientsSchema = z
  .string()
  .max(MAX_RECIPIENTS * (MAX_RECIPIENT_ENTRY_LENGTH + 2), { error: 'too_many_recipients' })
  .transform((text) => text.split('\n').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(MAX_RECIPIENT_ENTRY_LENGTH)).max(MAX_RECIPIENTS, { error: 'too_many_recipients' }));

const sendSchema = z.strictObject({
  sender: z.string().trim().min(1, { error: 'sender_not_allowed' }).max(MAX_SENDER_LENGTH, { error: 'sender_not_allowed' }),
  recipients: recipientsSchema,
  groupIds: z.array(idSchema).max(MAX_GROUPS),
  content: z.string().max(MAX_CONTENT_CHARS, { error: 'message_too_long' }),
  idx: optionalTextSchema(MAX_IDX_LENGTH),
  scheduledAt: z.string().regex(ISO_WITH_OFFSET, { error: 'bad_date' }).optional(),
  campaignName: optionalTextSchema(MAX_CAMPAIGN_NAME_LENGTH),
  // An earlier campaign's recipients by result (the campaign page's "Send a message"): "ID:segment".
  audience: z
    .string()
    .regex(AUDIENCE_PATTERN, { error: 'invalid_value' })
    .transform((value): Audience => ({ campaignId: value.slice(0, 36), segment: value.slice(37) as Audience['segment'] }))
    .optional(),
  // The failure guard of a campaign: null turns it off; absent, the defaults.
  guard: z
    .strictObject({
      failurePercent: z.int().min(GUARD_LIMITS.percent.min).max(GUARD_LIMITS.percent.max),
      window: z.int().min(GUARD_LIMITS.window.min).max(GUARD_LIMITS.window.max),
    })
    .nullable()
    .optional(),
});

export type SendFormInput = z.input<typeof sendSchema>;
type SendForm = z.output<typeof sendSchema>;

export type InvalidEntry = Pick<InvalidRecipient, 'input' | 'reason'>;
/** What a refused send carries for the form: the first invalid entries and how many there are. */
export type InvalidSample = { invalid: InvalidEntry[]; invalidCount: number };
export type SkippedEntry = Pick<SkippedRecipient, 'input' | 'reason'>;
/** The first opted-out numbers left out, and how many there are. */
export type SkippedSample = { skipped: SkippedEntry[]; skippedCount: number };

function sample(invalid: readonly InvalidRecipient[]): InvalidSample {
  return { invalid: invalid.slice(0, INVALID_SAMPLE).map(({ input, reason }) => ({ input, reason })), invalidCount: invalid.length };
}

function skippedSample(skipped: readonly SkippedRecipient[]): SkippedSample {
  return { skipped: skipped.slice(0, INVALID_SAMPLE).map(({ input, reason }) => ({ input, reason })), skippedCount: skipped.length };
}

/** The schedule and the groups: what the plan does not check itself. */
async function checkSchedule(user: SessionUser, input: SendForm): Promise<Date | null> {
  if (!(await ownsContactGroups(user.account.id, input.groupIds))) throw new AppError('unknown_group', { field: 'groupIds' });
  if (input.audience && !(await getCampaignProgress(user.account.id, input.audience.campaignId))) throw new AppError('campaign_not_found', { field: 'audience' });
  if (!input.scheduledAt) return null;
  const schedule = new Date(input.scheduledAt);
  if (Number.isNaN(schedule.getTime())) throw new AppError('bad_date', { field: 'scheduledAt' });
  if (schedule.getTime() <= Date.now()) throw new AppError('schedule_in_past', { field: 'scheduledAt' });
  if (schedule.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) {
    throw new AppError('schedule_too_far', { field: 'scheduledAt', params: { days: MAX_SCHEDULE_DAYS } });
  }
  return schedule;
}

async function plan(user: SessionUser, input: SendForm, scheduledAt: Date | null): Promise<SendPlan> {
  return planSend({
    accountId: user.account.id,
    userId: user.id,
    source: 'portal',
    sender: input.sender,
    content: input.content,
    recipients: input.recipients,
    groupIds: [...new Set(input.groupIds)],
    audiences: input.audience ? [input.audience] : [],
    idx: input.idx ?? null,
    scheduledAt,
    // The form refuses longer messages; the server agrees with it.
    maxParts: UI_MAX_PARTS,
  }).catch((error: unknown) => {
    // A refusal that lists the numbers returns only a sample of them to the form.
    if (error instanceof SendError && (error.invalid.length || error.skipped.length)) {
      throw new AppError(error.code, {
        field: error.field,
        params: error.problems[0].params,
        details: { ...sample(error.invalid), ...skippedSample(error.skipped) },
      });
    }
    throw error;
  });
}

/** The "Check" step: validates and prices the send without writing anything. */
export const previewSend = userAction(sendSchema, async (input, user) => {
  const scheduledAt = await checkSchedule(user, input);
  const result = await plan(user, input, scheduledAt);
  const countries = new Map<string, { country: string; recipients: number; units: number }>();
  for (const message of result.valid) {
    const entry = countries.get(message.country) ?? { country: message.country, recipients: 0, units: 0 };
    entry.recipients++;
    entry.units += message.points;
    countries.set(message.country, entry);
  }
  return {
    valid: result.valid.length,
    ...sample(result.invalid),
    // Opted-out numbers: left out, never charged.
    ...skippedSample(result.skipped),
    duplicates: result.duplicates,
    /** points in units (1 point = POINT_UNITS) */
    totalUnits: result.totalPoints,
    balance: user.account.balance,
    parts: result.parts,
    encoding: result.encoding,
    characters: result.characters,
    countries: [...countries.values()].sort((a, b) => b.recipients - a.recipients),
    scheduledAt: scheduledAt?.toISOString() ?? null,
  };
});

/**
 * Sends: one valid recipient is a single message, more are a bulk campaign (pause, resume, stop),
 * after which the browser goes to the campaign's page.
 */
export const sendNow = userAction(sendSchema, async (input, user) => {
  const scheduledAt = await checkSchedule(user, input);
  const result = await plan(user, input, scheduledAt);
  // No name typed: the campaign pages show one made from its figures, in the reader's language.
  const campaign = result.valid.length > 1 ? { rate: CAMPAIGN_RATE.default, name: input.campaignName ?? '', guard: input.guard } : null;
  const sent = await submitSend({ ...result, input: { ...result.input, campaign, ip: await requestIp() } });
  // The balance in the header changed.
  revalidatePath('/', 'layout');
  if (sent.campaignId) redirect(`/bulk/${sent.campaignId}`);
  return {
    messageId: sent.messageIds[0],
    recipient: result.valid[0].recipient,
    totalUnits: result.totalPoints,
    scheduledAt: scheduledAt?.toISOString() ?? null,
  };
});
