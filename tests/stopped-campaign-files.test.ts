import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { campaigns, campaignStatusCounts, ledgerEntries } from '@/db/schema';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { localDay } from '@/lib/calendar';
import { stopCampaign } from '@/lib/campaigns';
import { copyCsv, csvPhoneSql } from '@/lib/files/csv';
import { parseCsv } from '@/lib/files/csv-testing';
import { defaultFilters } from '@/lib/history/filters';
import { listMessages } from '@/lib/history/query';
import { planSend, submitSend } from '@/lib/messaging/send';
import { STATUS } from '@/lib/messaging/statuses';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { GET as getCsv } from '@/app/(app)/bulk/[id]/delivery-report.csv/route';
import { makeAccount } from './fixtures/accounts';
import { ledgerInvariant } from './fixtures/ledger';
import { session } from './fixtures/session';

vi.mock('@/lib/auth', () => import('./fixtures/session'));

// Numbers that add up (a stopped message costs 0 points everywhere, so a stopped campaign's
// rows sum to what it cost), phone numbers written as they are, and files in the user's language.

const RECIPIENTS = Array.from({ length: 10 }, (_, i) => `+35988${String(3_000_000 + i).padStart(7, '0')}`);
const SENT = 4;

let owner: SessionUser;
let campaignId: string;

async function csvOf(headers: Record<string, string> = {}) {
  session.user = owner;
  const response = await getCsv(new Request(`http://localhost/bulk/${campaignId}/delivery-report.csv`, { headers }), {
    params: Promise.resolve({ id: campaignId }),
  });
  expect(response.status).toBe(200);
  return parseCsv((await response.text()).replace(/^\uFEFF/, '')).rows;
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer())).replace(/^\uFEFF/, '');
}

beforeAll(async () => {
  const { account, user } = await makeAccount('Stopped A', 1000);
  owner = (await loadSessionUser(user.id, await startSession(user.id)))!;
  // Cyrillic, 2 parts per message, so the points are not trivially 1 per message.
  const plan = await planSend({
    accountId: account.id,
    userId: user.id,
    source: 'portal',
    sender: 'StoppedA',
    content: 'Здравейте! '.repeat(8),
    recipients: RECIPIENTS,
    campaign: { name: 'Stopped halfway', rate: 10 },
  });
  ({ campaignId } = (await submitSend(plan)) as { campaignId: string });
  // Four went out before the stop: two delivered, one undelivered, one awaiting its report.
  await db.execute(sql`
    with first as (select id, row_number() over (order by id) as n from messages where campaign_id = ${campaignId} order by id limit ${SENT})
    update messages m set sent_at = now(), status = case when f.n <= 2 then 404 when f.n = 3 then 405 else 403 end,
                          done_at = case when f.n <= 3 then now() end
      from first f where m.id = f.id`);
  const stopped = await stopCampaign(account.id, campaignId, user.id);
  expect(stopped).toMatchObject({ ok: true, status: 'stopped' });
});

describe('a stopped campaign', () => {
  it('has 0 points on each stopped message, so its CSV sums to its net cost and to its ledger entries', async () => {
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    const net = campaign.points - campaign.pointsRefunded;
    expect(campaign.pointsRefunded).toBeGreaterThan(0);
    const [{ ledger }] = await db.execute<{ ledger: string }>(
      sql`select coalesce(sum(amount), 0)::text as ledger from ${ledgerEntries} where campaign_id = ${campaignId}`,
    );
    expect(-Number(ledger)).toBe(net);

    const rows = await csvOf();
    const [header, ...body] = rows;
    const col = (name: string) => header.indexOf(name);
    expect(body).toHaveLength(RECIPIENTS.length);
    const stoppedRows = body.filter((r) => r[col('Status code')] === String(STATUS.STOP));
    expect(stoppedRows).toHaveLength(RECIPIENTS.length - SENT);
    expect(new Set(stoppedRows.map((r) => r[col('Points')]))).toEqual(new Set(['0.0000']));
    expect(stoppedRows.every((r) => r[col('Status')] === 'Stopped')).toBe(true);
    const units = body.reduce((sum, r) => sum + Math.round(Number(r[col('Points')]) * 10_000), 0);
    expect(units).toBe(net);

    // The same 0 in the history and the campaign's counters; the ledger still balances.
    const history = await listMessages(owner.account.id, defaultFilters({ campaign: campaignId }));
    expect(history.rows.filter((m) => m.status === STATUS.STOP).every((m) => m.points === 0)).toBe(true);
    const counters = await db.select().from(campaignStatusCounts).where(eq(campaignStatusCounts.campaignId, campaignId));
    expect(counters.find((c) => c.status === STATUS.STOP)).toMatchObject({ messages: RECIPIENTS.length - SENT, points: 0 });
    expect(counters.reduce((sum, c) => sum + Number(c.points), 0)).toBe(net);
    expect((await ledgerInvariant()).mismatches).toEqual([]);
  });

  it('counts its unsent messages as stopped, not undelivered, in the group report, with points spent net of the refund', async () => {
    // The campaign was created today: a report of today's campaigns.
    const today = localDay(new Date(), owner.account.timeZone);
    const { runId: todayRun } = await createReport(
      owner.account.id,
      owner.id,
      { method: 'once', period: { kind: 'custom', from: today, to: today }, type: 'group', format: 'csv', name: 'g' },
      new Date(Date.now() + 3 * 86_400_000),
    );
    expect(await generateRun(todayRun!)).toBe('ready');
    const chunks = await db.execute<{ data: Buffer }>(sql`select data from report_file_chunks where run_id = ${todayRun} order by seq`);
    const [header, row] = parseCsv(Buffer.concat(chunks.map((c) => Buffer.from(c.data))).toString('utf8').replace(/^\uFEFF/, '')).rows;
    const value = (name: string) => row[header.indexOf(name)];
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect([value('Delivered'), value('Undelivered'), value('Pending'), value('Stopped')]).toEqual(['2', '1', '1', String(RECIPIENTS.length - SENT)]);
    expect(Math.round(Number(value('Points spent')) * 10_000)).toBe(campaign.points - campaign.pointsRefunded);
    expect(Math.round(Number(value('Points refunded')) * 10_000)).toBe(campaign.pointsRefunded);
  });
});

describe('a campaign stopped before this release', () => {
  it('has its stopped messages set to 0 points by migration 0016, counters moving with them', async () => {
    const { account, user } = await makeAccount('Stopped old', 1000);
    const plan = await planSend({
      accountId: account.id,
      userId: user.id,
      source: 'portal',
      sender: 'Stoppedold',
      content: 'Hello',
      recipients: RECIPIENTS,
      campaign: { name: 'Old stop', rate: 10 },
    });
    const { campaignId: old } = (await submitSend(plan)) as { campaignId: string };
    // What the old stop left: STOP messages that kept their points, and the refund of them.
    await db.execute(sql`update messages set status = ${STATUS.STOP}, done_at = now() where campaign_id = ${old} and id % 2 = 0`);
    const [{ refund }] = await db.execute<{ refund: string }>(
      sql`select sum(points)::text as refund from messages where campaign_id = ${old} and status = ${STATUS.STOP}`,
    );
    await db.update(campaigns).set({ status: 'stopped', pointsRefunded: Number(refund) }).where(eq(campaigns.id, old));
    const hourlyBefore = await db.execute(sql`select sum(points)::text as p from message_hourly_counts where account_id = ${account.id}`);

    const file = path.join(import.meta.dirname, '..', 'db', 'migrations', '0016_stopped_messages_cost_nothing.sql');
    await db.execute(sql.raw(fs.readFileSync(file, 'utf8')));

    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, old));
    const [{ total, stopped }] = await db.execute<{ total: string; stopped: string }>(sql`
      select sum(points)::text as total, sum(points) filter (where status = ${STATUS.STOP})::text as stopped from messages where campaign_id = ${old}`);
    expect(Number(stopped)).toBe(0);
    expect(Number(total)).toBe(campaign.points - campaign.pointsRefunded);
    const counters = await db.select().from(campaignStatusCounts).where(eq(campaignStatusCounts.campaignId, old));
    expect(counters.find((c) => c.status === STATUS.STOP)?.points).toBe(0);
    const [hourly] = await db.execute<{ p: string }>(sql`select sum(points)::text as p from message_hourly_counts where account_id = ${account.id}`);
    expect(Number(hourly.p)).toBe(Number(hourlyBefore[0].p) - Number(refund));
    // The ledger is untouched and still balances.
    expect((await ledgerInvariant()).mismatches).toEqual([]);
  });
});

describe('phone numbers in CSV', () => {
  it('are written as plain E.164 (+359…), not neutralised; the rest of what users typed still is', async () => {
    const rows = await csvOf();
    const [header, ...body] = rows;
    expect(body.map((r) => r[header.indexOf('Recipient')])).toEqual(RECIPIENTS);

    const values = ['+359888123456', '+1234', '+0888123456', '+359 888 123', '+359888123456\n=1+1', '+=1', '=1', '-5', '@x', 'DemoShop'];
    const literals = values.map((v) => `(${values.indexOf(v)}, '${v.replace(/'/g, "''")}')`).join(', ');
    const text = await readStream(
      copyCsv(`select ${csvPhoneSql('v.phone')} as "Phone" from (values ${literals}) as v(n, phone) order by v.n`, { forceQuote: ['Phone'] }),
    );
    expect(parseCsv(text).rows.slice(1).map((r) => r[0])).toEqual([
      '+359888123456',
      '+1234',
      "'+0888123456",
      "'+359 888 123",
      "'+359888123456\n=1+1",
      "'+=1",
      "'=1",
      "'-5",
      "'@x",
      'DemoShop',
    ]);
  });
});

describe('files in the user’s language', () => {
  it('a campaign CSV follows the browser when the profile has no language', async () => {
    const [header, first] = await csvOf({ 'accept-language': 'bg-BG,bg;q=0.9' });
    expect(header.slice(0, 5)).toEqual(['Идентификатор на съобщението', 'Получател', 'Подател', 'Статус', 'Код на статуса']);
    expect(first[3]).toBe('Доставено');
  });

  it('a report keeps the language it was made in', async () => {
    const { runId } = await createReport(
      owner.account.id,
      owner.id,
      { method: 'once', period: { kind: 'last_week' }, type: 'detailed', format: 'csv', name: 'bg' },
      new Date(),
      'bg',
    );
    expect(await generateRun(runId!)).toBe('ready');
    const chunks = await db.execute<{ data: Buffer }>(sql`select data from report_file_chunks where run_id = ${runId} order by seq`);
    const [header] = parseCsv(Buffer.concat(chunks.map((c) => Buffer.from(c.data))).toString('utf8').replace(/^\uFEFF/, '')).rows;
    expect(header.slice(0, 4)).toEqual(['Идентификатор на съобщението', 'Дата', 'Подател', 'Получател']);
  });
});
