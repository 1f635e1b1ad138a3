import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mockHttp } from '@/tests/msw';
import { STATUS } from '@/lib/messaging/statuses';
import { classifySmsapiError, GatewayUnavailableError, SMSAPI_ERROR_CODES, SmsapiGateway } from './smsapi';
import type { OutgoingMessage, SendOutcome } from './types';

const BASE = 'https://api.smsapi.test';
const URL_SMS = `${BASE}/sms.do`;
const TOKEN = 'tok_SECRET_0123456789abcdef';

function message(id: number, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id,
    sender: 'Portal',
    recipient: `+3598870${String(id).padStart(5, '0')}`,
    content: `Message ${id}`,
    parts: 1,
    idx: null,
    ...overrides,
  };
}

function accepted(idx: string, number = '359887000000') {
  return HttpResponse.json({
    count: 1,
    list: [{ id: `gw-${idx}`, points: 0.1, number, date_sent: 1_700_000_000, submitted_number: number, status: 'QUEUE', idx }],
  });
}

function byId(outcomes: SendOutcome[]): SendOutcome[] {
  return [...outcomes].sort((a, b) => a.id - b.id);
}

async function sendError(gateway: SmsapiGateway, messages: OutgoingMessage[]): Promise<GatewayUnavailableError> {
  const error = await gateway.send(messages).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayUnavailableError);
  return error as GatewayUnavailableError;
}

describe('SmsapiGateway request', () => {
  it('posts a form to {baseUrl}/sms.do with the bearer token, our id as idx and the number without +', async () => {
    const seen: { url: string; method: string; headers: Headers; form: URLSearchParams }[] = [];
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        seen.push({ url: request.url, method: request.method, headers: request.headers, form });
        return accepted(form.get('idx')!);
      }),
    );
    const gateway = new SmsapiGateway({ token: TOKEN, baseUrl: `${BASE}/`, notifyUrl: 'https://portal.test/api/dlr?secret=s3' });
    await gateway.send([message(42, { recipient: '+359887123456', sender: 'ACME', content: 'Здравей & = + 👋 100%' })]);

    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req.url).toBe(URL_SMS);
    expect(req.method).toBe('POST');
    expect(req.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(req.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(req.form)).toEqual({
      to: '359887123456',
      from: 'ACME',
      message: 'Здравей & = + 👋 100%',
      format: 'json',
      encoding: 'utf-8',
      idx: '42',
      notify_url: 'https://portal.test/api/dlr?secret=s3',
    });
  });

  it('leaves out notify_url when none is configured, and uses api.smsapi.bg by default', async () => {
    let form: URLSearchParams | null = null;
    mockHttp.use(
      http.post('https://api.smsapi.bg/sms.do', async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return accepted(form.get('idx')!);
      }),
    );
    const outcomes = await new SmsapiGateway({ token: TOKEN }).send([message(7)]);
    expect(outcomes).toEqual([{ id: 7, accepted: true, gatewayMessageId: 'gw-7' }]);
    expect(form).not.toBeNull();
    expect(form!.has('notify_url')).toBe(false);
    expect(form!.get('to')).toBe('359887000007');
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json({ count: 1, list: [{ id: 'injected-1', status: 'QUEUE' }] });
    };
    const outcomes = await new SmsapiGateway({ token: TOKEN, baseUrl: BASE, fetch: fakeFetch }).send([message(1)]);
    expect(calls).toEqual([URL_SMS]);
    expect(outcomes).toEqual([{ id: 1, accepted: true, gatewayMessageId: 'injected-1' }]);
  });

  it('makes no request for an empty batch', async () => {
    // any request would be unhandled, and fail the test
    expect(await new SmsapiGateway({ token: TOKEN, baseUrl: BASE }).send([])).toEqual([]);
  });

  it('refuses to be built without a token', () => {
    expect(() => new SmsapiGateway({ token: '' })).toThrow(/token is required/);
  });
});

describe('SmsapiGateway outcomes', () => {
  it('maps each accepted message to its provider id', async () => {
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => accepted(new URLSearchParams(await request.text()).get('idx')!)),
    );
    const outcomes = await new SmsapiGateway({ token: TOKEN, baseUrl: BASE }).send([message(3), message(1), message(2)]);
    expect(byId(outcomes)).toEqual([
      { id: 1, accepted: true, gatewayMessageId: 'gw-1' },
      { id: 2, accepted: true, gatewayMessageId: 'gw-2' },
      { id: 3, accepted: true, gatewayMessageId: 'gw-3' },
    ]);
  });

  it('refuses only the messages the provider refuses: 407 for rejected, 406 for failed codes', async () => {
    // the provider's answer depends on the message id
    const answers: Record<string, { code: number; http?: number } | null> = {
      '1': null,
      '2': { code: 13 },
      '3': { code: 14 },
      '4': { code: 11 },
      '5': { code: 8 },
      '6': { code: 42 }, // not in the table, below 100: failed
      '7': { code: 13, http: 400 },
      '8': null,
    };
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => {
        const idx = new URLSearchParams(await request.text()).get('idx')!;
        const answer = answers[idx];
        if (!answer) return accepted(idx);
        return HttpResponse.json({ error: answer.code, message: `error ${answer.code}` }, { status: answer.http ?? 200 });
      }),
    );
    const outcomes = await new SmsapiGateway({ token: TOKEN, baseUrl: BASE }).send(Object.keys(answers).map((id) => message(Number(id))));
    expect(byId(outcomes)).toEqual([
      { id: 1, accepted: true, gatewayMessageId: 'gw-1' },
      { id: 2, accepted: false, status: STATUS.REJECTED, errorCode: 13 },
      { id: 3, accepted: false, status: STATUS.REJECTED, errorCode: 14 },
      { id: 4, accepted: false, status: STATUS.REJECTED, errorCode: 11 },
      { id: 5, accepted: false, status: STATUS.FAILED, errorCode: 8 },
      { id: 6, accepted: false, status: STATUS.FAILED, errorCode: 42 },
      { id: 7, accepted: false, status: STATUS.REJECTED, errorCode: 13 },
      { id: 8, accepted: true, gatewayMessageId: 'gw-8' },
    ]);
  });

  it('treats an answer listing only invalid numbers as a rejected number', async () => {
    mockHttp.use(
      http.post(URL_SMS, () =>
        HttpResponse.json({ count: 0, list: [], invalid_numbers: [{ number: '1', submitted_number: '1', message: 'Invalid phone number' }] }),
      ),
    );
    const outcomes = await new SmsapiGateway({ token: TOKEN, baseUrl: BASE }).send([message(5)]);
    expect(outcomes).toEqual([{ id: 5, accepted: false, status: STATUS.REJECTED, errorCode: 13 }]);
  });

  it('has a documented class for every code in its table, and a fallback by range', () => {
    expect(classifySmsapiError(13)).toBe('rejected');
    expect(classifySmsapiError(8)).toBe('failed');
    expect(classifySmsapiError(101)).toBe('unavailable');
    expect(classifySmsapiError(103)).toBe('unavailable');
    expect(classifySmsapiError(77)).toBe('failed');
    expect(classifySmsapiError(4321)).toBe('unavailable');
    for (const [code, entry] of Object.entries(SMSAPI_ERROR_CODES)) {
      expect(classifySmsapiError(Number(code))).toBe(entry.class);
      expect(entry.meaning.length).toBeGreaterThan(0);
    }
  });
});

describe('SmsapiGateway unavailable', () => {
  it.each([
    [101, 'authorization'],
    [102, 'credentials'],
    [103, 'points'],
  ])('throws on account-level error %i (%s), never with the token in the message', async (code) => {
    mockHttp.use(
      http.post(URL_SMS, () =>
        HttpResponse.json({ error: code, message: `Authorization failed for Bearer ${TOKEN}` }, { status: code === 103 ? 200 : 401 }),
      ),
    );
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE }), [message(1)]);
    expect(error.providerCode).toBe(code);
    expect(error.message).toContain(`SMSAPI error ${code}`);
    expect(error.message).not.toContain(TOKEN);
    expect(String(error.stack)).not.toContain(TOKEN);
    expect(error.settled).toEqual([]);
  });

  it('throws on HTTP 5xx, starts no new request after it, and refuses nothing', async () => {
    let requests = 0;
    mockHttp.use(
      http.post(URL_SMS, async () => {
        requests++;
        await delay(5);
        return HttpResponse.text('Service Unavailable', { status: 503 });
      }),
    );
    const messages = Array.from({ length: 20 }, (_, i) => message(i + 1));
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE, concurrency: 4 }), messages);
    expect(error.httpStatus).toBe(503);
    expect(error.message).toBe('SMSAPI answered HTTP 503');
    expect(error.settled).toEqual([]);
    // only the first wave went out: the other messages were left alone, for the retry
    expect(requests).toBe(4);
  });

  it('keeps what was settled before a failure, so a retry need not resend it', async () => {
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => {
        const idx = new URLSearchParams(await request.text()).get('idx')!;
        if (idx === '1') return accepted(idx);
        if (idx === '2') return HttpResponse.json({ error: 13, message: 'Invalid phone number' });
        return new HttpResponse(null, { status: 500 });
      }),
    );
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE, concurrency: 1 }), [message(1), message(2), message(3), message(4)]);
    expect(error.httpStatus).toBe(500);
    expect(byId(error.settled)).toEqual([
      { id: 1, accepted: true, gatewayMessageId: 'gw-1' },
      { id: 2, accepted: false, status: STATUS.REJECTED, errorCode: 13 },
    ]);
  });

  it('throws on a network error', async () => {
    mockHttp.use(http.post(URL_SMS, () => HttpResponse.error()));
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE }), [message(1), message(2)]);
    expect(error.message).toMatch(/^SMSAPI could not be reached/);
    expect(error.message).not.toContain(TOKEN);
  });

  it('throws when the provider does not answer within the timeout', async () => {
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => {
        await delay(2_000);
        return accepted(new URLSearchParams(await request.text()).get('idx')!);
      }),
    );
    const started = Date.now();
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE, timeoutMs: 50 }), [message(1)]);
    expect(error.message).toBe('SMSAPI did not answer within 50 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('throws on HTTP 429 and on a 4xx without an error code', async () => {
    mockHttp.use(http.post(URL_SMS, () => new HttpResponse(null, { status: 429 }), { once: true }));
    expect((await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE }), [message(1)])).httpStatus).toBe(429);

    mockHttp.use(http.post(URL_SMS, () => HttpResponse.text('Forbidden', { status: 403 }), { once: true }));
    expect((await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE }), [message(1)])).httpStatus).toBe(403);
  });

  it('throws on an answer it cannot read, rather than guessing', async () => {
    mockHttp.use(http.post(URL_SMS, () => HttpResponse.html('<html>maintenance</html>')));
    const error = await sendError(new SmsapiGateway({ token: TOKEN, baseUrl: BASE }), [message(1)]);
    expect(error.message).toBe('SMSAPI gave an unexpected answer (HTTP 200)');
  });
});

describe('SmsapiGateway parallelism', () => {
  async function maxInFlight(count: number, concurrency?: number): Promise<{ max: number; total: number; outcomes: SendOutcome[] }> {
    let inFlight = 0;
    let max = 0;
    let total = 0;
    mockHttp.use(
      http.post(URL_SMS, async ({ request }) => {
        const idx = new URLSearchParams(await request.text()).get('idx')!;
        total++;
        inFlight++;
        max = Math.max(max, inFlight);
        await delay(15);
        inFlight--;
        return accepted(idx);
      }),
    );
    const gateway = new SmsapiGateway({ token: TOKEN, baseUrl: BASE, concurrency });
    const outcomes = await gateway.send(Array.from({ length: count }, (_, i) => message(i + 1)));
    return { max, total, outcomes };
  }

  it('sends one request per message, at most 8 at a time by default', async () => {
    const { max, total, outcomes } = await maxInFlight(30);
    expect(total).toBe(30);
    expect(max).toBe(8);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(30);
    expect(outcomes.every((o) => o.accepted)).toBe(true);
  });

  it('honours a configured concurrency', async () => {
    const { max, total } = await maxInFlight(10, 3);
    expect(total).toBe(10);
    expect(max).toBe(3);
  });
});
