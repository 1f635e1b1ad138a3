import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { db } from '../../db';
import { campaigns } from '../../db/schema';
import { addSenderName, createAccount, createUser } from '../../lib/accounts';
import { campaignCsvColumns, campaignCsvQuery, campaignCsvStream } from '../../lib/campaigns/delivery-report/csv';
import { deliveryReportModel, loadCampaignSummary, renderDeliveryReportPdf } from '../../lib/campaigns/delivery-report/summary';
import { sqlIdentifier } from '../../lib/files/csv';
import { closePdfWorkers } from '../../lib/files/pdf';

const TIME_ZONE = 'Europe/Sofia';

/** One campaign of `count` messages, loaded with generate_series (FK checks and triggers off). */
async function makeCampaign(count: number) {
  const account = await createAccount({ name: `Bench CSV ${Date.now()}`, timeZone: TIME_ZONE });
  const user = await createUser({ accountId: account.id, email: `bench.csv.${Date.now()}@example.com`, password: 'bench password 123', role: 'owner' });
  await addSenderName(account.id, 'Bench');
  const content = 'Здравейте, вашата поръчка "№ 1" е готова за получаване. Благодарим!';
  const [campaign] = await db
    .insert(campaigns)
    .values({
      accountId: account.id,
      userId: user.id,
      name: 'Bench CSV',
      senderName: 'Bench',
      content,
      encoding: 'ucs2',
      parts: 1,
      source: 'portal',
      status: 'completed',
      recipients: count,
      points: count * 650,
      startedAt: sql`now() - interval '2 hours'`,
      finishedAt: sql`now() - interval '1 hour'`,
    })
    .returning({ id: campaigns.id });
  await db.transaction(async (tx) => {
    // Replica mode skips the FK checks and the counter triggers for the bulk load: the
    // counters are written below, as the triggers would have.
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`
      insert into messages (account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts,
                            points, status, source, idx, created_at, sent_at, done_at)
      select ${account.id}, ${campaign.id}::uuid, ${user.id}, 'Bench', '+35988' || (1000000 + g), 'BG', ${content}, 'ucs2', 1,
             650, s.status, 'portal',
             case when g % 3 = 0 then 'order-' || g when g % 1000 = 1 then '=HYPERLINK("http://x","y")' end,
             now() - interval '2 hours',
             case when s.status <> 409 then now() - interval '2 hours' + (g % 3600) * interval '1 second' end,
             case when s.status in (404, 405, 402) then now() - interval '2 hours' + (g % 3600 + 2 + g % 7) * interval '1 second' end
        from generate_series(1, ${count}) g
        cross join lateral (select case when g % 20 < 16 then 404 when g % 20 < 18 then 405 when g % 20 = 18 then 403 else 402 end as status) s`);
    await tx.execute(sql`
      insert into campaign_status_counts (campaign_id, status, messages, points)
      select campaign_id, status, count(*), sum(points) from messages where campaign_id = ${campaign.id} group by 1, 2`);
  });
  await db.execute(sql`analyze messages`);
  return { accountId: account.id, campaignId: campaign.id };
}

/** PostgreSQL's own COPY of the same query, consumed raw: the ceiling. */
async function rawCopy(query: string): Promise<{ seconds: number; bytes: number }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('select set_config($1, $2, false)', ['TimeZone', TIME_ZONE]);
    const started = performance.now();
    const quoted = campaignCsvColumns().forceQuote.map(sqlIdentifier).join(', ');
    const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv, HEADER true, FORCE_QUOTE (${quoted}))`));
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    await client.end();
  }
}

/** The product's export: campaignCsvStream (copyCsv) read to the end, with RSS sampled every 50 ms. */
async function productExport(params: { campaignId: string; accountId: number }) {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  let rows = 0;
  let bytes = 0;
  const started = performance.now();
  try {
    const stream = campaignCsvStream({ ...params, timeZone: TIME_ZONE }, { onProgress: (p) => (rows = p.rows) });
    for await (const chunk of stream) bytes += chunk.length;
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { seconds: (performance.now() - started) / 1000, rows, bytes, rssGrowth: peak - baseline };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Detailed CSV of a 1,000,000-message campaign: copyCsv against raw COPY of the same query. */
export default async function benchCampaignCsv() {
  const count = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const params = await makeCampaign(count);
  const query = campaignCsvQuery(params);

  await rawCopy(query); // warm the cache
  const ours: Awaited<ReturnType<typeof productExport>>[] = [];
  const raw: Awaited<ReturnType<typeof rawCopy>>[] = [];
  for (let round = 0; round < rounds; round++) {
    raw.push(await rawCopy(query));
    ours.push(await productExport(params));
  }
  // The PDF summary of the same campaign: counters, one percentile aggregate, a worker render.
  let started = performance.now();
  const summary = await loadCampaignSummary(params.accountId, params.campaignId);
  const summaryMs = performance.now() - started;
  started = performance.now();
  await renderDeliveryReportPdf(deliveryReportModel(summary!, { locale: 'bg', timeZone: TIME_ZONE }));
  const pdfColdMs = performance.now() - started;
  started = performance.now();
  await renderDeliveryReportPdf(deliveryReportModel(summary!, { locale: 'bg', timeZone: TIME_ZONE }));
  const pdfWarmMs = performance.now() - started;
  await closePdfWorkers();

  // Campaign progress as every page view reads it (the counters) against counting the messages.
  const { getCampaignProgress } = await import('../../lib/campaigns');
  const { sqlClient } = await import('../../db');
  started = performance.now();
  await getCampaignProgress(params.accountId, params.campaignId);
  const progressMs = performance.now() - started;
  started = performance.now();
  await sqlClient()`select status, count(*), sum(points) from messages where campaign_id = ${params.campaignId} group by status`;
  const groupByMs = performance.now() - started;

  const rows = ours[0].rows;
  const seconds = median(ours.map((r) => r.seconds));
  const copySeconds = median(raw.map((r) => r.seconds));
  return {
    rows,
    seconds: Number(seconds.toFixed(2)),
    rows_per_s: Math.round(rows / seconds),
    copy_rows_per_s: Math.round(count / copySeconds),
    ratio_to_copy: Number((copySeconds / seconds).toFixed(2)),
    peak_rss_mb: Number((Math.max(...ours.map((r) => r.rssGrowth)) / 2 ** 20).toFixed(1)),
    mb: Number((ours[0].bytes / 2 ** 20).toFixed(1)),
    copy_mb: Number((raw[0].bytes / 2 ** 20).toFixed(1)),
    rounds,
    pdf_summary_query_ms: Math.round(summaryMs),
    pdf_render_cold_ms: Math.round(pdfColdMs),
    pdf_render_warm_ms: Math.round(pdfWarmMs),
    progress_from_counters_ms: Number(progressMs.toFixed(2)),
    progress_by_group_by_ms: Math.round(groupByMs),
  };
}
