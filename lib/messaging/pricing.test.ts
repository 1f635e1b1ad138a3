import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { POINT_UNITS, messageCost, formatPoints, parsePoints } from './pricing';

describe('messageCost', () => {
  it('multiplies parts by the per-part price', () => {
    expect(POINT_UNITS).toBe(10000);
    expect(messageCost(3, 1500)).toBe(4500);
    expect(messageCost(0, 1500)).toBe(0);
    expect(messageCost(2, 0)).toBe(0);
  });

  it.each([
    [1.5, 100],
    [1, 0.5],
    [-1, 100],
    [1, -100],
    [Number.NaN, 1],
    [1, Number.POSITIVE_INFINITY],
    [2 ** 53, 1],
    [2 ** 30, 2 ** 30],
  ])('rejects parts=%s price=%s', (parts, price) => {
    expect(() => messageCost(parts, price)).toThrow(RangeError);
  });
});

describe('formatPoints', () => {
  it.each([
    [15000, 'en', '1.5'],
    [15000, 'bg', '1,5'],
    [0, 'en', '0'],
    [1, 'en', '0.0001'],
    [10000, 'en', '1'],
    [123456789, 'en', '12,345.6789'],
    [123456789, 'bg', '12\u00a0345,6789'],
    [12345000, 'bg', '1234,5'],
    [-15000, 'en', '-1.5'],
  ])('%s units in %s -> %j', (units, locale, expected) => {
    expect(formatPoints(units, locale)).toBe(expected);
  });

  it('formats bigint balances exactly, beyond Number precision', () => {
    expect(formatPoints(123456789012345678901n, 'en')).toBe('12,345,678,901,234,567.8901');
    expect(formatPoints(15000n, 'bg')).toBe('1,5');
  });

  it('rejects non-integer numbers', () => {
    expect(() => formatPoints(1.5, 'en')).toThrow(RangeError);
    expect(() => formatPoints(Number.NaN, 'en')).toThrow(RangeError);
  });
});

describe('parsePoints', () => {
  it.each([
    ['1.5', 15000],
    ['1,5', 15000],
    ['0', 0],
    ['0.0001', 1],
    ['12', 120000],
    [' 3.25 ', 32500],
    ['.5', 5000],
    ['5.', 50000],
    ['0007.1000', 71000],
    ['1,000', 10000],
  ])('%j -> %s units', (text, units) => {
    expect(parsePoints(text)).toBe(units);
  });

  it.each(['1.23456', '-1', '-0', '', ' ', '.', 'abc', '1e3', '+1', '1.2.3', '1 000', '1,000.5', 'Infinity', '900719925474.0993'])(
    'rejects %j',
    (text) => {
      expect(() => parsePoints(text)).toThrow(Error);
    },
  );

  it('round-trips with formatPoints in en and bg', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (units) => {
        const bg = formatPoints(units, 'bg').replace(/\s/g, '');
        const en = formatPoints(units, 'en').replace(/,/g, '');
        return parsePoints(en) === units && parsePoints(bg) === units;
      }),
    );
  });
});
