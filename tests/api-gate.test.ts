import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as control } from '@/app/api/campaigns/[id]/[action]/route';
import { GET as getCampaign } from '@/app/api/campaigns/[id]/route';
import { POST as createCampaign } from '@/app/api/campaigns/route';
import { POST as dlr } from '@/app/api/gateway/smsapi/dlr/route';
import { GET as openApi } from '@/app/api/openapi.json/route';
import { GET as statuses, POST as smsDo } from '@/app/api/sms.do/route';
import { db } from '@/db';
import { openApiDocument, type JsonSchema } from '@/lib/api/openapi';
import { OPERATIONS, sendSms } from '@/lib/api/operations';
import { createApiToken } from '@/lib/auth/api-tokens';
import { apiRoute, providerCallback } from '@/lib/gates/api';
import { makeAccount } from './fixtures/accounts';

// The API gate (lib/gates/api.ts) on real routes: strict decoding, NUL and control characters,
// path parameters that name nothing, and every failure as the provider's JSON.

let token = '';
const SENDER = 'GateCo';

beforeAll(async () => {
  const { account, user } = await makeAccount(SENDER, 100);
  ({ token } = await createApiToken({ accountId: account.id, userId: user.id, name: 'gate' }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function post(handler: (request: Request) => Promise<Response>, path: string, body: BodyInit, type: string | null = FORM) {
  return handler(
    new Request(`http://app.test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
      body,
    }),
  );
}
const get = (handler: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>, path: string, params = {}) =>
  handler(new Request(`http://app.test${path}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve(params) });

const messageCount = async () => (await db.execute<{ n: number }>(sql`select count(*)::int as n from messages`))[0].n;

async function expectError(response: Response, status: number, error: number, message: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  expect(body.error).toBe(error);
  expect(body.message).toMatch(message);
}

describe('NUL and control characters', () => {
  it('in any text parameter are error 8 naming the parameter, and nothing is stored', async () => {
    const before = await messageCount();
    const form = (message: string) => new URLSearchParams({ to: '0888123456', from: SENDER, message }).toString();
    await expectError(await post(smsDo, '/api/sms.do', form('a\u0000b')), 400, 8, /^message: Contains a NUL/);
    await expectError(await post(smsDo, '/api/sms.do', 'to=0888123456&from=GateCo&message=%00'), 400, 8, /^message: Contains a NUL/);
    await expectError(await post(smsDo, '/api/sms.do', form('colour \u001b[31m')), 400, 8, /^message: /);
    await expectError(await post(smsDo, '/api/sms.do', JSON.stringify({ to: '0888123456', from: SENDER, message: 'x\u0000' }), JSON_TYPE), 400, 8, /^message: /);
    // A lone surrogate from a JSON escape is broken text too.
    await expectError(await post(smsDo, '/api/sms.do', '{"to":"0888123456","from":"GateCo","message":"\\ud800"}', JSON_TYPE), 400, 8, /^message: /);
    await expectError(await post(smsDo, '/api/sms.do', '{"to":"0888123456","from":"GateCo","message":"x","a\\u0000":"1"}', JSON_TYPE), 400, 8, /^"a\\u0000": /);
    await expectError(
      await post(createCampaign, '/api/campaigns', JSON.stringify({ from: SENDER, message: 'x', to: ['0888123456', '0888\u0000'] }), JSON_TYPE),
      400,
      8,
      /^to\.1: /,
    );
    await expectError(await get(statuses, '/api/sms.do?status=1%00'), 400, 8, /^status: /);
    expect(await messageCount()).toBe(before);
  });

  it('leave line breaks and tabs in a message alone', async () => {
    const response = await post(smsDo, '/api/sms.do', new URLSearchParams({ to: '0888123456', from: SENDER, message: 'one\r\ntwo\tthree', test: '1' }).toString());
    expect(response.status).toBe(200);
    expect(((await response.json()) as { message: string }).message).toBe('one\r\ntwo\tthree');
  });
});

describe('strict decoding', () => {
  it('answers every malformed request 400 with a clear message', async () => {
    const before = await messageCount();
    await expectError(await post(smsDo, '/api/sms.do', new Uint8Array([0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x3d, 0xff])), 400, 8, /not valid UTF-8/);
    await expectError(await post(smsDo, '/api/sms.do', 'to=0888123456&from=GateCo&message=%E0%A4'), 400, 8, /malformed %-escape/);
    await expectError(await post(smsDo, '/api/sms.do', '{"to": "0888123456", ', JSON_TYPE), 400, 8, /not valid JSON/);
    await expectError(await post(smsDo, '/api/sms.do', '["0888123456"]', JSON_TYPE), 400, 8, /must be an object/);
    await expectError(await post(smsDo, '/api/sms.do', 'to=0888123456', 'text/plain'), 400, 8, /Content-Type/);
    await expectError(await post(createCampaign, '/api/campaigns', 'from=GateCo&message=x&to=0888123456'), 400, 8, /application\/json/);
    await expectError(await post(smsDo, '/api/sms.do', 'to=0888123456&from=GateCo&from=Other&message=x'), 400, 8, /^from: /);
    await expectError(await post(smsDo, '/api/sms.do?to=0888123456', 'from=GateCo&message=x'), 400, 8, /^to: .*body/);
    await expectError(await get(getCampaign, '/api/campaigns/x?debug=1', { id: '00000000-0000-4000-8000-000000000000' }), 400, 8, /debug/);
    expect(await messageCount()).toBe(before);
  });

  it('a path parameter that names nothing is "no such campaign" (404, error 301)', async () => {
    await expectError(await get(getCampaign, '/api/campaigns/12', { id: '12' }), 404, 301, /Not found/);
    await expectError(await get(getCampaign, '/api/campaigns/x', { id: '00000000-0000-4000-8000-000000000000' }), 404, 301, /campaign/);
    const id = '00000000-0000-4000-8000-000000000000';
    const explode = await control(new Request(`http://app.test/api/campaigns/${id}/explode`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ id, action: 'explode' }),
    });
    await expectError(explode, 404, 301, /Not found/);
  });
});

describe('failures', () => {
  it('an unexpected error is a 500 with the JSON body, logged, naming nothing of the server', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    // A real failure of a real query: the table the statuses are read from is gone.
    await db.execute(sql`alter table messages rename to messages_away`);
    try {
      const response = await get(statuses, '/api/sms.do?status=1');
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 201, message: 'Something went wrong and nothing was changed. Try again in a moment.' });
      expect(text).not.toMatch(/messages|relation|select/i);
    } finally {
      await db.execute(sql`alter table messages_away rename to messages`);
    }
    expect(logged).toHaveBeenCalledWith('API request failed', expect.objectContaining({ message: expect.stringMatching(/Failed query/) }));
  });

  it('a lost database connection is a 503 with Retry-After and the JSON body', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const lost = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    const response = await apiRoute(async () => {
      throw lost;
    })(new Request('http://app.test/api/x'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await response.json()).toEqual({ error: 201, message: expect.stringMatching(/database cannot be reached/) });
  });

  it('the provider callback answers its failures in plain text too, never an empty 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = await providerCallback(async () => {
      throw new Error('boom');
    })(new Request('http://app.test/api/gateway/smsapi/dlr'));
    expect(broken.status).toBe(500);
    expect(await broken.text()).toMatch(/Something went wrong/);
    process.env.DLR_SECRET = 'gate-secret';
    try {
      const nul = await dlr(
        new Request('http://app.test/api/gateway/smsapi/dlr?secret=gate-secret', { method: 'POST', headers: { 'content-type': FORM }, body: 'MsgId=a%00&status=404' }),
      );
      expect(nul.status).toBe(400);
      expect(await nul.text()).toMatch(/^MsgId: Contains a NUL/);
    } finally {
      delete process.env.DLR_SECRET;
    }
  });
});

describe('/api/openapi.json', () => {
  it('is public and describes every operation', async () => {
    const response = await openApi(new Request('http://app.test/api/openapi.json'));
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(document.openapi).toBe('3.1.0');
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
    expect(ids.sort()).toEqual(OPERATIONS.map((o) => o.id).sort());
    expect(ids).toEqual(expect.arrayContaining(['controlCampaign', 'createCampaign', 'getCampaign', 'getStatuses', 'sendSms']));
  });

  it('is generated from the operations: their zod schemas as parsed, every parameter described', () => {
    const document = openApiDocument();
    const send = document.paths['/api/sms.do'].post!;
    const body = send.requestBody!.content['application/json']!.schema as { properties: Record<string, JsonSchema>; additionalProperties: boolean };
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties)).toEqual(Object.keys(sendSms.input.shape));
    expect(body.properties.from).toMatchObject({ type: 'string', minLength: 1, maxLength: 16 });
    for (const operation of OPERATIONS) {
      const object = document.paths[operation.path][operation.method.toLowerCase() as Lowercase<typeof operation.method>]!;
      const bodyProperties = Object.values(object.requestBody?.content ?? {}).flatMap((media) => Object.values((media!.schema.properties ?? {}) as Record<string, JsonSchema>));
      for (const described of [...object.parameters, ...bodyProperties]) expect(described.description, `${operation.id}`).toMatch(/\w/);
      expect(Object.keys(object.responses)).toEqual(expect.arrayContaining([String(operation.answer.status), '400', '401', '429', '500', '503']));
    }
  });
});
