import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/gateway/smsapi/dlr/route';
import { db, sqlClient } from '@/db';
import { deliveryReportInbox } from '@/db/schema';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';
import { killWorkerProcesses, startWorkerProcess, waitFor } from './fixtures/worker-process';

afterAll(() => {
  killWorkerProcesses();
  delete process.env.DLR_SECRET;
});

const statusOf = async (id: number) => (await db.execute<{ status: number }>(sql`select status from messages where id = ${id}`))[0].status;
// The worker's statement applying reports, while it waits for the row lock this test holds.
const blockedApply = () =>
  db.execute(sql`select pid from pg_stat_activity
                  where datname = current_database() and wait_event_type = 'Lock' and query like '%update messages m%'`);

describe('a report stored but not yet applied', () => {
  it('survives the worker applying it being killed mid-transaction, and is applied once by the next', async () => {
    process.env.DLR_SECRET = 'crash-secret';
    const { account } = await makeAccount('DlrCrash', 10);
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'DlrCrash', content: 'x', recipients: ['0888777001', '0888777002'], campaign: { rate: 1 } }),
    );
    await db.execute(sql`update campaigns set status = 'completed' where id = ${campaignId}`);
    const [{ id }] = await db.execute<{ id: string }>(sql`
      update messages set status = 403, sent_at = now() where campaign_id = ${campaignId} returning id`);
    const messageId = Number(id);

    // The provider's OK comes once the report is stored; nothing is applied yet.
    const response = await GET(new Request(`http://app.test/api/gateway/smsapi/dlr?secret=crash-secret&MsgId=gw-1&status=404&idx=${messageId}`));
    expect(response.status).toBe(200);
    expect(await db.$count(deliveryReportInbox)).toBe(1);

    // A worker takes the report out of the inbox and is killed before its transaction commits
    // (it is held up by this lock on the message).
    const holder = await sqlClient().reserve();
    try {
      await holder`begin`;
      await holder`select id from messages where id = ${messageId} for update`;
      const first = startWorkerProcess();
      const [blocked] = await waitFor(blockedApply, (rows) => rows.length === 1, 60_000);
      expect(blocked, first.output()).toBeDefined();
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      await holder`commit`;
      // Its session notices the lost client and rolls back: the report is back in the inbox.
      await waitFor(() => db.execute(sql`select 1 from pg_stat_activity where pid = ${blocked.pid}`), (rows) => rows.length === 0, 30_000);
    } finally {
      holder.release();
    }
    expect(await statusOf(messageId)).toBe(403);
    expect(await db.$count(deliveryReportInbox)).toBe(1);

    // The next worker applies it, once.
    startWorkerProcess();
    expect(await waitFor(() => statusOf(messageId), (status) => status === 404, 60_000)).toBe(404);
    expect(await waitFor(() => db.$count(deliveryReportInbox), (n) => n === 0, 10_000)).toBe(0);
    const counts = await db.execute<{ status: number; messages: number }>(sql`
      select status, messages from campaign_status_counts where campaign_id = ${campaignId} and messages <> 0 order by status`);
    expect(counts.map((c) => [c.status, c.messages])).toEqual([[403, 1], [404, 1]]);
  }, 180_000);
});
