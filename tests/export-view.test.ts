import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, reportDefinitions, reportFileChunks, reportRuns } from '@/db/schema';
import { parseCsv } from '@/lib/files/csv-testing';
import { generateRun } from '@/lib/reports/generate';
import { exportHistoryView } from '@/lib/views/export';
import { makeAccount } from './fixtures/accounts';

// "Export this view": the file holds exactly the messages the History page filters to, at the
// instant it was asked for, checked against SQL written here on its own over 100,000 messages.

const NOW = new Date('2026-04-05T10:00:00Z');
const COUNT = 100_000;
let account: { id: number; country: string; timeZone: string };
let userId: number;
let campaignId: string;

async function fileOf(runId: string): Promise<string[][]> {
  const chunks = await db.select().from(reportFileChunks).where(eq(reportFileChunks.runId, runId)).orderBy(reportFileChunks.seq);
  const text = Buffer.concat(chunks.map((c) => c.data)).toString('utf8');
  return parseCsv(text.replace(/^\uFEFF/, '')).rows;
}

/** The export of `query` generated to its file: the ids in it, in its order, and its rows. */
async function exportOf(query: string, timeZone = 'Europe/Sofia') {
  const { runId } = await exportHistoryView({ id: userId, account }, { query, name: 'View', timeZone, emails: [] }, { now: NOW });
  expect(await generateRun(runId)).toBe('ready');
  const [header, ...rows] = await fileOf(runId);
  return { header, rows, ids: rows.map((r) => Number(r[0])) };
}

/** The same view in plain SQL: the conditions the page's form means, written out here. */
async function expected(where: string): Promise<number[]> {
  const rows = await db.execute<{ id: string }>(
    sql.raw(`select id::text from messages m where m.account_id = ${account.id} and m.created_at <= '${NOW.toISOString()}' and (${where}) order by m.created_at, m.id`),
  );
  return rows.map((r) => Number(r.id));
}

beforeAll(async () => {
  const made = await makeAccount('Export View', 0);
  account = { id: made.account.id, country: 'BG', timeZone: 'Europe/Sofia' };
  userId = made.user.id;
  await db.execute(sql`insert into sender_names (account_id, name) values (${account.id}, 'Second')`);
  const [campaign] = await db
    .insert(campaigns)
    .values({ accountId: account.id, userId, name: 'Big', senderName: 'ExportView', content: 'x', encoding: 'gsm7', parts: 1, status: 'completed', recipients: 1, points: 0, createdAt: new Date('2026-03-01T00:00:00Z') })
    .returning({ id: campaigns.id });
  campaignId = campaign.id;
  // One message every 26 s back from an hour after NOW (some are after the instant of the export),
  // statuses, senders, sources, numbers and a campaign spread so that every filter cuts differently.
  await db.execute(sql`
    insert into messages (account_id, user_id, campaign_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
    select ${account.id}, ${userId}, case when g % 7 = 0 then ${campaignId}::uuid end,
           case when g % 3 = 0 then 'Second' else 'ExportView' end,
           '+35988' || (1000000 + (g * 7919) % 9000000), 'BG', 'text ' || g, 'gsm7', 1, 650,
           (array[403, 404, 404, 405, 406, 409, 410, 411, 404, 401])[1 + g % 10], case when g % 4 = 0 then 'api' else 'portal' end::message_source,
           ${NOW.toISOString()}::timestamptz + interval '1 hour' - g * interval '26 seconds'
      from generate_series(1, ${COUNT}) g`);
  await db.execute(sql`analyze messages`);
}, 120_000);

describe('export of the History view', () => {
  it('holds exactly the rows of the default window (24 hours, and 4 days of those awaiting a report)', async () => {
    const file = await exportOf('');
    const want = await expected(`m.created_at >= '${NOW.toISOString()}'::timestamptz - interval '24 hours'
      or (m.status in (403, 409, 410, 411) and m.created_at >= '${NOW.toISOString()}'::timestamptz - interval '4 days')`);
    expect(want.length).toBeGreaterThan(3000);
    expect(file.ids).toEqual(want);
  });

  it.each([
    ['a status set and a sender', 'status=404,405&sender=Second&from=2026-03-20&to=2026-04-05', `m.status in (404, 405) and m.sender_name = 'Second' and m.created_at >= '2026-03-19T22:00:00Z' and m.created_at < '2026-04-05T21:00:00Z'`],
    ['a recipient prefix over a range', 'recipient=0881&from=2026-03-10&to=2026-04-03', `m.recipient like '+359881%' and m.created_at >= '2026-03-09T22:00:00Z' and m.created_at < '2026-04-03T21:00:00Z'`],
    ['a source in the default window', 'source=api', `m.source = 'api' and (m.created_at >= '2026-04-04T10:00:00Z' or (m.status in (403, 409, 410, 411) and m.created_at >= '2026-04-01T10:00:00Z'))`],
  ])('holds exactly the rows of %s', async (_name, query, where) => {
    const file = await exportOf(query);
    const want = await expected(where);
    expect(want.length).toBeGreaterThan(50);
    expect(file.ids).toEqual(want);
  });

  it('holds a whole campaign, any size: every one of its messages up to the instant', async () => {
    const file = await exportOf(`campaign=${campaignId}`);
    const want = await expected(`m.campaign_id = '${campaignId}'`);
    expect(want.length).toBeGreaterThan(14_000);
    expect(file.ids).toEqual(want);
  });

  it('writes the times in the chosen zone, each with its offset', async () => {
    const file = await exportOf('source=api&status=404', 'America/New_York');
    const [first] = await db.execute<{ local: string }>(
      sql`select to_char(created_at at time zone 'America/New_York', 'YYYY-MM-DD"T"HH24:MI:SS') || '-04:00' as local from messages where id = ${file.ids[0]}`,
    );
    // New York is on daylight time (-04:00) in these days of March and April 2026.
    expect(file.rows[0][1]).toBe(first.local);
    expect(file.rows.every((r) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-04:00$/.test(r[1]))).toBe(true);
  });

  it('refuses filters the page refuses, queueing nothing', async () => {
    const before = await db.$count(reportRuns, eq(reportRuns.accountId, account.id));
    for (const query of ['sender=NotOurs', 'status=999', 'from=2026-04-05&to=2026-04-01', 'campaign=nope']) {
      await expect(exportHistoryView({ id: userId, account }, { query, name: 'Bad', timeZone: 'Europe/Sofia', emails: [] }, { now: NOW })).rejects.toMatchObject({ code: 'invalid_value' });
    }
    await expect(exportHistoryView({ id: userId, account }, { query: '', name: 'Bad', timeZone: 'Mars/Base', emails: [] }, { now: NOW })).rejects.toBeTruthy();
    expect(await db.$count(reportRuns, eq(reportRuns.accountId, account.id))).toBe(before);
    expect(await db.$count(reportDefinitions, sql`${reportDefinitions.accountId} = ${account.id} and ${reportDefinitions.name} = 'Bad'`)).toBe(0);
  });
});
