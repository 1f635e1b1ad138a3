import { z } from 'zod';
import { campaignStatus } from '@/db/schema';
import type { ErrorCode } from '@/lib/errors';
import docs from '@/lib/i18n/messages/api-docs.en.json';
import {
  CAMPAIGN_RATE,
  MAX_CAMPAIGN_NAME_LENGTH,
  MAX_CONTENT_CHARS,
  MAX_IDX_LENGTH,
  MAX_PARTS,
  MAX_RECIPIENT_ENTRY_LENGTH,
  MAX_RECIPIENTS,
  MAX_SCHEDULE_DAYS,
  MAX_SENDER_LENGTH,
} from '@/lib/messaging/limits';
import { SEND_REFUSALS } from '@/lib/messaging/send';
import { GUARD_LIMITS } from '@/lib/campaigns/guard';
import { STATUS, type StatusName } from '@/lib/messaging/statuses';
import { idSchema, optionalTextSchema } from '@/lib/validation';
import { CONTACT_OPERATIONS } from './contact-operations';
import { INSIGHT_OPERATIONS } from './insight-operations';
import { BODY_TYPES, type BodyType } from './request';

/**
 * The REST API, one entry per operation: its method and path, the zod schemas the gate parses
 * its path parameters and input with (the query of a GET or DELETE, the body of a POST or PUT), its refusals and
 * its answers. The route handlers, the OpenAPI document (lib/api/openapi.ts), the docs page and
 * the fuzz test all read this one registry.
 */
export type Operation = {
  /** operationId; its texts are apiDocs.operations.<id> in lib/i18n/messages/api-docs.*.json */
  id: keyof typeof docs.apiDocs.operations;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path template: /api/campaigns/{id} */
  path: string;
  tag: 'Messages' | 'Campaigns' | 'Insights' | 'Contacts' | 'Blacklist';
  params: z.ZodObject;
  input: z.ZodObject;
  /** body encodings a POST takes */
  bodyTypes?: readonly BodyType[];
  /** takes an Idempotency-Key: a retried request gets the first answer and changes nothing again */
  idempotent?: boolean;
  /** AppError codes the handler may refuse with, beyond the gate's own */
  refusals: readonly ErrorCode[];
  /** the success answer: its HTTP status and the shape of its body */
  answer: { status: 200 | 201; schema: z.ZodType };
  /** a real request, for the docs page's curl line and the fuzz test's seeds */
  example: { params?: Record<string, string>; input: Record<string, unknown> };
};

/** What a handler answers: the body of its operation's success answer. */
export type Reply<O extends Operation> = z.input<O['answer']['schema']>;

const NO_PARAMETERS = z.strictObject({});

// --- decoders shared by the operations ----------------------------------------------------

/** The provider's flags: 1/0, true/false, as form text or JSON. */
const flag = z
  .union([z.enum(['0', '1', 'true', 'false']), z.boolean(), z.literal([0, 1])])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const UNIX_SECONDS = /^\d{9,11}$/;
const WITH_OFFSET = /[zZ]|[+-]\d\d:?\d\d$/;

/** A send time: a unix timestamp (the provider's form) or ISO 8601 with an offset, at most MAX_SCHEDULE_DAYS ahead. */
const schedule = z
  .union([z.string(), z.int().nonnegative()])
  .transform((raw, ctx) => {
    const value = String(raw).trim();
    const date = UNIX_SECONDS.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    if (Number.isNaN(date.getTime()) || (!/^\d+$/.test(value) && !WITH_OFFSET.test(value))) {
      ctx.addIssue({ code: 'custom', message: 'date must be a unix timestamp or ISO 8601 with an offset' });
      return z.NEVER;
    }
    if (date.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: `date is more than ${MAX_SCHEDULE_DAYS} days ahead` });
      return z.NEVER;
    }
    return date;
  });

const sender = z.string().trim().min(1).max(MAX_SENDER_LENGTH);
const content = z.string().max(MAX_CONTENT_CHARS);

// --- answers --------------------------------------------------------------------------------

/** The numbers a send refused, with why. */
export const invalidNumbers = z.array(
  z.object({ submitted_number: z.string(), message: z.enum(['empty', 'invalid', 'too_long', 'unsupported_country']) }),
);

/** The opted-out numbers a send left out (never sent, never charged), in the same style. */
export const skippedNumbers = z.array(z.object({ submitted_number: z.string(), number: z.string(), message: z.enum(['opted_out', 'suppressed']) }));

const unixTime = z.int().nullable();
const STATUS_NAMES = Object.keys(STATUS) as [StatusName, ...StatusName[]];

const smsDoReply = z.object({
  count: z.int(),
  list: z.array(
    z.object({
      id: z.string().nullable(),
      points: z.number(),
      number: z.string(),
      date_sent: unixTime,
      submitted_number: z.string(),
      status: z.literal('QUEUE'),
      idx: z.string().nullable(),
      parts: z.int(),
      error: z.null(),
    }),
  ),
  message: z.string(),
  length: z.int(),
  parts: z.int(),
  invalid_numbers: invalidNumbers.optional(),
  skipped_numbers: skippedNumbers.optional(),
  duplicates: z.int().optional(),
});

const statusesReply = z.object({
  count: z.int(),
  list: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      status: z.enum(STATUS_NAMES),
      status_code: z.int(),
      date_sent: unixTime,
      date_done: unixTime,
      points: z.number(),
      idx: z.string().nullable(),
      parts: z.int(),
      error: z.int().nullable(),
    }),
  ),
});

export const campaignReply = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(campaignStatus.enumValues),
  from: z.string(),
  rate: z.int(),
  recipients: z.int(),
  skipped_opted_out: z.int(),
  skipped_suppressed: z.int(),
  /** the campaign this one resends to, if it is a follow-up */
  follows_campaign_id: z.uuid().nullable(),
  /** the failure guard: pause when more than failure_percent of the last `window` final reports failed (null: off) */
  guard: z.object({ failure_percent: z.int(), window: z.int() }).nullable(),
  /** when the guard paused the campaign and what it saw then */
  guard_paused: z.object({ at: z.iso.datetime(), failed: z.int(), reports: z.int() }).nullable(),
  created_at: z.iso.datetime(),
  progress: z.object({
    pending: z.int(),
    sent: z.int(),
    delivered: z.int(),
    failed: z.int(),
    awaiting_report: z.int(),
    stopped: z.int(),
  }),
  statuses: z.record(z.string(), z.int()),
  points_spent: z.number(),
  points_refunded: z.number(),
});

// --- the operations -------------------------------------------------------------------------

export const sendSms = {
  id: 'sendSms',
  method: 'POST',
  path: '/api/sms.do',
  tag: 'Messages',
  params: NO_PARAMETERS,
  input: z.strictObject({
    to: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1, { error: 'no_valid_numbers' })),
    from: sender,
    message: content,
    // One IDX, or one per number separated by |: each at most MAX_IDX_LENGTH (checked by planSend).
    idx: z.string().max(200_000).optional(),
    check_idx: flag.optional(),
    date: schedule.optional(),
    max_parts: z.coerce.number().int().min(1).max(MAX_PARTS).optional(),
    format: z.literal('json').optional(),
    encoding: z.enum(['utf-8', 'utf8']).optional(),
    test: flag.optional(),
  }),
  bodyTypes: BODY_TYPES,
  idempotent: true,
  refusals: SEND_REFUSALS,
  answer: { status: 200, schema: smsDoReply },
  example: { input: { to: '0888123456', from: 'DemoShop', message: 'Здравейте!', idx: 'order-1', test: '1' } },
} satisfies Operation;

export const getStatuses = {
  id: 'getStatuses',
  method: 'GET',
  path: '/api/sms.do',
  tag: 'Messages',
  params: NO_PARAMETERS,
  input: z.strictObject({
    // ID1|ID2|…: 1 to 1000 message ids.
    status: z
      .string({ error: 'message_ids' })
      .regex(/^\d{1,15}(\|\d{1,15}){0,999}$/, { error: 'message_ids' })
      .transform((value) => value.split('|').map(Number)),
    format: z.literal('json').optional(),
  }),
  refusals: ['message_ids', 'message_not_found'],
  answer: { status: 200, schema: statusesReply },
  example: { input: { status: '101|102' } },
} satisfies Operation;

export const createCampaign = {
  id: 'createCampaign',
  method: 'POST',
  path: '/api/campaigns',
  tag: 'Campaigns',
  params: NO_PARAMETERS,
  input: z
    .strictObject({
      from: sender,
      message: content,
      to: z.array(z.string().max(MAX_RECIPIENT_ENTRY_LENGTH)).max(MAX_RECIPIENTS).optional(),
      group: z.union([z.string(), z.array(z.string())]).optional(),
      idx: z.string().max(MAX_IDX_LENGTH).optional(),
      rate: z.int().min(CAMPAIGN_RATE.min).max(CAMPAIGN_RATE.max).optional(),
      name: optionalTextSchema(MAX_CAMPAIGN_NAME_LENGTH),
      date: schedule.optional(),
      // The failure guard: on with the defaults unless told; false turns it off.
      guard: flag.optional(),
      guard_failure_percent: z.int().min(GUARD_LIMITS.percent.min).max(GUARD_LIMITS.percent.max).optional(),
      guard_window: z.int().min(GUARD_LIMITS.window.min).max(GUARD_LIMITS.window.max).optional(),
    })
    .refine((v) => v.to?.length || v.group, { error: 'campaign_recipients_required' }),
  bodyTypes: ['application/json'],
  idempotent: true,
  refusals: [...SEND_REFUSALS, 'campaign_recipients_required', 'group_not_found', 'text_too_long', 'text_control'],
  answer: { status: 201, schema: campaignReply.extend({ points: z.number(), invalid_numbers: invalidNumbers, skipped_numbers: skippedNumbers, duplicates: z.int() }) },
  example: { input: { from: 'DemoShop', message: 'Sale today', group: 'Clients', rate: 50 } },
} satisfies Operation;

const EXAMPLE_CAMPAIGN = '0b9d6a3e-5f7c-4e1a-9b2d-3c4e5f6a7b8c';

export const getCampaign = {
  id: 'getCampaign',
  method: 'GET',
  path: '/api/campaigns/{id}',
  tag: 'Campaigns',
  params: z.strictObject({ id: idSchema }),
  input: NO_PARAMETERS,
  refusals: ['campaign_not_found'],
  answer: { status: 200, schema: campaignReply },
  example: { params: { id: EXAMPLE_CAMPAIGN }, input: {} },
} satisfies Operation;

export const controlCampaign = {
  id: 'controlCampaign',
  method: 'POST',
  path: '/api/campaigns/{id}/{action}',
  tag: 'Campaigns',
  params: z.strictObject({ id: idSchema, action: z.enum(['pause', 'resume', 'stop'], { error: 'not_found' }) }),
  input: NO_PARAMETERS,
  refusals: ['campaign_not_found', 'campaign_invalid_state'],
  answer: { status: 200, schema: campaignReply.extend({ refunded: z.number() }) },
  example: { params: { id: EXAMPLE_CAMPAIGN, action: 'pause' }, input: {} },
} satisfies Operation;

export const resendCampaign = {
  id: 'resendCampaign',
  method: 'POST',
  path: '/api/campaigns/{id}/resend',
  tag: 'Campaigns',
  params: z.strictObject({ id: idSchema }),
  input: z.strictObject({ preview: flag.optional(), from: sender.optional(), message: content.optional() }),
  bodyTypes: ['application/json'],
  idempotent: true,
  refusals: ['campaign_not_found', 'resend_not_finished', 'nothing_to_resend', ...SEND_REFUSALS],
  answer: {
    status: 200,
    schema: z.object({
      preview: z.boolean(),
      /** the follow-up: made by this call, made before, or (preview) null when none exists yet */
      follow_up_id: z.uuid().nullable(),
      created: z.boolean(),
      recipients: z.int(),
      points: z.number(),
      breakdown: z
        .object({ resendable: z.int(), delivered: z.int(), permanent: z.int(), awaiting: z.int(), stopped: z.int(), opted_out: z.int(), suppressed: z.int() })
        .nullable(),
    }),
  },
  example: { params: { id: EXAMPLE_CAMPAIGN }, input: { preview: 1 } },
} satisfies Operation;

// New operations go last: the fuzz test seeds each operation by its place in this list.
export const OPERATIONS: readonly Operation[] = [
  sendSms,
  getStatuses,
  createCampaign,
  getCampaign,
  controlCampaign,
  ...CONTACT_OPERATIONS,
  ...INSIGHT_OPERATIONS,
  resendCampaign,
];
