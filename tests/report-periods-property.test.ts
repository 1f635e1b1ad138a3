import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDay, periodOfDays, startOfDay } from '@/lib/reports/periods';

describe('day bucketing in the account’s time zone, for any day', () => {
  const day = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const zone = fc.constantFrom('Europe/Sofia', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe');

  it('starts each local day at its own midnight and ends it where the next begins', () => {
    fc.assert(
      fc.property(day, zone, (d, tz) => {
        const start = startOfDay(d, tz);
        expect(localDay(start, tz)).toBe(d);
        expect(localDay(new Date(start.getTime() - 1), tz)).toBe(addDays(d, -1));
        const { end } = periodOfDays(d, d, tz);
        // A local day is 23 to 25 hours (Lord Howe moves by half an hour).
        expect(end.getTime() - start.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
        expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
        expect(localDay(new Date(end.getTime() - 1), tz)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });
});
