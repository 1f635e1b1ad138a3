import type postgres from 'postgres';
import { countParts } from '@/lib/messaging';

const LINK_SAMPLE = 'https://sms.li/0123456789';

// Realistic content: Bulgarian and Latin, one to three parts, GSM-7 extension characters,
// and '{link}' where a short link goes.
export const MESSAGE_TEMPLATES = [
  'Здравейте, вашата поръчка е готова.',
  'Your verification code is 482913. It expires in 10 minutes.',
  'Уважаеми клиенти, от 1 декември работим с удължено работно време: 9:00-20:00 ч.',
  'Промоция -20% само днес! Вижте офертите: {link}',
  'Reminder: your appointment is tomorrow at 10:30. Reply STOP to opt out.',
  'Вашият код за вход е 5531.',
  'Track your parcel here: {link}',
  'Благодарим ви, че избрахте нашия магазин! Като наш редовен клиент получавате 15% отстъпка за следващата си покупка. Кодът важи до края на месеца.',
  'Invoice #2024-118 for €149.90 is due on 15 Dec. Pay online at {link} or by bank transfer [IBAN BG80BNBG96611020345678].',
  'Напомняне: срокът за плащане на фактура № 118 изтича утре.',
  'Your table for 4 at Sofia Grill is confirmed for Friday 19:30. See you soon!',
  'Записът ви при д-р Петрова е потвърден за 12.12 в 14:00 ч. За отказ: {link}',
];

export type Template = { content: string; encoding: 'gsm7' | 'ucs2'; parts: number };

export function templates(): Template[] {
  return MESSAGE_TEMPLATES.map((content) => {
    const { encoding, parts } = countParts(content.replace('{link}', LINK_SAMPLE));
    return { content, encoding, parts };
  });
}

export type GenerateOptions = {
  accountId: number;
  count: number;
  /** messages are spread over this many days back from now, denser towards now */
  days: number;
  senders: string[];
  userIds: number[];
  unitsPerPart: number;
  campaign?: { id: string; template: Template; sender: string; createdAt: Date; spreadMinutes: number };
  /** every message in this status (409: all still waiting to be sent) instead of the realistic spread */
  status?: number;
};

/**
 * Inserts `count` messages, with short links and their clicks, in one statement generated inside
 * PostgreSQL, so a million rows need no round trips. Statuses follow a realistic spread: mostly delivered, some failed, and
 * reports still awaited only for messages younger than four days.
 */
export async function generateMessages(sql: postgres.Sql | postgres.TransactionSql, options: GenerateOptions): Promise<{ minId: number; maxId: number }> {
  const list = options.campaign ? [options.campaign.template] : templates();
  const campaign = options.campaign;
  const [range] = await sql<{ min_id: string | null; max_id: string | null }[]>`
    with tpl as (
      select * from unnest(
        ${list.map((t) => t.content)}::text[],
        ${list.map((t) => t.encoding)}::text[],
        ${list.map((t) => t.parts)}::int[]
      ) with ordinality as tpl(content, encoding, parts, n)
    ),
    src as (
      select
        g,
        1 + floor(random() * ${list.length})::int as tn,
        random() as r_status,
        random() as r_source,
        random() as r_recipient,
        random() as r_sender,
        random() as r_user,
        ${
          campaign
            ? sql`${campaign.createdAt.toISOString()}::timestamptz + random() * make_interval(mins => ${campaign.spreadMinutes})`
            : sql`now() - power(random(), 1.6) * make_interval(days => ${options.days})`
        } as created
      from generate_series(1, ${options.count}) g
    ),
    rows as (
      select
        src.*,
        tpl.content as tcontent, tpl.encoding, tpl.parts,
        coalesce(${options.status ?? null}::smallint, case
          when r_outcome < 0.80 then 404
          when r_outcome < 0.86 then 405
          when r_outcome < 0.89 then 402
          when r_outcome < 0.91 then 407
          when r_outcome < 0.92 then 406
          when r_outcome < 0.935 then 401
          when created < now() - interval '4 days' then 408
          when r_outcome < 0.96 then 403
          when r_outcome < 0.98 then 410
          when r_outcome < 0.99 then 409
          else 411
        end) as status
      from (
        -- Yettel's numbers (prefixes 89 and 99, see the recipient below) fail more often.
        select *, least(0.999, r_status + case when (r_recipient >= 0.4 and r_recipient < 0.6) or r_recipient >= 0.8 then 0.06 else 0 end) as r_outcome
          from src
      ) src join tpl on tpl.n = src.tn
    ),
    inserted as (
    insert into messages (
      account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts, points,
      status, source, idx, error_code, network, created_at, sent_at, done_at
    )
    select
      ${options.accountId},
      ${campaign?.id ?? null}::uuid,
      (${options.userIds}::int[])[1 + floor(r_user * ${options.userIds.length})::int],
      ${campaign ? sql`${campaign.sender}` : sql`(${options.senders}::text[])[1 + floor(r_sender * ${options.senders.length})::int]`},
      case
        when r_recipient < 0.2 then '+35988810' || lpad((1 + floor(r_recipient * 1000)::int % 200)::text, 4, '0')
        else '+359' || (array['87','88','89','98','99'])[1 + floor(r_recipient * 5)::int]
          || lpad(floor(random() * 10000000)::int::text, 7, '0')
      end,
      'BG',
      -- A campaign's text is the campaign's (stored once), unless each message has a link of its own.
      case when ${campaign ? sql`true` : sql`false`} and tcontent not like '%{link}%' then null
           else replace(tcontent, '{link}', 'https://sms.li/' || substr(md5(random()::text), 1, 10)) end,
      encoding::message_encoding,
      parts,
      parts * ${options.unitsPerPart}::bigint,
      status,
      ${campaign ? sql`'portal'::message_source` : sql`(case when r_source < 0.6 then 'api' else 'portal' end)::message_source`},
      case when r_source < 0.25 then 'order-' || g end,
      -- Error codes as lib/insights/errors.ts explains them.
      case status
        when 405 then (array[1, 1, 2, 6, 3, 4])[1 + (g % 6)]
        when 402 then 10
        when 407 then (array[9, 7, 14])[1 + (g % 3)]
        when 406 then (array[8, 11])[1 + (g % 2)]
      end,
      -- The network its report named (MCC+MNC of the prefix's network), once there was a report.
      case when status in (401, 402, 404, 405, 406, 407) then
        case when r_recipient < 0.2 then '28401' else (array['28403', '28401', '28405', '28403', '28405'])[1 + floor(r_recipient * 5)::int] end
      end,
      created,
      case when status <> 409 then created + make_interval(secs => 1 + r_user * 9) end,
      case when status in (401, 402, 404, 405, 406, 407, 408) then created + make_interval(secs => 5 + r_sender * 170) end
    from rows
    returning id, account_id, content, created_at
    ),
    links as (
      insert into short_links (account_id, message_id, code, target_url, created_at)
      select account_id, id, substring(content from 'https://sms\\.li/([0-9a-f]{10})'),
             'https://shop.example.bg/offers?m=' || id, created_at
      from inserted
      where content like '%https://sms.li/%'
      on conflict (code) do nothing
      returning id, created_at
    ),
    clicks as (
      -- zero to four clicks per link, none in the future
      insert into short_link_clicks (short_link_id, clicked_at)
      select links.id, links.created_at + make_interval(mins => (n * 37 + links.id % 600)::int)
      from links cross join lateral generate_series(1, (links.id % 5)::int) n
      where links.created_at + make_interval(mins => (n * 37 + links.id % 600)::int) < now()
    )
    select min(id)::text as min_id, max(id)::text as max_id from inserted
  `;
  return { minId: Number(range.min_id ?? 0), maxId: Number(range.max_id ?? 0) };
}

/**
 * A campaign of `count` messages all in one status (409: waiting to be sent, 403: handed to the
 * gateway, awaiting reports), for benchmarks: loaded in one statement with the foreign-key checks
 * and counter triggers off (replica mode), its counters and hourly rollup then added as the
 * triggers would have. Its debit is left out of the ledger.
 */
export async function generateCampaign(
  sql: postgres.Sql,
  options: { accountId: number; userId: number; sender: string; count: number; status: 403 | 409; rate?: number },
): Promise<string> {
  const template = templates()[0];
  return sql.begin(async (tx) => {
    const [campaign] = await tx<{ id: string }[]>`
      insert into campaigns (account_id, user_id, sender_name, content, encoding, parts, source, status, rate, recipients, points, started_at)
      values (${options.accountId}, ${options.userId}, ${options.sender}, ${template.content}, ${template.encoding}, ${template.parts}, 'portal',
              ${options.status === 409 ? 'sending' : 'completed'}, ${options.rate ?? 100}, ${options.count}, ${options.count * template.parts * 650}, now())
      returning id`;
    await tx`set local session_replication_role = replica`;
    await generateMessages(tx, {
      accountId: options.accountId,
      count: options.count,
      days: 1,
      senders: [options.sender],
      userIds: [options.userId],
      unitsPerPart: 650,
      campaign: { id: campaign.id, template, sender: options.sender, createdAt: new Date(), spreadMinutes: 1 },
      status: options.status,
    });
    await tx`
      insert into campaign_status_counts (campaign_id, status, messages, points)
      select campaign_id, status, count(*), sum(points) from messages where campaign_id = ${campaign.id} group by 1, 2`;
    await tx`
      insert into message_hourly_counts as c (account_id, hour, status, source, bulk, messages, parts, points)
      select account_id, date_trunc('hour', created_at, 'UTC'), status, source, true, count(*), sum(parts), sum(points)
        from messages where campaign_id = ${campaign.id} group by 1, 2, 3, 4
      on conflict (account_id, hour, status, source, bulk) do update
        set messages = c.messages + excluded.messages, parts = c.parts + excluded.parts, points = c.points + excluded.points`;
    // Its deliverability rollups (no network, error or delivery time yet: waiting or just sent).
    await tx`
      insert into delivery_daily_counts as c (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
      select m.account_id, g.month,
             case when g.month then date_trunc('month', m.created_at at time zone a.time_zone)::date else (m.created_at at time zone a.time_zone)::date end,
             m.campaign_id, m.sender_name, m.country, null, m.status, null, count(*)
        from messages m join accounts a on a.id = m.account_id cross join (values (false), (true)) g(month)
       where m.campaign_id = ${campaign.id} group by 1, 2, 3, 4, 5, 6, 8`;
    await tx`
      insert into delivery_hour_counts as c (account_id, day, hour, outcome, messages)
      select m.account_id, (m.created_at at time zone a.time_zone)::date, extract(hour from m.created_at at time zone a.time_zone), delivery_outcome(m.status), count(*)
        from messages m join accounts a on a.id = m.account_id where m.campaign_id = ${campaign.id} group by 1, 2, 3, 4
      on conflict (account_id, day, hour, outcome) do update set messages = c.messages + excluded.messages`;
    return campaign.id;
  });
}
