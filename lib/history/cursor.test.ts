import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('history cursor', () => {
  it('round-trips created_at with microseconds and the id', () => {
    const cursor = { createdAt: '2026-03-29T01:30:00.123456Z', id: 9_007_199_254 };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it('round-trips any instant and id', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (date, micros, id) => {
          const createdAt = `${date.toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
          expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
        },
      ),
    );
  });

  it('refuses anything that is not one of its cursors', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const value of [
      '',
      'not base64!',
      'x'.repeat(500),
      b64('2026-03-29T01:30:00Z'),
      b64('2026-03-29T01:30:00Z~'),
      b64('2026-03-29T01:30:00Z~0'),
      b64('2026-03-29T01:30:00Z~-5'),
      b64('2026-03-29T01:30:00Z~12abc'),
      b64('2026-03-29T01:30:00Z~99999999999999999'),
      b64('2026-02-30T01:30:00Z~1'),
      b64('2026-03-29T25:30:00Z~1'),
      b64('2026-03-29 01:30:00Z~1'),
      b64('2026-03-29T01:30:00+02:00~1'),
      b64("2026-03-29T01:30:00Z'; drop table messages; --~1"),
      b64('2026-03-29T01:30:00Z~1~2'),
    ]) {
      expect(decodeCursor(value), value).toBeNull();
    }
  });
});
