'use server';

import { and, eq, inArray } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { db } from '@/db';
import { contactGroups } from '@/db/schema';
import { requireUser, type SessionUser } from '@/lib/auth';
import { MAX_ENTRY_LENGTH } from '@/lib/messaging/csv-numbers';
import { ISO_WITH_OFFSET } from '@/lib/messaging/local-time';
import { UI_MAX_PARTS } from '@/lib/messaging/segments';
import { MAX_IDX_LENGTH, MAX_RECIPIENTS, planSend, SendError, submitSend, type SendErrorCode, type SendPlan } from '@/lib/messaging/send';

const MAX_CONTENT_LENGTH = 5_000;
const MAX_SCHEDULE_DAYS = 180;
/** Invalid entries returned to the form: enough to fix the list, never the whole file. */
const INVALID_SAMPLE = 20;

// Recipients travel as one newline-joined string (compact: no per-entry JSON quoting), then
// become the array the brief allows: at most MAX_RECIPIENTS entries of MAX_ENTRY_LENGTH chars.
const recipientsSchema = z
  .string()
  .max(MAX_RECIPIENTS * (MAX_ENTRY_LENGTH + 2))
  .transform((text) => text.split('\n').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(MAX_ENTRY_LENGTH)).max(MAX_RECIPIENTS));

const sendSchema = z.strictObject({
  sender: z.string().trim().min(1).max(16),
  recipients: recipientsSchema,
  groupIds: z.array(z.uuid()).max(500),
  content: z.string().max(MAX_CONTENT_LENGTH),
  idx: z.string().trim().max(MAX_IDX_LENGTH).optional(),
  scheduledAt: z.string().regex(ISO_WITH_OFFSET).optional(),
  campaignName: z.string().trim().max(100).optional(),
});

export type SendFormInput = z.input<typeof sendSchema>;

export type SendActionError =
  | SendErrorCode
  | 'INVALID_INPUT'
  | 'UNKNOWN_GROUP'
  | 'SCHEDULE_IN_PAST'
  | 'SCHEDULE_TOO_FAR'
  | 'FAILED';

export type InvalidEntry = { input: string; reason: 'empty' | 'invalid' | 'too_long' | 'unsupported_country' };

export type SendFailure = {
  ok: false;
  error: SendActionError;
  /** the error in the user's language */
  message: string;
  invalid?: InvalidEntry[];
  invalidCount?: number;
};

export type PreviewResult =
  | {
      ok: true;
      valid: number;
      invalid: InvalidEntry[];
      invalidCount: number;
      duplicates: number;
      /** points in units (1 point = POINT_UNITS) */
      totalUnits: number;
      balance: number;
      parts: number;
      encoding: 'gsm7' | 'ucs2';
      characters: number;
      countries: { country: string; recipients: number; units: number }[];
      scheduledAt: string | null;
    }
  | SendFailure;

export type SendNowResult =
  | { ok: true; messageId: number; recipient: string; totalUnits: number; scheduledAt: string | null }
  | SendFailure;

type Parsed = z.output<typeof sendSchema> & { schedule: Date | null };

async function failure(error: SendActionError, extra: Partial<SendFailure> = {}): Promise<SendFailure> {
  const t = await getTranslations('send.errors');
  return { ok: false, error, message: t(error, { max: MAX_RECIPIENTS, days: MAX_SCHEDULE_DAYS, parts: UI_MAX_PARTS }), ...extra };
}

/** Parses and checks what does not need the plan: the schedule and that every group is this account's. */
async function parse(user: SessionUser, raw: unknown): Promise<Parsed | SendFailure> {
  const parsed = sendSchema.safeParse(raw);
  if (!parsed.success) return failure('INVALID_INPUT');
  const input = parsed.data;
  let schedule: Date | null = null;
  if (input.scheduledAt) {
    schedule = new Date(input.scheduledAt);
    if (Number.isNaN(schedule.getTime())) return failure('INVALID_INPUT');
    if (schedule.getTime() <= Date.now()) return failure('SCHEDULE_IN_PAST');
    if (schedule.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) return failure('SCHEDULE_TOO_FAR');
  }
  const groupIds = [...new Set(input.groupIds)];
  if (groupIds.length) {
    const owned = await db
      .select({ id: contactGroups.id })
      .from(contactGroups)
      .where(and(eq(contactGroups.accountId, user.account.id), inArray(contactGroups.id, groupIds)));
    if (owned.length !== groupIds.length) return failure('UNKNOWN_GROUP');
  }
  return { ...input, groupIds, schedule };
}

function plan(user: SessionUser, input: Parsed): Promise<SendPlan> {
  return planSend({
    accountId: user.account.id,
    userId: user.id,
    source: 'portal',
    sender: input.sender,
    content: input.content,
    recipients: input.recipients,
    groupIds: input.groupIds,
    idx: input.idx || null,
    scheduledAt: input.schedule,
    // The form refuses longer messages; the server agrees with it.
    maxParts: UI_MAX_PARTS,
  });
}

async function fromError(error: unknown, context: string): Promise<SendFailure> {
  if (error instanceof SendError) {
    const invalid = error.invalid.slice(0, INVALID_SAMPLE).map(({ input, reason }) => ({ input, reason }));
    return failure(error.code, error.invalid.length ? { invalid, invalidCount: error.invalid.length } : {});
  }
  console.error(`send form: ${context} failed`, error);
  return failure('FAILED');
}

/** The "Check" step: validates and prices the send without writing anything. */
export async function previewSend(raw: SendFormInput): Promise<PreviewResult> {
  const user = await requireUser();
  const input = await parse(user, raw);
  if ('ok' in input) return input;
  try {
    const result = await plan(user, input);
    const countries = new Map<string, { country: string; recipients: number; units: number }>();
    for (const message of result.valid) {
      const entry = countries.get(message.country) ?? { country: message.country, recipients: 0, units: 0 };
      entry.recipients++;
      entry.units += message.points;
      countries.set(message.country, entry);
    }
    return {
      ok: true,
      valid: result.valid.length,
      invalid: result.invalid.slice(0, INVALID_SAMPLE).map(({ input, reason }) => ({ input, reason })),
      invalidCount: result.invalid.length,
      duplicates: result.duplicates,
      totalUnits: result.totalPoints,
      balance: user.account.balance,
      parts: result.parts,
      encoding: result.encoding,
      characters: result.characters,
      countries: [...countries.values()].sort((a, b) => b.recipients - a.recipients),
      scheduledAt: input.schedule?.toISOString() ?? null,
    };
  } catch (error) {
    return fromError(error, 'preview');
  }
}

/**
 * Sends: one valid recipient is a single message, more are a bulk campaign (pause, resume, stop),
 * after which the browser goes to the campaign's page.
 */
export async function sendNow(raw: SendFormInput): Promise<SendNowResult> {
  const user = await requireUser();
  const input = await parse(user, raw);
  if ('ok' in input) return input;
  let campaignId: string | null = null;
  let single: SendNowResult;
  try {
    const result = await plan(user, input);
    // No name typed: the campaign pages show one made from its figures, in the reader's language.
    const campaign = result.valid.length > 1 ? { rate: 100, name: input.campaignName ?? '' } : null;
    const sent = await submitSend({ ...result, input: { ...result.input, campaign } });
    campaignId = sent.campaignId;
    single = {
      ok: true,
      messageId: sent.messageIds[0],
      recipient: result.valid[0].recipient,
      totalUnits: result.totalPoints,
      scheduledAt: input.schedule?.toISOString() ?? null,
    };
  } catch (error) {
    return fromError(error, 'send');
  }
  // The balance in the header changed.
  revalidatePath('/', 'layout');
  if (campaignId) redirect(`/bulk/${campaignId}`);
  return single;
}

