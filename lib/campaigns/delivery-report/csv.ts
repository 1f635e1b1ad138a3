import { safeTimeZone } from '@/lib/calendar';
import { STATUS } from '@/lib/messaging/statuses';
import { POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';
import { copyCsv, csvSafeSql, type CopyCsvOptions } from '@/lib/files/csv';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user text columns of the detailed CSV: neutralised in SQL and always quoted. */
export const CAMPAIGN_CSV_TEXT_COLUMNS = ['Recipient', 'Sender', 'Login', 'IDX', 'Content'] as const;

export const CAMPAIGN_CSV_HEADER = [
  'Message ID',
  'Recipient',
  'Sender',
  'Status',
  'Status code',
  'Parts',
  'Points',
  'Sent at',
  'Delivered at',
  'Login',
  'IDX',
  'Content',
] as const;

// ISO 8601 with the session time zone's offset, e.g. 2026-03-29T14:05:09+03:00.
const ISO_LOCAL = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;

/**
 * The detailed CSV's query: one row per message of the campaign, in message order (the
 * partial index on (campaign_id, id) gives that order without a sort).
 *
 * COPY takes no bind parameters, so the two values are literals, validated here first: the
 * campaign id must match the uuid regex (then it has only hex digits and dashes) and the
 * account id must be a positive safe integer. The account id is in the filter as well as in the
 * caller's ownership check, so the query alone can never return another account's messages.
 * Times are formatted in the session's TimeZone, which copyCsv sets with set_config().
 */
export function campaignCsvQuery(params: { campaignId: string; accountId: number }): string {
  const { campaignId, accountId } = params;
  if (!UUID.test(campaignId)) throw new Error('campaign id is not a uuid');
  if (!Number.isSafeInteger(accountId) || accountId <= 0) throw new Error('account id is not a positive integer');
  const statusName = `case m.status ${Object.entries(STATUS)
    .map(([name, code]) => `when ${code} then '${name}'`)
    .join(' ')} end`;
  const [id, recipient, sender, status, code, parts, points, sentAt, deliveredAt, login, idx, content] = CAMPAIGN_CSV_HEADER.map(
    (name) => `"${name}"`,
  );
  return `select m.id as ${id},
       ${csvSafeSql('m.recipient')} as ${recipient},
       ${csvSafeSql('m.sender_name')} as ${sender},
       ${statusName} as ${status},
       m.status as ${code},
       m.parts as ${parts},
       (m.points::numeric / ${POINT_UNITS})::numeric(20, ${POINT_DECIMALS}) as ${points},
       to_char(m.sent_at, ${ISO_LOCAL}) as ${sentAt},
       case when m.status = ${STATUS.DELIVERED} then to_char(m.done_at, ${ISO_LOCAL}) end as ${deliveredAt},
       ${csvSafeSql('u.email')} as ${login},
       ${csvSafeSql('m.idx')} as ${idx},
       ${csvSafeSql('m.content')} as ${content}
  from messages m
  left join users u on u.id = m.user_id
 where m.campaign_id = '${campaignId.toLowerCase()}'::uuid and m.account_id = ${accountId}
 order by m.id`;
}

/**
 * The campaign's detailed CSV as a stream. The caller has already checked that the campaign
 * belongs to `accountId` (getCampaignProgress), so a 404 goes out before any byte.
 */
export function campaignCsvStream(
  params: { campaignId: string; accountId: number; timeZone: string },
  options: Pick<CopyCsvOptions, 'onProgress' | 'onError' | 'chunkBytes'> = {},
): ReadableStream<Uint8Array> {
  return copyCsv(campaignCsvQuery(params), {
    ...options,
    forceQuote: CAMPAIGN_CSV_TEXT_COLUMNS,
    settings: { TimeZone: safeTimeZone(params.timeZone) },
  });
}
