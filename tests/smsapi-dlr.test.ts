import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/gateway/smsapi/dlr/route';
import { db } from '@/db';
import { deliveryReportInbox, messages } from '@/db/schema';
import { applyStoredReports } from '@/lib/gateway/reports';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

afterEach(() => {
  delete process.env.DLR_SECRET;
});

async function sentMessage(name: string) {
  const { account } = await makeAccount(name, 10);
  const { messageIds: [id] } = await submitSend(
    await planSend({ accountId: account.id, userId: null, source: 'api', sender: name, content: 'x', recipients: ['0888777666'] }),
  );
  await db.execute(sql`update messages set status = 403, sent_at = now(), gateway_message_id = ${`gw-${id}`} where id = ${id}`);
  return id;
}

const statusOf = async (id: number) => (await db.select({ s: messages.status }).from(messages).where(eq(messages.id, id)))[0].s;

describe('the provider’s DLR callback', () => {
  it('applies reports only with the right secret, and answers OK', async () => {
    process.env.DLR_SECRET = 's3cret-value';
    const id = await sentMessage('DlrA');
    const query = `MsgId=gw-${id}&status=404&idx=${id}&donedate=${Math.floor(Date.now() / 1000)}&mcc=284&mnc=01`;
    const forged = await GET(new Request(`http://app.test/api/gateway/smsapi/dlr?secret=wrong&${query}`));
    expect(forged.status).toBe(403);
    expect(await db.$count(deliveryReportInbox)).toBe(0);
    const real = await GET(new Request(`http://app.test/api/gateway/smsapi/dlr?secret=s3cret-value&${query}`));
    expect(real.status).toBe(200);
    expect(await real.text()).toBe('OK');
    // Stored before the OK, applied by the job after it.
    expect(await db.$count(deliveryReportInbox)).toBe(1);
    expect(await applyStoredReports()).toBe(1);
    expect(await statusOf(id)).toBe(404);
  });

  it('refuses every call while no secret is configured', async () => {
    const id = await sentMessage('DlrB');
    const response = await GET(new Request(`http://app.test/api/gateway/smsapi/dlr?secret=&MsgId=gw-${id}&status=404&idx=${id}`));
    expect(response.status).toBe(403);
    expect(await statusOf(id)).toBe(403);
  });

  it('takes form-encoded POSTs too, and rejects malformed ones without changes', async () => {
    process.env.DLR_SECRET = 'another-secret';
    const id = await sentMessage('DlrC');
    const post = (body: string) =>
      POST(new Request('http://app.test/api/gateway/smsapi/dlr?secret=another-secret', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }));
    expect((await post(`MsgId=gw-${id},x&status=405`)).status).toBe(400);
    expect(await db.$count(deliveryReportInbox)).toBe(0);
    expect((await post(`MsgId=gw-${id}&status=405&idx=${id}`)).status).toBe(200);
    await applyStoredReports();
    expect(await statusOf(id)).toBe(405);
  });
});
