import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { addDays, daySpan, localDay, startOfDay } from '@/lib/calendar';

describe('day bucketing in the account’s time zone, for any day', () => {
  const day = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const zone = fc.constantFrom('Europe/Sofia', 'Europe/London', 'America/New_York', 'America/St_Johns', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC', 'Australia/Lord_Howe', 'Pacific/Chatham');
  const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });

  it('starts each local day at its own midnight and ends it where the next begins', () => {
    fc.assert(
      fc.property(day, zone, (d, tz) => {
        const start = startOfDay(d, tz);
        expect(localDay(start, tz)).toBe(d);
        expect(localDay(new Date(start.getTime() - 1), tz)).toBe(addDays(d, -1));
        const { end } = daySpan(d, d, tz);
        // A local day is 23 to 25 hours (Lord Howe moves by half an hour).
        expect(end.getTime() - start.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
        expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
        expect(localDay(new Date(end.getTime() - 1), tz)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });

  it('puts any instant in the one local day whose start and end contain it', () => {
    fc.assert(
      fc.property(instant, zone, (at, tz) => {
        const d = localDay(at, tz);
        const { start, end } = daySpan(d, d, tz);
        expect(start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime()).toBeLessThan(end.getTime());
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with PostgreSQL’s own day of an instant in that zone (the reports group by day in SQL)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(instant, { minLength: 1, maxLength: 50 }), zone, async (instants, tz) => {
        const rows = await db.execute<{ day: string }>(
          sql`select to_char((t::timestamptz at time zone ${tz})::date, 'YYYY-MM-DD') as day
              from jsonb_array_elements_text(${JSON.stringify(instants.map((i) => i.toISOString()))}::jsonb) with ordinality as u(t, n) order by n`,
        );
        expect(rows.map((r) => r.day)).toEqual(instants.map((i) => localDay(i, tz)));
      }),
      { numRuns: 100 },
    );
  });
});
