import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as createCampaign } from '@/app/api/campaigns/route';
import { POST as smsDo } from '@/app/api/sms.do/route';
import { db } from '@/db';
import { campaigns, messages } from '@/db/schema';
import { createApiToken } from '@/lib/auth/api-tokens';
import { makeAccount } from './fixtures/accounts';

// A retry is the same request even when the client writes its fields in another order (a JSON
// library with unordered maps, a form encoder): it gets the first answer and sends nothing again.

let accountId = 0;
let token = '';

beforeAll(async () => {
  const { account, user } = await makeAccount('IdemOrder', 100);
  accountId = account.id;
  ({ token } = await createApiToken({ accountId, userId: user.id, name: 'idem' }));
});

function post(handler: (request: Request) => Promise<Response>, path: string, key: string, type: string, body: string) {
  return handler(
    new Request(`http://app.test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': type },
      body,
    }),
  );
}

const sent = () => db.$count(messages, eq(messages.accountId, accountId));

describe('an Idempotency-Key retry with the same fields in another order', () => {
  it('replays the first JSON answer of /api/sms.do and sends once', async () => {
    const before = await sent();
    const first = await post(smsDo, '/api/sms.do', 'json-order', 'application/json', JSON.stringify({ to: '0888100001', from: 'IdemOrder', message: 'hello', idx: 'a-1' }));
    expect(first.status).toBe(200);
    const body = await first.json();
    const retry = await post(smsDo, '/api/sms.do', 'json-order', 'application/json', JSON.stringify({ idx: 'a-1', message: 'hello', from: 'IdemOrder', to: '0888100001' }));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(body);
    expect(await sent()).toBe(before + 1);
  });

  it('replays the first form-encoded answer of /api/sms.do and sends once', async () => {
    const before = await sent();
    const first = await post(smsDo, '/api/sms.do', 'form-order', 'application/x-www-form-urlencoded', 'to=0888100002&from=IdemOrder&message=hi%20there&format=json');
    expect(first.status).toBe(200);
    const body = await first.json();
    const retry = await post(smsDo, '/api/sms.do', 'form-order', 'application/x-www-form-urlencoded', 'format=json&message=hi%20there&to=0888100002&from=IdemOrder');
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(body);
    expect(await sent()).toBe(before + 1);
  });

  it('replays the first answer of /api/campaigns for the same fields in another order, creating one campaign', async () => {
    const count = () => db.$count(campaigns, eq(campaigns.accountId, accountId));
    const before = await count();
    const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const first = await post(createCampaign, '/api/campaigns', 'campaign-order', 'application/json', JSON.stringify({ from: 'IdemOrder', message: 'sale', to: ['0888100010', '0888100011'], rate: 5, date: at }));
    expect(first.status).toBeLessThan(300);
    const body = await first.json();
    const retry = await post(createCampaign, '/api/campaigns', 'campaign-order', 'application/json', JSON.stringify({ date: at, rate: 5, to: ['0888100010', '0888100011'], message: 'sale', from: 'IdemOrder' }));
    expect(retry.status).toBe(first.status);
    expect(await retry.json()).toEqual(body);
    expect(await count()).toBe(before + 1);
  });

  it('still refuses the same key with other values', async () => {
    await post(smsDo, '/api/sms.do', 'other-values', 'application/json', JSON.stringify({ to: '0888100003', from: 'IdemOrder', message: 'one' }));
    const before = await sent();
    const other = await post(smsDo, '/api/sms.do', 'other-values', 'application/json', JSON.stringify({ message: 'two', from: 'IdemOrder', to: '0888100003' }));
    expect(other.status).toBe(422);
    expect(await sent()).toBe(before);
  });
});
