import { safeTimeZone } from '@/lib/calendar';
import { copyCsv, csvPhoneSql, csvSafeSql, sqlIdentifier, type CopyCsvOptions } from '@/lib/files/csv';
import { csvHeader, statusWordSql, type CsvColumn } from '@/lib/i18n/csv-words';
import { DEFAULT_LOCALE, type Locale } from '@/lib/i18n/locale';
import { failureWordsSql } from '@/lib/insights/words';
import { STATUS } from '@/lib/messaging/statuses';
import { POINT_DECIMALS, POINT_UNITS } from '@/lib/messaging/pricing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The detailed CSV's columns, in order; their headers are in the user's language (csvHeader). */
export const CAMPAIGN_CSV_COLUMNS = [
  'messageId',
  'recipient',
  'sender',
  'status',
  'statusCode',
  'parts',
  'points',
  'sentAt',
  'deliveredAt',
  'login',
  'idx',
  'content',
  'network',
  'errorCode',
  'errorMeaning',
  'nextStep',
] as const satisfies readonly CsvColumn[];

/** The user text columns: neutralised in SQL (numbers in E.164 written as they are) and always quoted. */
const TEXT_COLUMNS: readonly CsvColumn[] = ['recipient', 'sender', 'login', 'idx', 'content'];

/** The header line and the force-quoted columns, in a language. */
export function campaignCsvColumns(locale: Locale = DEFAULT_LOCALE): { header: string[]; forceQuote: string[] } {
  const name = csvHeader(locale);
  return { header: CAMPAIGN_CSV_COLUMNS.map(name), forceQuote: TEXT_COLUMNS.map(name) };
}

// ISO 8601 with the session time zone's offset, e.g. 2026-03-29T14:05:09+03:00.
const ISO_LOCAL = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;

/**
 * The detailed CSV's query: one row per message of the campaign, in the order they were stored
 * (messages_campaign_created_idx read backwards gives it without a sort). A stopped message's
 * points are 0 (the stop refunded them), so the rows add up to what the campaign cost.
 *
 * COPY takes no bind parameters, so the two values are literals, validated here first: the
 * campaign id must match the uuid regex (then it has only hex digits and dashes) and the
 * account id must be a positive safe integer. The account is checked in the query (the campaign
 * must be the account's) as well as by the caller, so the query alone returns no other account's
 * campaign; a campaign's messages are its account's (storeSend writes both from one plan).
 * Times are formatted in the session's TimeZone, which copyCsv sets with set_config().
 */
export function campaignCsvQuery(params: { campaignId: string; accountId: number; locale?: Locale }): string {
  const { campaignId, accountId, locale = DEFAULT_LOCALE } = params;
  if (!UUID.test(campaignId)) throw new Error('campaign id is not a uuid');
  if (!Number.isSafeInteger(accountId) || accountId <= 0) throw new Error('account id is not a positive integer');
  const [id, recipient, sender, status, code, parts, points, sentAt, deliveredAt, login, idx, content, network, errorCode, meaning, next] =
    campaignCsvColumns(locale).header.map(sqlIdentifier);
  return `select m.id as ${id},
       ${csvPhoneSql('m.recipient')} as ${recipient},
       ${csvPhoneSql('m.sender_name')} as ${sender},
       ${statusWordSql('m.status', locale)} as ${status},
       m.status as ${code},
       m.parts as ${parts},
       (m.points::numeric / ${POINT_UNITS})::numeric(20, ${POINT_DECIMALS}) as ${points},
       to_char(m.sent_at, ${ISO_LOCAL}) as ${sentAt},
       case when m.status = ${STATUS.DELIVERED} then to_char(m.done_at, ${ISO_LOCAL}) end as ${deliveredAt},
       ${csvSafeSql('u.email')} as ${login},
       ${csvSafeSql('m.idx')} as ${idx},
       ${csvSafeSql('mt.content')} as ${content},
       m.network as ${network},
       m.error_code as ${errorCode},
       ${failureWordsSql('m.status', 'm.error_code', locale, 'meaning')} as ${meaning},
       ${failureWordsSql('m.status', 'm.error_code', locale, 'next')} as ${next}
  from messages m
  left join users u on u.id = m.user_id
  cross join lateral (select coalesce(m.content, (select c.content from campaigns c where c.id = '${campaignId.toLowerCase()}'::uuid)) as content) mt
 where m.campaign_id = '${campaignId.toLowerCase()}'::uuid
   -- The account as the campaign's (its messages are its account's): a condition on m.account_id
   -- would offer the planner the account's whole history in the same order.
   and exists (select 1 from campaigns o where o.id = '${campaignId.toLowerCase()}'::uuid and o.account_id = ${accountId})
 order by m.created_at, m.id`;
}

/**
 * Planner settings for the CSV's COPY, so that its plan does not depend on the table's size: an
 * ordered range scan of messages_campaign_created_idx (campaign_id, created_at desc, id desc),
 * read backwards (the order the messages were stored in), which streams from the first row. Left alone, the planner sees an index whose leading column (a random uuid) has no
 * correlation with the heap, prices every row as a random read (though a campaign's messages
 * lie together, in id order) and, on a 10M-row table, sorts a bitmap scan of the whole
 * campaign on disk first (seconds before the first byte), or walks the whole primary key. No
 * sort (a Sort node is what keeps the first byte back), and a random read priced as it costs on
 * cached or solid-state storage.
 */
export const CAMPAIGN_CSV_PLAN: Readonly<Record<string, string>> = { enable_sort: 'off', random_page_cost: '1.1' };

/**
 * The campaign's detailed CSV as a stream, its header in `locale`. The caller has already
 * checked that the campaign belongs to `accountId` (getCampaignProgress), so a 404 goes out
 * before any byte.
 */
export function campaignCsvStream(
  params: { campaignId: string; accountId: number; timeZone: string; locale?: Locale },
  options: Pick<CopyCsvOptions, 'onProgress' | 'onError' | 'chunkBytes' | 'pool'> = {},
): ReadableStream<Uint8Array> {
  return copyCsv(campaignCsvQuery(params), {
    ...options,
    forceQuote: campaignCsvColumns(params.locale).forceQuote,
    settings: { ...CAMPAIGN_CSV_PLAN, TimeZone: safeTimeZone(params.timeZone) },
  });
}
