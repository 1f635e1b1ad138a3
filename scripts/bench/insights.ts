import { sql } from 'drizzle-orm';
import { db, sqlClient } from '../../db';
import { generateMessages, templates } from '../../db/seed/messages';
import { addSenderName, createAccount, createUser } from '../../lib/accounts';
import { addDays, localDay } from '../../lib/calendar';
import { loadInsights, type InsightScope } from '../../lib/insights/query';
import { rebuildMessageRollup } from '../../lib/reports/queries';

// npm run bench -- insights: the Insights page's queries (lib/insights/query.ts loadInsights, the
// one call the page and the API make) for a year of an account with 2,000,000 messages
// (BENCH_INSIGHTS_MESSAGES), realistic statuses, networks, error codes and delivery times
// (db/seed/messages.ts), 20 campaigns among them. Each query BENCH_ROUNDS times (default 40):
// p50/p95/max. For comparison, in the same run, the same per-network and per-error figures
// counted straight from messages (what the rollups save), and the rollups' row counts.

const TIME_ZONE = 'Europe/Sofia';
const MESSAGES = Number(process.env.BENCH_INSIGHTS_MESSAGES ?? 2_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const CAMPAIGNS = 20;
const BATCH = 250_000;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const ms = (n: number) => Number(n.toFixed(2));
  return { p50_ms: ms(at(0.5)), p95_ms: ms(at(0.95)), max_ms: ms(sorted[sorted.length - 1]), rounds: samples.length };
}

async function timed(scope: InsightScope) {
  const samples: number[] = [];
  await loadInsights(scope); // warm the cache once, as a page that is open would be
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await loadInsights(scope);
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

export default async function insightsBench() {
  const client = sqlClient();
  const account = await createAccount({ name: 'Bench insights', timeZone: TIME_ZONE });
  const user = await createUser({ accountId: account.id, email: 'bench-insights@example.com', password: 'bench password 2026', role: 'owner' });
  const senders = ['DemoShop', 'DemoBank', 'Info'];
  for (const name of senders) await addSenderName(account.id, name);

  const loadStarted = performance.now();
  const template = templates()[3];
  const campaignSize = Math.floor(MESSAGES / 4 / CAMPAIGNS);
  const campaignIds: string[] = [];
  for (let c = 0; c < CAMPAIGNS; c++) {
    const createdAt = new Date(Date.now() - (c + 1) * 17 * 86_400_000);
    const [campaign] = await client<{ id: string }[]>`
      insert into campaigns (account_id, user_id, sender_name, content, encoding, parts, source, status, rate, recipients, points, started_at, finished_at, created_at)
      values (${account.id}, ${user.id}, ${senders[c % 3]}, ${template.content}, ${template.encoding}, ${template.parts}, 'portal', 'completed', 100,
              ${campaignSize}, ${campaignSize * template.parts * 650}, ${createdAt.toISOString()}::timestamptz,
              ${createdAt.toISOString()}::timestamptz, ${createdAt.toISOString()}::timestamptz)
      returning id`;
    campaignIds.push(campaign.id);
    await client.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await generateMessages(tx, {
        accountId: account.id,
        count: campaignSize,
        days: 0,
        senders: [senders[c % 3]],
        userIds: [user.id],
        unitsPerPart: 650,
        campaign: { id: campaign.id, template, sender: senders[c % 3], createdAt, spreadMinutes: 60 },
      });
    });
  }
  for (let done = campaignSize * CAMPAIGNS; done < MESSAGES; done += BATCH) {
    await client.begin(async (tx) => {
      // Fresh ids: the per-row foreign-key triggers and the rollup triggers skipped, the rollups rebuilt after.
      await tx`set local session_replication_role = replica`;
      await generateMessages(tx, { accountId: account.id, count: Math.min(BATCH, MESSAGES - done), days: 365, senders, userIds: [user.id], unitsPerPart: 650 });
    });
  }
  await db.transaction((tx) => rebuildMessageRollup(account.id, tx));
  await db.execute(sql`vacuum (analyze) messages, delivery_daily_counts, delivery_time_counts, delivery_hour_counts`);
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const today = localDay(new Date(), TIME_ZONE);
  const year = { accountId: account.id, fromDay: addDays(today, -364), toDay: today };
  const lastMonth = { accountId: account.id, fromDay: addDays(today, -30), toDay: addDays(today, -1) };
  const figures = {
    year: await timed(year),
    last_month: await timed(lastMonth),
    campaign: await timed({ accountId: account.id, campaignId: campaignIds[0] }),
  };

  // What the rollups save: the per-network and per-error figures of the year counted from messages.
  const scanStarted = performance.now();
  await db.execute(sql`
    select network, status, error_code, count(*) from messages
     where account_id = ${account.id} and created_at >= ${new Date(Date.now() - 365 * 86_400_000).toISOString()}::timestamptz
     group by grouping sets ((network, status), (status, error_code))`);
  const scanMs = performance.now() - scanStarted;

  const [rows] = await db.execute<{ daily: number; times: number; hours: number; messages: number }>(sql`
    select (select count(*) from delivery_daily_counts where account_id = ${account.id})::int as daily,
           (select count(*) from delivery_time_counts where account_id = ${account.id})::int as times,
           (select count(*) from delivery_hour_counts where account_id = ${account.id})::int as hours,
           (select count(*) from messages where account_id = ${account.id})::int as messages`);
  return {
    messages: rows.messages,
    campaigns: CAMPAIGNS,
    load_seconds: Number(loadSeconds.toFixed(1)),
    rollup_rows: { daily: rows.daily, times: rows.times, hours: rows.hours },
    ...figures,
    from_messages_one_scan_ms: Number(scanMs.toFixed(1)),
    ratio_scan_to_rollups_p95: Number((scanMs / figures.year.p95_ms).toFixed(1)),
  };
}
