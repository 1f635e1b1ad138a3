import { beforeAll, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { baseUrl } from './browser';

let token: string;
let poorToken: string;
let otherToken: string;

async function api(path: string, init: RequestInit & { token?: string | null; json?: unknown; form?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${baseUrl()}${path}`, { ...init, headers, body });
  return { status: response.status, body: await response.json() };
}

async function waitForStatus(id: string, final: (code: number) => boolean) {
  for (let i = 0; i < 100; i++) {
    const { body } = await api(`/api/sms.do?status=${id}`, { method: 'GET' });
    if (final(body.list[0].status_code)) return body.list[0];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`message ${id} never reached a final status`);
}

beforeAll(async () => {
  // As a new customer: an operator creates the account, a user, a sender name and a token.
  await admin('account:create', '--name', 'ApiCo', '--points', '50');
  await admin('user:create', '--account', 'ApiCo', '--email', 'dev@apico.test', '--password', 'api-user-password');
  await admin('sender:add', '--account', 'ApiCo', '--name', 'ApiCo');
  token = (await admin('token:create', '--email', 'dev@apico.test', '--name', 'e2e')).token;
  await admin('account:create', '--name', 'PoorCo');
  await admin('user:create', '--account', 'PoorCo', '--email', 'dev@poorco.test', '--password', 'api-user-password');
  await admin('sender:add', '--account', 'PoorCo', '--name', 'PoorCo');
  poorToken = (await admin('token:create', '--email', 'dev@poorco.test')).token;
  otherToken = (await admin('token:create', '--email', 'other@example.com')).token;
});

describe('POST /api/sms.do', () => {
  it('refuses a request without a valid token (101)', async () => {
    expect(await api('/api/sms.do', { method: 'POST', token: null, form: { to: '0888123456', from: 'ApiCo', message: 'x' } })).toEqual({
      status: 401,
      body: { error: 101, message: expect.any(String) },
    });
    expect((await api('/api/sms.do', { method: 'POST', token: 'smsp_not-a-token', form: { to: '1', from: 'x', message: 'x' } })).body.error).toBe(101);
  });

  it('charges a 70-character Cyrillic message 1 part and a 71-character one 2 parts', async () => {
    const one = await api('/api/sms.do', { method: 'POST', form: { to: '0888123456', from: 'ApiCo', message: 'ж'.repeat(70), format: 'json' } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ count: 1, parts: 1, length: 70, list: [{ number: '359888123456', submitted_number: '0888123456', status: 'QUEUE', parts: 1, points: 0.065 }] });
    const two = await api('/api/sms.do', { method: 'POST', json: { to: '+359888123457', from: 'ApiCo', message: 'ж'.repeat(71) } });
    expect(two.body).toMatchObject({ count: 1, parts: 2, list: [{ parts: 2, points: 0.13 }] });
  });

  it('answers 13 for invalid numbers, 14 for a sender not approved, 11 for an empty message', async () => {
    const invalid = await api('/api/sms.do', { method: 'POST', form: { to: '12,abc', from: 'ApiCo', message: 'hi' } });
    expect(invalid).toMatchObject({ status: 400, body: { error: 13, invalid_numbers: [{ submitted_number: '12' }, { submitted_number: 'abc' }] } });
    expect((await api('/api/sms.do', { method: 'POST', form: { to: '0888123456', from: 'Stranger', message: 'hi' } })).body.error).toBe(14);
    expect((await api('/api/sms.do', { method: 'POST', form: { to: '0888123456', from: 'ApiCo', message: '' } })).body.error).toBe(11);
    expect((await api('/api/sms.do', { method: 'POST', form: { to: '0888123456', from: 'ApiCo', message: 'hi', bogus: '1' } })).body.error).toBe(8);
  });

  it('answers 103 when the account has no points, and stores nothing', async () => {
    const reply = await api('/api/sms.do', { method: 'POST', token: poorToken, form: { to: '0888123456', from: 'PoorCo', message: 'hi' } });
    expect(reply).toMatchObject({ status: 402, body: { error: 103 } });
    const test = await api('/api/sms.do', { method: 'POST', token: poorToken, form: { to: '0888123456', from: 'PoorCo', message: 'hi', test: '1' } });
    expect(test).toMatchObject({ status: 200, body: { count: 1, list: [{ id: null, points: 0.065 }] } });
  });

  it('sends a message that reaches a final status through the simulated operator', async () => {
    const sent = await api('/api/sms.do', { method: 'POST', form: { to: '0888100200', from: 'ApiCo', message: 'Your code is 1234', idx: 'order-77' } });
    const id = sent.body.list[0].id;
    const final = await waitForStatus(id, (code) => ![403, 409, 410, 411].includes(code));
    expect(final).toMatchObject({ id, idx: 'order-77', number: '359888100200' });
    expect(['DELIVERED', 'UNDELIVERED', 'EXPIRED', 'REJECTED']).toContain(final.status);
    // Another account cannot read it.
    expect((await api(`/api/sms.do?status=${id}`, { method: 'GET', token: otherToken })).status).toBe(404);
  });

  it('replays a retried request with the same Idempotency-Key and sends nothing twice', async () => {
    const form = { to: '0888300400', from: 'ApiCo', message: 'Once only' };
    const first = await api('/api/sms.do', { method: 'POST', form, headers: { 'idempotency-key': 'retry-1' } });
    const again = await api('/api/sms.do', { method: 'POST', form, headers: { 'idempotency-key': 'retry-1' } });
    expect(again).toEqual(first);
    const changed = await api('/api/sms.do', { method: 'POST', form: { ...form, message: 'Other' }, headers: { 'idempotency-key': 'retry-1' } });
    expect(changed.status).toBe(422);
  });
});

describe('/api/campaigns', () => {
  it('creates a campaign, shows its progress, pauses, resumes and stops it with a refund', async () => {
    const to = Array.from({ length: 300 }, (_, i) => `0887${String(100000 + i)}`);
    const created = await api('/api/campaigns', { method: 'POST', json: { from: 'ApiCo', message: 'Sale today!', to, rate: 20, name: 'API sale' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'sending', recipients: 300, points: 300 * 0.065 });
    const id = created.body.id;

    expect((await api(`/api/campaigns/${id}/pause`, { method: 'POST' })).body.status).toBe('paused');
    const paused = await api(`/api/campaigns/${id}`, { method: 'GET' });
    expect(paused.body.status).toBe('paused');
    expect((await api(`/api/campaigns/${id}/pause`, { method: 'POST' })).status).toBe(409);
    expect((await api(`/api/campaigns/${id}/resume`, { method: 'POST' })).body.status).toBe('sending');

    // Another account's token sees nothing and changes nothing.
    expect((await api(`/api/campaigns/${id}`, { method: 'GET', token: otherToken })).status).toBe(404);
    expect((await api(`/api/campaigns/${id}/stop`, { method: 'POST', token: otherToken })).status).toBe(404);

    const stopped = await api(`/api/campaigns/${id}/stop`, { method: 'POST' });
    expect(stopped.body.status).toBe('stopped');
    const unsent = stopped.body.progress.stopped;
    expect(unsent).toBeGreaterThan(0);
    expect(stopped.body.refunded).toBeCloseTo(unsent * 0.065, 6);
    expect(stopped.body.points_refunded).toBeCloseTo(unsent * 0.065, 6);
    expect((await api(`/api/campaigns/${id}/stop`, { method: 'POST' })).status).toBe(409);
  });

  it('creates a campaign once for a retried request with the same Idempotency-Key', async () => {
    const json = { from: 'ApiCo', message: 'Once', to: ['0887200001', '0887200002'], rate: 5 };
    const headers = { 'idempotency-key': 'campaign-retry-1' };
    const [first, second] = await Promise.all([
      api('/api/campaigns', { method: 'POST', json, headers }),
      api('/api/campaigns', { method: 'POST', json, headers }),
    ]);
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
    expect((await api(`/api/campaigns/${first.body.id}`, { method: 'GET' })).body.recipients).toBe(2);
  });
});
