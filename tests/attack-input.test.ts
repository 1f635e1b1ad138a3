import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as smsGet, POST as smsDo } from '@/app/api/sms.do/route';
import { POST as createCampaign } from '@/app/api/campaigns/route';
import { db } from '@/db';
import { messages, users } from '@/db/schema';
import { API_TOKEN_LIMITS, createApiToken, revokeApiToken, verifyApiToken } from '@/lib/auth/api-tokens';
import { parseHistoryFilters } from '@/lib/history/filters';
import { MAX_API_BODY_BYTES as MAX_BODY_BYTES } from '@/lib/messaging/limits';
import { createReport, parseReportRequest } from '@/lib/reports/definitions';
import { AppError } from '@/lib/errors';
import { makeAccount } from './fixtures/accounts';

// Attacker-style input tests against the public API and the validators behind the portal's forms.
// Every refusal is checked for a clear error *and* for no side effect (row counts unchanged).

const TABLES = ['messages', 'campaigns', 'ledger_entries', 'email_outbox', 'report_runs', 'report_definitions'] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
    out[table] = row.n;
  }
  return out;
}

async function unchanged<T>(work: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await work();
  expect(await counts()).toEqual(before);
  return result;
}

type Caller = { accountId: number; userId: number; token: string; sender: string };
let A: Caller;
let B: Caller;

async function caller(name: string): Promise<Caller> {
  const { account, user } = await makeAccount(name, 100);
  const { token } = await createApiToken({ accountId: account.id, userId: user.id, name: 'attack' });
  return { accountId: account.id, userId: user.id, token, sender: name };
}

function form(params: Record<string, string>, token: string | null, headers: Record<string, string> = {}, url = 'http://app.test/api/sms.do') {
  return smsDo(
    new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

function raw(body: string, token: string) {
  return smsDo(
    new Request('http://app.test/api/sms.do', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body,
    }),
  );
}

async function expectError(response: Response, status: number, error: number, message?: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: number; message: string };
  expect(body.error).toBe(error);
  if (message) expect(body.message).toMatch(message);
  return body;
}

const NOW = new Date('2026-04-05T10:00:00Z');

beforeAll(async () => {
  A = await caller('AtkA');
  B = await caller('AtkB');
});

describe('oversized inputs get clear errors and change nothing', () => {
  it('a 5,000-character message: error 11 (too long), also with max_parts at its maximum; max_parts above it is refused', async () => {
    const message = 'a'.repeat(5000); // GSM-7: 33 parts, above MAX_PARTS (10)
    await unchanged(async () => {
      await expectError(await form({ to: '0888123456', from: A.sender, message }, A.token), 400, 11, /parts/);
      await expectError(await form({ to: '0888123456', from: A.sender, message, max_parts: '10' }, A.token), 400, 11, /at most 10/);
      await expectError(await form({ to: '0888123456', from: A.sender, message, max_parts: '40' }, A.token), 400, 8, /max_parts/);
    });
  });

  it('1,000,000 real-looking numbers exceed the 4 MB body cap: 400, error 8 "too large"', async () => {
    const to = Array.from({ length: 1_000_000 }, (_, i) => `35988${String(i).padStart(7, '0')}`).join(',');
    expect(Buffer.byteLength(to)).toBeGreaterThan(MAX_BODY_BYTES);
    await unchanged(async () => {
      await expectError(await raw(`from=${A.sender}&message=hi&to=${to}`, A.token), 400, 8, /too large/);
    });
  });

  it('1,000,000 tiny recipients under the body cap are refused by the recipient cap (error 8)', async () => {
    const to = Array.from({ length: 1_000_000 }, () => '1').join(',');
    expect(Buffer.byteLength(to)).toBeLessThan(MAX_BODY_BYTES);
    await unchanged(async () => {
      await expectError(await raw(`from=${A.sender}&message=hi&to=${to}`, A.token), 400, 8, /At most 200000 recipients/);
    });
  });

  it('a body over 4 MB: refused whether or not Content-Length says so', async () => {
    const body = `from=${A.sender}&to=0888123456&message=${'x'.repeat(MAX_BODY_BYTES)}`;
    await unchanged(async () => {
      await expectError(await raw(body, A.token), 400, 8, /too large/);
      const declared = await smsDo(
        new Request('http://app.test/api/sms.do', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${A.token}`, 'content-length': String(MAX_BODY_BYTES + 1) },
          body: '{}',
        }),
      );
      await expectError(declared, 400, 8, /too large/);
      const json = await smsDo(
        new Request('http://app.test/api/sms.do', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${A.token}` },
          body: JSON.stringify({ from: A.sender, to: '0888123456', message: 'x'.repeat(MAX_BODY_BYTES) }),
        }),
      );
      await expectError(json, 400, 8, /too large/);
    });
  });

  it('an idx longer than 255 characters (single and per-recipient) is refused', async () => {
    await unchanged(async () => {
      await expectError(await form({ to: '0888123456', from: A.sender, message: 'hi', idx: 'i'.repeat(256) }, A.token), 400, 8, /idx/);
      await expectError(
        await form({ to: '0888123456,0888123457', from: A.sender, message: 'hi', idx: `ok|${'i'.repeat(256)}` }, A.token),
        400,
        8,
        /idx/,
      );
      await expectError(await form({ to: '0888123456', from: A.sender, message: 'hi', idx: 'i'.repeat(200_001) }, A.token), 400, 8, /idx/);
    });
  });

  it('the campaign API refuses too many numbers, a long idx and unknown fields', async () => {
    const post = (body: unknown) =>
      createCampaign(
        new Request('http://app.test/api/campaigns', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${A.token}` },
          body: JSON.stringify(body),
        }),
      );
    await unchanged(async () => {
      await expectError(await post({ from: A.sender, message: 'hi', to: Array.from({ length: 200_001 }, () => '1') }), 400, 8);
      await expectError(await post({ from: A.sender, message: 'hi', to: ['0888123456'], idx: 'i'.repeat(256) }), 400, 8, /idx/);
      await expectError(await post({ from: A.sender, message: 'hi', to: ['0888123456'], accountId: B.accountId }), 400, 8);
    });
  });

  it('a 20-year date range in the history filters is a validation error', () => {
    const account = { country: 'BG', timeZone: 'Europe/Sofia', senderNames: [] };
    const parsed = parseHistoryFilters(new URLSearchParams({ from: '2006-01-01', to: '2026-01-01' }), account, NOW);
    expect(parsed).toMatchObject({ ok: false, errors: [{ field: 'from', code: 'range_too_long' }] });
    // Years outside 2000..2100 are not dates at all.
    expect(parseHistoryFilters(new URLSearchParams({ from: '1900-01-01', to: '2026-01-01' }), account, NOW)).toMatchObject({
      ok: false,
      errors: [{ field: 'from', code: 'invalid_date' }],
    });
  });

  it('a 20-year report period and 201 e-mail addresses are AppErrors, and nothing is stored', async () => {
    const base = { method: 'once', type: 'detailed', format: 'csv', name: 'Attack' };
    await unchanged(async () => {
      const longPeriod = { ...base, period: { kind: 'custom', from: '2006-01-01', to: '2026-01-01' } };
      await expect(createReport(A.accountId, A.userId, longPeriod, NOW)).rejects.toThrow(AppError);
      await expect(createReport(A.accountId, A.userId, longPeriod, NOW)).rejects.toThrow(/at most 400 days/);
      const emails = Array.from({ length: 201 }, (_, i) => `u${i}@example.com`);
      const many = { ...base, period: { kind: 'custom', from: '2026-04-01', to: '2026-04-02' }, emails };
      expect(() => parseReportRequest(many)).toThrow(AppError);
      await expect(createReport(A.accountId, A.userId, many, NOW)).rejects.toThrow(/At most 10 e-mail addresses/);
      const injected = { ...base, period: { kind: 'custom', from: '2026-04-01', to: '2026-04-02' }, emails: ['a@example.com\r\nBcc: x@evil.test'] };
      await expect(createReport(A.accountId, A.userId, injected, NOW)).rejects.toThrow(AppError);
    });
  });
});

describe('API tokens', () => {
  const valid = () => ({ to: '0888123456', from: A.sender, message: 'hi' });

  it('a token with one character changed, or of another length, is refused with 101 and nothing is sent', async () => {
    const t = A.token;
    const last = t.at(-1)!;
    const flipped = t.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const middle = t.slice(0, 10) + (t[10] === 'x' ? 'y' : 'x') + t.slice(11);
    expect(flipped).toHaveLength(t.length);
    await unchanged(async () => {
      for (const bad of [flipped, middle, t.slice(0, -1), `${t}A`, t.toUpperCase(), 'smsp_', 'x']) {
        expect(await verifyApiToken(`Bearer ${bad}`)).toBeNull();
        await expectError(await form(valid(), bad), 401, 101);
      }
      expect(await verifyApiToken(`Basic ${t}`)).toBeNull();
      expect(await verifyApiToken(`Bearer ${t} extra`)).toBeNull();
      expect(await verifyApiToken(t)).toBeNull();
    });
    // The real token still works (so the refusals above were about the token, not the request).
    expect(await verifyApiToken(`Bearer ${t}`)).toMatchObject({ accountId: A.accountId, userId: A.userId });
  });

  it('guessing tokens from one address is cut off after 30 bad tokens (429, Retry-After), even for a right one; other addresses go on', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const guess = () => `smsp_${randomBytes(32).toString('base64url')}`;
    await unchanged(async () => {
      // Requests without a token are no guesses and are not counted.
      for (let i = 0; i < 40; i++) await expectError(await form(valid(), null, from('203.0.113.9')), 401, 101);
      for (let i = 0; i < API_TOKEN_LIMITS.perIp; i++) await expectError(await form(valid(), guess(), from('203.0.113.9')), 401, 101);
      const limited = await form(valid(), A.token, from('203.0.113.9'));
      expect(limited.headers.get('retry-after')).toBe(String(API_TOKEN_LIMITS.windowMinutes * 60));
      await expectError(limited, 429, 101);
      await expectError(await form(valid(), guess(), from('203.0.113.9')), 429, 101);
      await expectError(await form(valid(), guess(), from('203.0.113.10')), 401, 101);
    });
    expect((await form({ ...valid(), test: '1' }, A.token, from('203.0.113.10'))).status).toBe(200);
  });

  it('a token only counts in the Authorization header: not as a query parameter, a cookie or another header', async () => {
    await unchanged(async () => {
      await expectError(await form(valid(), null, {}, `http://app.test/api/sms.do?access_token=${A.token}&token=${A.token}`), 401, 101);
      await expectError(await form(valid(), null, { cookie: `token=${A.token}; access_token=${A.token}` }), 401, 101);
      await expectError(await form(valid(), null, { 'x-api-key': A.token, 'x-authorization': `Bearer ${A.token}` }), 401, 101);
      await expectError(await form({ ...valid(), token: A.token, access_token: A.token }, null), 401, 101);
      await expectError(await smsGet(new Request(`http://app.test/api/sms.do?status=1&access_token=${A.token}`)), 401, 101);
    });
  });

  it('a revoked token, and the token of a disabled user, are refused', async () => {
    const { account, user } = await makeAccount('AtkRev', 10);
    const revoked = await createApiToken({ accountId: account.id, userId: user.id, name: 'r' });
    const disabled = await createApiToken({ accountId: account.id, userId: user.id, name: 'd' });
    expect(await revokeApiToken(account.id, revoked.id, null)).toBe(true);
    const params = { to: '0888123456', from: 'AtkRev', message: 'hi' };
    await unchanged(async () => {
      await expectError(await form(params, revoked.token), 401, 101);
    });
    expect((await form(params, disabled.token)).status).toBe(200); // still alive before disabling
    await db.update(users).set({ disabled: true }).where(eq(users.id, user.id));
    await unchanged(async () => {
      await expectError(await form(params, disabled.token), 401, 101);
      await expectError(await smsGet(new Request('http://app.test/api/sms.do?status=1', { headers: { authorization: `Bearer ${disabled.token}` } })), 401, 101);
    });
  });
});

describe('Idempotency-Key is scoped by account', () => {
  it('the same key in two accounts gives two independent sends; a replay within an account sends nothing more', async () => {
    const key = 'order-42';
    const sentBy = (accountId: number) => db.$count(messages, eq(messages.accountId, accountId));
    const a1 = await form({ to: '0888111111', from: A.sender, message: 'from A' }, A.token, { 'idempotency-key': key });
    expect(a1.status).toBe(200);
    const bodyA = (await a1.json()) as { list: { id: string; number: string }[]; message: string };
    const b1 = await form({ to: '0888222222', from: B.sender, message: 'from B' }, B.token, { 'idempotency-key': key });
    expect(b1.status).toBe(200);
    const bodyB = (await b1.json()) as { list: { id: string; number: string }[]; message: string };
    // B's answer is B's own send, not A's stored response.
    expect(bodyB.message).toBe('from B');
    expect(bodyB.list[0].number).toBe('359888222222');
    expect(bodyB.list[0].id).not.toBe(bodyA.list[0].id);
    const [bRow] = await db.select().from(messages).where(eq(messages.id, Number(bodyB.list[0].id)));
    expect(bRow.accountId).toBe(B.accountId);

    const before = { a: await sentBy(A.accountId), b: await sentBy(B.accountId) };
    await unchanged(async () => {
      const replay = await form({ to: '0888111111', from: A.sender, message: 'from A' }, A.token, { 'idempotency-key': key });
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual(bodyA);
      // B replaying its own key gets B's answer, never A's.
      const replayB = await form({ to: '0888222222', from: B.sender, message: 'from B' }, B.token, { 'idempotency-key': key });
      expect(await replayB.json()).toEqual(bodyB);
      // Same key, different parameters: refused, not sent.
      const conflict = await form({ to: '0888111111', from: A.sender, message: 'changed' }, A.token, { 'idempotency-key': key });
      expect([409, 422]).toContain(conflict.status);
    });
    expect({ a: await sentBy(A.accountId), b: await sentBy(B.accountId) }).toEqual(before);
  });

  it('a malformed Idempotency-Key is refused before anything is sent', async () => {
    await unchanged(async () => {
      await expectError(await form({ to: '0888111111', from: A.sender, message: 'x' }, A.token, { 'idempotency-key': 'k'.repeat(256) }), 400, 8, /Idempotency-Key/);
      await expectError(await form({ to: '0888111111', from: A.sender, message: 'x' }, A.token, { 'idempotency-key': 'a b' }), 400, 8, /Idempotency-Key/);
    });
  });
});
