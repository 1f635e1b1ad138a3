import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor';
import { localToday } from '@/lib/calendar';
import { dayRange, likePrefix, MAX_RANGE_DAYS, parseHistoryFilters, type HistoryFilters, type ParsedFilters } from './filters';

const account = { country: 'BG', timeZone: 'Europe/Sofia', senderNames: ['DemoShop', 'Info'] };
const NOW = new Date('2026-05-04T09:00:00Z');

function ok(result: ParsedFilters): HistoryFilters {
  if (!result.ok) throw new Error(`expected valid filters, got ${JSON.stringify(result.errors)}`);
  return result.filters;
}
const parse = (params: Record<string, string | string[] | undefined>) => parseHistoryFilters(params, account, NOW);
const errors = (params: Record<string, string | string[] | undefined>) => {
  const result = parse(params);
  return result.ok ? [] : result.errors;
};

describe('parseHistoryFilters', () => {
  it('gives the default window, 50 rows, first page, for no filters or empty fields', () => {
    const expected = {
      sender: null,
      recipientPrefix: null,
      statuses: [],
      source: null,
      range: null,
      campaign: null,
      pageSize: 50,
      cursor: null,
      direction: 'older',
    };
    expect(ok(parse({}))).toEqual(expected);
    expect(ok(parse({ sender: '', recipient: '  ', status: '', source: '', from: '', to: '', size: '', cursor: '', dir: '' }))).toEqual(expected);
  });

  it('takes a sender only from the account’s names, exactly', () => {
    expect(ok(parse({ sender: 'Info' })).sender).toBe('Info');
    expect(errors({ sender: 'info' })).toEqual([{ field: 'sender', code: 'unknown_sender' }]);
    expect(errors({ sender: 'OtherCo' })).toEqual([{ field: 'sender', code: 'unknown_sender' }]);
  });

  it('reads a recipient as a user types it, into an E.164 prefix', () => {
    const prefix = (recipient: string) => ok(parse({ recipient })).recipientPrefix;
    expect(prefix('0888 123 456')).toBe('+359888123456');
    expect(prefix('0888')).toBe('+359888');
    expect(prefix('+35988')).toBe('+35988');
    expect(prefix('0035988')).toBe('+35988');
    expect(prefix('35988')).toBe('+35988');
    expect(prefix('888-12')).toBe('+35988812');
    expect(prefix('+44 20')).toBe('+4420');
    for (const bad of ['abc', '0888%', '08_8', '+', '+0888', '1'.repeat(41), '+1234567890123456']) {
      expect(errors({ recipient: bad }), bad).toEqual([{ field: 'recipient', code: 'invalid_recipient' }]);
    }
  });

  it('takes one or more statuses, by code or name, repeated or comma-separated', () => {
    expect(ok(parse({ status: '404' })).statuses).toEqual([404]);
    expect(ok(parse({ status: ['405', '404', '405'] })).statuses).toEqual([404, 405]);
    expect(ok(parse({ status: '409,403, 410,411' })).statuses).toEqual([403, 409, 410, 411]);
    expect(ok(parse({ status: 'delivered' })).statuses).toEqual([404]);
    expect(ok(parse({ status: ['', '412'] })).statuses).toEqual([412]);
    for (const bad of ['400', '413', 'DRAFT', '404;405', 'x'.repeat(300)]) {
      expect(errors({ status: bad }), bad).toEqual([{ field: 'status', code: 'invalid_status' }]);
    }
  });

  it('takes source api or portal', () => {
    expect(ok(parse({ source: 'api' })).source).toBe('api');
    expect(ok(parse({ source: 'portal' })).source).toBe('portal');
    expect(errors({ source: 'sms' })).toEqual([{ field: 'source', code: 'invalid_source' }]);
  });

  it('turns a date range into whole local days, DST included', () => {
    // Sofia leaves summer time on 2025-10-26: that day has 25 hours.
    const autumn = ok(parse({ from: '2025-10-26', to: '2025-10-26' })).range!;
    expect(autumn.start.toISOString()).toBe('2025-10-25T21:00:00.000Z');
    expect(autumn.end.toISOString()).toBe('2025-10-26T22:00:00.000Z');
    // ...and enters it on 2025-03-30: 23 hours.
    const spring = ok(parse({ from: '2025-03-30', to: '2025-03-30' })).range!;
    expect(spring.start.toISOString()).toBe('2025-03-29T22:00:00.000Z');
    expect(spring.end.toISOString()).toBe('2025-03-30T21:00:00.000Z');
    const month = ok(parse({ from: '2026-01-01', to: '2026-01-31' })).range!;
    expect(month).toMatchObject({ from: '2026-01-01', to: '2026-01-31' });
    expect(month.start.toISOString()).toBe('2025-12-31T22:00:00.000Z');
    expect(month.end.toISOString()).toBe('2026-01-31T22:00:00.000Z');
  });

  it('fills in one missing end of a range', () => {
    expect(ok(parse({ from: '2026-04-01' })).range).toMatchObject({ from: '2026-04-01', to: '2026-05-04' });
    expect(ok(parse({ to: '2026-04-01' })).range).toMatchObject({ from: '2025-02-26', to: '2026-04-01' });
    expect(localToday('Europe/Sofia', new Date('2026-05-03T21:30:00Z'))).toBe('2026-05-04');
  });

  it('refuses bad dates, reversed ranges and ranges that are too long', () => {
    for (const bad of ['2025-02-30', '2025-13-01', '25-01-01', 'yesterday', '2025-1-1', '1999-12-31', '2101-01-01', '2025-01-01T00:00']) {
      expect(errors({ from: bad }), bad).toEqual([{ field: 'from', code: 'invalid_date' }]);
    }
    expect(errors({ from: '2026-02-02', to: '2026-02-01' })).toEqual([{ field: 'to', code: 'range_order' }]);
    const last = new Date(Date.UTC(2025, 0, 1) + (MAX_RANGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    expect(parse({ from: '2025-01-01', to: last }).ok).toBe(true);
    const tooFar = new Date(Date.UTC(2025, 0, 1) + MAX_RANGE_DAYS * 86_400_000).toISOString().slice(0, 10);
    expect(errors({ from: '2025-01-01', to: tooFar })).toEqual([{ field: 'from', code: 'range_too_long' }]);
  });

  it('takes page size 50 or 100 only', () => {
    expect(ok(parse({ size: '100' })).pageSize).toBe(100);
    expect(ok(parse({ size: '50' })).pageSize).toBe(50);
    for (const bad of ['1000', '0', '-1', '75', '1e2', 'all']) {
      expect(errors({ size: bad }), bad).toEqual([{ field: 'size', code: 'invalid_page_size' }]);
    }
  });

  it('takes a cursor and a direction, and refuses a broken cursor', () => {
    const cursor = { createdAt: '2026-05-04T08:00:00.000001Z', id: 42 };
    const encoded = encodeCursor(cursor);
    expect(ok(parse({ cursor: encoded }))).toMatchObject({ cursor, direction: 'older' });
    expect(ok(parse({ cursor: encoded, dir: 'newer' }))).toMatchObject({ cursor, direction: 'newer' });
    // A direction without a cursor is the first page.
    expect(ok(parse({ dir: 'newer' }))).toMatchObject({ cursor: null, direction: 'older' });
    expect(errors({ cursor: `${encoded}x` })).toEqual([{ field: 'cursor', code: 'invalid_cursor' }]);
    expect(errors({ cursor: encoded, dir: 'sideways' })).toEqual([{ field: 'dir', code: 'invalid_cursor' }]);
  });

  it('takes a campaign id', () => {
    expect(ok(parse({ campaign: '0b5c6a36-3f1e-4f57-9d2a-6c1f0e8b9a11' })).campaign).toBe('0b5c6a36-3f1e-4f57-9d2a-6c1f0e8b9a11');
    expect(errors({ campaign: '42' })).toEqual([{ field: 'campaign', code: 'invalid_campaign' }]);
  });

  it('reports every bad field at once and gives the values back for the form', () => {
    const result = parse({ sender: 'Nope', recipient: 'abc', size: '7', status: ['404', 'x'], ignored: 'utm' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['recipient', 'sender', 'size', 'status']);
    expect(result.values).toMatchObject({ sender: 'Nope', recipient: 'abc', size: '7', status: ['404', 'x'] });
  });

  it('reports a range in the wrong order together with the other bad fields', () => {
    expect(errors({ recipient: 'abc', from: '2026-02-02', to: '2026-02-01' })).toEqual([
      { field: 'recipient', code: 'invalid_recipient' },
      { field: 'to', code: 'range_order' },
    ]);
    expect(errors({ source: 'sms', from: '2025-01-01', to: '2026-05-01' })).toEqual([
      { field: 'source', code: 'invalid_source' },
      { field: 'from', code: 'range_too_long' },
    ]);
  });

  it('reads URLSearchParams too, and a repeated single field takes its first value', () => {
    const filters = ok(parseHistoryFilters(new URLSearchParams('sender=Info&sender=DemoShop&status=404&status=405'), account, NOW));
    expect(filters.sender).toBe('Info');
    expect(filters.statuses).toEqual([404, 405]);
  });

  it('never throws, whatever the query string', () => {
    const key = fc.constantFrom('sender', 'recipient', 'status', 'source', 'from', 'to', 'campaign', 'size', 'cursor', 'dir', 'other');
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }))), (params) => {
        const result = parse(params);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('likePrefix', () => {
  it('escapes LIKE wildcards and appends %', () => {
    expect(likePrefix('+35988')).toBe('+35988%');
    expect(likePrefix('a%b_c\\')).toBe('a\\%b\\_c\\\\%');
  });
});

describe('dayRange', () => {
  it('covers whole local days in another time zone', () => {
    const range = dayRange('2026-03-08', '2026-03-08', 'America/New_York');
    expect(range.start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });
});
