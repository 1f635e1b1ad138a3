import { describe, expect, it } from 'vitest';
import { nextRunAt, periodJustEnded, resolvePeriod } from '@/lib/reports/periods';

const TZ = 'Europe/Sofia';
const iso = (d: Date) => d.toISOString();
const H = 3_600_000;

describe('resolvePeriod (Europe/Sofia)', () => {
  it('last week is the previous Monday-Sunday, across the spring DST change', () => {
    // Wednesday 2026-04-01
    const p = resolvePeriod('last_week', new Date('2026-04-01T10:00:00Z'), TZ);
    expect(p).toMatchObject({ fromDay: '2026-03-23', toDay: '2026-03-29' });
    expect(iso(p.start)).toBe('2026-03-22T22:00:00.000Z');
    expect(iso(p.end)).toBe('2026-03-29T21:00:00.000Z');
    expect(p.end.getTime() - p.start.getTime()).toBe(167 * H);
  });

  it('uses the local day, not the UTC day, at the edges of a week', () => {
    // 00:30 Monday local (still Sunday in UTC)
    expect(resolvePeriod('last_week', new Date('2026-03-29T21:30:00Z'), TZ).fromDay).toBe('2026-03-23');
    // 23:30 Sunday local
    expect(resolvePeriod('last_week', new Date('2026-03-29T20:30:00Z'), TZ).fromDay).toBe('2026-03-16');
  });

  it('last month and last year are calendar months/years in local time', () => {
    const m = resolvePeriod('last_month', new Date('2026-02-28T22:30:00Z'), TZ); // 1 March 00:30 local
    expect(m).toMatchObject({ fromDay: '2026-02-01', toDay: '2026-02-28' });
    expect(iso(m.start)).toBe('2026-01-31T22:00:00.000Z');
    expect(iso(m.end)).toBe('2026-02-28T22:00:00.000Z');
    const oct = resolvePeriod('last_month', new Date('2026-11-02T10:00:00Z'), TZ);
    expect(oct.end.getTime() - oct.start.getTime()).toBe((31 * 24 + 1) * H);
    const y = resolvePeriod('last_year', new Date('2025-12-31T22:30:00Z'), TZ); // 1 Jan 2026 00:30 local
    expect(y).toMatchObject({ fromDay: '2025-01-01', toDay: '2025-12-31' });
    expect(iso(y.start)).toBe('2024-12-31T22:00:00.000Z');
    expect(iso(y.end)).toBe('2025-12-31T22:00:00.000Z');
  });

  it('custom: 23 h and 25 h days, validation', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const spring = resolvePeriod('custom', now, TZ, { from: '2026-03-29', to: '2026-03-29' });
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * H);
    const autumn = resolvePeriod('custom', now, TZ, { from: '2026-10-25', to: '2026-10-25' });
    expect(iso(autumn.start)).toBe('2026-10-24T21:00:00.000Z');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * H);
    expect(() => resolvePeriod('custom', now, TZ, { from: '2026-03-02', to: '2026-03-01' })).toThrow(/not be after/);
    expect(() => resolvePeriod('custom', now, TZ, { from: '2025-01-01', to: '2026-02-05' })).toThrow(/400 days/);
    expect(resolvePeriod('custom', now, TZ, { from: '2025-01-01', to: '2026-02-04' }).toDay).toBe('2026-02-04'); // exactly 400
    expect(() => resolvePeriod('custom', now, TZ, { from: '2026-11-30', to: '2026-12-02' })).toThrow(/future/);
    expect(() => resolvePeriod('custom', now, TZ, { from: '2026-02-30', to: '2026-03-01' })).toThrow(/valid/);
    expect(() => resolvePeriod('custom', now, TZ)).toThrow();
  });
});

describe('periodic runs', () => {
  it('daily at 06:00 local: a 23 h gap in spring and a 25 h gap in autumn', () => {
    const a = nextRunAt('daily', new Date('2026-03-27T05:00:00Z'), TZ);
    expect(iso(a)).toBe('2026-03-28T04:00:00.000Z');
    const b = nextRunAt('daily', a, TZ);
    expect(iso(b)).toBe('2026-03-29T03:00:00.000Z');
    expect(b.getTime() - a.getTime()).toBe(23 * H);
    const c = nextRunAt('daily', new Date('2026-10-24T03:00:00Z'), TZ); // exactly 06:00 on the 24th: strictly after
    expect(iso(c)).toBe('2026-10-25T04:00:00.000Z');
    expect(c.getTime() - new Date('2026-10-24T03:00:00Z').getTime()).toBe(25 * H);
  });

  it('weekly on Monday and monthly on the 1st', () => {
    expect(iso(nextRunAt('weekly', new Date('2026-03-25T12:00:00Z'), TZ))).toBe('2026-03-30T03:00:00.000Z');
    expect(iso(nextRunAt('weekly', new Date('2026-10-19T02:59:00Z'), TZ))).toBe('2026-10-19T03:00:00.000Z');
    expect(iso(nextRunAt('monthly', new Date('2026-10-01T03:00:00Z'), TZ))).toBe('2026-11-01T04:00:00.000Z');
    expect(iso(nextRunAt('monthly', new Date('2026-12-15T00:00:00Z'), TZ))).toBe('2027-01-01T04:00:00.000Z');
  });

  it('each run covers the period just ended, DST days whole', () => {
    const spring = periodJustEnded('daily', new Date('2026-03-30T03:00:00Z'), TZ);
    expect(spring).toMatchObject({ fromDay: '2026-03-29', toDay: '2026-03-29' });
    expect(iso(spring.start)).toBe('2026-03-28T22:00:00.000Z');
    expect(iso(spring.end)).toBe('2026-03-29T21:00:00.000Z');
    const autumn = periodJustEnded('daily', new Date('2026-10-26T04:00:00Z'), TZ);
    expect(iso(autumn.start)).toBe('2026-10-24T21:00:00.000Z');
    expect(iso(autumn.end)).toBe('2026-10-25T22:00:00.000Z');
    expect(periodJustEnded('weekly', new Date('2026-03-30T03:00:00Z'), TZ)).toMatchObject({ fromDay: '2026-03-23', toDay: '2026-03-29' });
    expect(periodJustEnded('monthly', new Date('2026-11-01T04:00:00Z'), TZ)).toMatchObject({ fromDay: '2026-10-01', toDay: '2026-10-31' });
  });
});
