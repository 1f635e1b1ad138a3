import { sql, type SQL } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { ERROR_CODES } from '@/lib/insights/errors';
import { FAILED_STATUSES, STATUS } from '@/lib/messaging/statuses';

/**
 * Audiences made from a campaign's results: its recipients who clicked its short link, who got
 * the link and did not click, who were delivered, who were not; and the resend audience, those a
 * follow-up would send to again. Each is one SQL selection of distinct numbers, read by the send
 * plan (lib/messaging/send.ts) like a contact group's members, so opt-outs and suppressed numbers
 * are left out there as everywhere.
 */
export const AUDIENCE_SEGMENTS = ['clicked', 'not_clicked', 'delivered', 'not_delivered', 'resend'] as const;
export type AudienceSegment = (typeof AUDIENCE_SEGMENTS)[number];
export type Audience = { campaignId: string; segment: AudienceSegment };

/** An audience as a link carries it: "campaign-id:segment". */
export const AUDIENCE_PATTERN = new RegExp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:(${AUDIENCE_SEGMENTS.join('|')})$`);

const list = (values: readonly number[]) => sql.raw(values.join(', '));

// Statuses that fail for a passing reason when no known code says otherwise (failureReason's table).
const TEMPORARY_STATUSES = [STATUS.EXPIRED, STATUS.UNDELIVERED, STATUS.UNKNOWN];
const TEMPORARY_CODES = Object.entries(ERROR_CODES).filter(([, kind]) => kind === 'temporary').map(([code]) => Number(code));
const KNOWN_CODES = Object.keys(ERROR_CODES).map(Number);

/**
 * A message that may be sent again: a temporary failure, by its error code when the code table
 * knows it (absent subscriber, memory full, network failure, validity expired), else by its status
 * (expired, undelivered without a reason, unknown). Never a permanent error, the sender's or the
 * content's, never a stop, never one delivered or still awaiting its report. Mirrors
 * lib/insights/errors.ts failureReason(...).kind === 'temporary'.
 */
// Only a final failure: a code may come with any report (the provider's callback passes `err` on
// whatever status), and a delivered message, or one still awaiting its report, is never resent.
// True or false, never null (a null code takes the else branch), so `not RESENDABLE` counts too.
export const RESENDABLE = sql`(m.status in (${list(FAILED_STATUSES)}) and case when m.error_code in (${list(KNOWN_CODES)})
  then m.error_code in (${list(TEMPORARY_CODES)}) else m.status in (${list(TEMPORARY_STATUSES)}) end)`;

const CLICKED = sql`exists (select 1 from short_links l join short_link_clicks k on k.short_link_id = l.id where l.message_id = m.id and l.account_id = m.account_id)`;
const HAS_LINK = sql`exists (select 1 from short_links l where l.message_id = m.id and l.account_id = m.account_id)`;

function segmentCondition(segment: AudienceSegment): SQL {
  switch (segment) {
    case 'clicked':
      return CLICKED;
    case 'not_clicked':
      return sql`m.status = ${STATUS.DELIVERED} and ${HAS_LINK} and not ${CLICKED}`;
    case 'delivered':
      return sql`m.status = ${STATUS.DELIVERED}`;
    case 'not_delivered':
      return sql`m.status in (${list(FAILED_STATUSES)})`;
    case 'resend':
      return RESENDABLE;
  }
}

/** The audience's distinct numbers, as a query of one column `phone` (the campaign's own account only). */
export function audienceQuery(accountId: number, audience: Audience): SQL {
  return sql`
    select distinct m.recipient as phone
      from messages m
     where m.campaign_id = ${audience.campaignId} and m.account_id = ${accountId} and ${segmentCondition(audience.segment)}`;
}

export async function audienceNumbers(accountId: number, audience: Audience, executor: Executor = db): Promise<string[]> {
  const rows = await executor.execute<{ phone: string }>(audienceQuery(accountId, audience));
  return rows.map((r) => r.phone);
}

/**
 * Who a resend would leave out and why, from the campaign's messages: delivered, permanent and
 * other failures that are not worth repeating, still awaiting a report, stopped; and the
 * temporary failures whose numbers are opted out or suppressed since.
 */
export type ResendBreakdown = { resendable: number; delivered: number; permanent: number; awaiting: number; stopped: number; optedOut: number; suppressed: number };

export async function resendBreakdown(accountId: number, campaignId: string, executor: Executor = db): Promise<ResendBreakdown> {
  const [row] = await executor.execute<Record<keyof ResendBreakdown, number>>(sql`
    select count(*) filter (where ${RESENDABLE} and not o.blocked and not s.blocked)::int as resendable,
           count(*) filter (where m.status = ${STATUS.DELIVERED})::int as delivered,
           count(*) filter (where m.status in (${list(FAILED_STATUSES)}) and not ${RESENDABLE})::int as permanent,
           count(*) filter (where m.status not in (${list(FAILED_STATUSES)}, ${STATUS.DELIVERED}, ${STATUS.STOP}))::int as awaiting,
           count(*) filter (where m.status = ${STATUS.STOP})::int as stopped,
           count(*) filter (where ${RESENDABLE} and o.blocked)::int as "optedOut",
           count(*) filter (where ${RESENDABLE} and not o.blocked and s.blocked)::int as suppressed
      from messages m
      -- Only a resendable message's number is looked up in the opt-outs and suppressions.
      cross join lateral (select ${RESENDABLE} as resendable) r
      cross join lateral (select r.resendable and exists (select 1 from opt_outs x where x.account_id = m.account_id and x.phone = m.recipient) as blocked) o
      cross join lateral (select r.resendable and exists (select 1 from number_failures x where x.account_id = m.account_id and x.phone = m.recipient and x.suppressed_at is not null) as blocked) s
     where m.campaign_id = ${campaignId} and m.account_id = ${accountId}`);
  return row;
}
