import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { MAX_API_BODY_BYTES } from '@/lib/messaging/limits';
import { checkText, queryParams, readParams } from './request';

const post = (body: BodyInit | null, type?: string, headers: Record<string, string> = {}) =>
  new Request('http://app.test/api/x', { method: 'POST', body, headers: { ...(type ? { 'content-type': type } : {}), ...headers }, duplex: 'half' } as RequestInit);

async function refusal(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
  throw new Error('not refused');
}

const FORM = 'application/x-www-form-urlencoded';

describe('readParams', () => {
  it('decodes a form: + is a space, a repeated name is a list, no Content-Type is a form, "__proto__" is just a name', async () => {
    expect(await readParams(post('to=1&to=2&message=a+b%20c&empty&x=', FORM))).toEqual({ to: ['1', '2'], message: 'a b c', empty: '', x: '' });
    // (a string body would get text/plain from the Request constructor; bytes get no type, as on the wire)
    expect(await readParams(post(new TextEncoder().encode('message=%D0%B6')))).toEqual({ message: 'ж' });
    const params = await readParams(post('__proto__=x', FORM));
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.hasOwn(params, '__proto__')).toBe(true);
  });

  it('decodes a JSON object, with or without a charset; an empty body is no parameters', async () => {
    expect(await readParams(post('{"to":["1"],"rate":5}', 'application/json; charset=utf-8'))).toEqual({ to: ['1'], rate: 5 });
    expect(await readParams(post(null, 'application/json'))).toEqual({});
    expect(await readParams(post('', FORM))).toEqual({});
  });

  it('refuses every malformed body with its own code', async () => {
    expect(await refusal(() => readParams(post('{"to":', 'application/json')))).toBe('body_not_json');
    for (const body of ['[1]', 'null', '"text"', '7']) expect(await refusal(() => readParams(post(body, 'application/json')))).toBe('body_not_object');
    expect(await refusal(() => readParams(post('message=%E0%A4%A', FORM)))).toBe('body_not_form');
    expect(await refusal(() => readParams(post('message=%FF', FORM)))).toBe('body_not_form');
    expect(await refusal(() => readParams(post(new Uint8Array([0x6d, 0x3d, 0xc3, 0x28]), FORM)))).toBe('body_not_utf8');
    expect(await refusal(() => readParams(post('x=1', 'text/plain')))).toBe('content_type_unsupported');
    expect(await refusal(() => readParams(post('x=1', 'multipart/form-data; boundary=x')))).toBe('content_type_unsupported');
    expect(await refusal(() => readParams(post('x=1', FORM), ['application/json']))).toBe('content_type_unsupported');
  });

  it('caps the body by Content-Length and, without one, while reading the stream', async () => {
    expect(await refusal(() => readParams(post('{}', 'application/json', { 'content-length': String(MAX_API_BODY_BYTES + 1) })))).toBe('body_too_large');
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
      },
    });
    expect(await refusal(() => readParams(post(endless, FORM)))).toBe('body_too_large');
    expect(pulled).toBeLessThan(8); // stopped at the cap, not read to the end
    expect(await readParams(post(`m=${'a'.repeat(MAX_API_BODY_BYTES - 2)}`, FORM))).toMatchObject({ m: expect.any(String) });
  });
});

describe('queryParams', () => {
  it('decodes the query as strictly as a form', async () => {
    expect(queryParams(new URL('http://app.test/x?status=1|2&format=json'))).toEqual({ status: '1|2', format: 'json' });
    expect(await refusal(() => queryParams(new URL('http://app.test/x?status=%')))).toBe('body_not_form');
  });
});

describe('checkText', () => {
  it('allows text with lines and tabs, emoji and Cyrillic', () => {
    expect(() => checkText({ message: 'Здравейте,\r\n\tсвят 👋', to: ['1', '2'], nested: { a: 'b' }, n: 5, t: true })).not.toThrow();
  });

  it('refuses NUL, other controls and broken UTF-16 in any value or name, naming where', () => {
    const cases: [unknown, string][] = [
      [{ message: 'a\u0000b' }, 'message'],
      [{ message: 'esc\u001b[31m' }, 'message'],
      [{ message: 'del\u007f' }, 'message'],
      [{ message: 'c1\u0085' }, 'message'],
      [{ message: 'half \ud83d' }, 'message'],
      [{ to: ['1', '2\u0000'] }, 'to.1'],
      [{ deep: { list: [{ x: '\u0001' }] } }, 'deep.list.0.x'],
      [{ 'na\u0000me': 'x' }, '"na\\u0000me"'],
    ];
    for (const [params, field] of cases) {
      let caught: unknown;
      try {
        checkText(params as Record<string, unknown>);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(params)).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('invalid_character');
      expect((caught as AppError).field).toBe(field);
    }
  });
});
