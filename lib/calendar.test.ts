import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { instantToZonedLocal, ISO_WITH_OFFSET, isoWithOffset, offsetMinutes, zonedLocalToInstant, zonedLocalToIso } from './calendar';

const SOFIA = 'Europe/Sofia';

describe('zonedLocalToIso', () => {
  it('uses the zone offset of that date, not of today', () => {
    expect(zonedLocalToIso('2026-01-15T09:30', SOFIA)).toBe('2026-01-15T09:30:00+02:00');
    expect(zonedLocalToIso('2026-07-15T09:30', SOFIA)).toBe('2026-07-15T09:30:00+03:00');
    expect(zonedLocalToIso('2026-07-15T09:30', 'UTC')).toBe('2026-07-15T09:30:00+00:00');
    expect(zonedLocalToIso('2026-07-15T09:30', 'America/New_York')).toBe('2026-07-15T09:30:00-04:00');
    expect(zonedLocalToIso('2026-01-15T09:30', 'Asia/Kolkata')).toBe('2026-01-15T09:30:00+05:30');
  });

  it('accepts seconds as datetime-local may send them', () => {
    expect(zonedLocalToIso('2026-01-15T09:30:15', SOFIA)).toBe('2026-01-15T09:30:15+02:00');
  });

  it('moves a time skipped by spring-forward past the gap (Sofia, 29 March 2026, 03:00 -> 04:00)', () => {
    expect(zonedLocalToIso('2026-03-29T02:59', SOFIA)).toBe('2026-03-29T02:59:00+02:00');
    expect(zonedLocalToIso('2026-03-29T03:30', SOFIA)).toBe('2026-03-29T04:30:00+03:00');
    expect(zonedLocalToIso('2026-03-29T04:00', SOFIA)).toBe('2026-03-29T04:00:00+03:00');
  });

  it('takes the earlier of two instants in the autumn overlap (Sofia, 25 October 2026, 04:00 -> 03:00)', () => {
    expect(zonedLocalToIso('2026-10-25T03:30', SOFIA)).toBe('2026-10-25T03:30:00+03:00');
    expect(new Date(zonedLocalToIso('2026-10-25T03:30', SOFIA)!).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedLocalToIso('2026-10-25T04:00', SOFIA)).toBe('2026-10-25T04:00:00+02:00');
  });

  it('refuses malformed values, impossible dates and unknown zones', () => {
    for (const bad of ['', '2026-01-15', '2026-01-15 09:30', '2026-02-30T10:00', '2026-01-15T24:00', '2026-13-01T10:00', '15.01.2026 09:30']) {
      expect(zonedLocalToIso(bad, SOFIA), bad).toBeNull();
    }
    expect(zonedLocalToIso('2026-01-15T09:30', 'Mars/Olympus')).toBeNull();
  });

  it('produces what the server accepts, and the same instant back', () => {
    const zones = [SOFIA, 'UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const instant = Math.floor(ms / 60_000) * 60_000;
          const local = instantToZonedLocal(instant, zone);
          const iso = zonedLocalToIso(local, zone)!;
          expect(iso).toMatch(ISO_WITH_OFFSET);
          // The wall-clock reading survives the round trip; the instant does, except in an overlap.
          expect(iso.slice(0, 16)).toBe(local);
          const back = zonedLocalToInstant(local, zone)!;
          expect(back === instant || instantToZonedLocal(back, zone) === local).toBe(true);
        },
      ),
    );
  });
});

describe('offsets and formatting', () => {
  it('knows the Sofia offsets', () => {
    expect(offsetMinutes(Date.UTC(2026, 0, 1), SOFIA)).toBe(120);
    expect(offsetMinutes(Date.UTC(2026, 6, 1), SOFIA)).toBe(180);
  });

  it('writes negative and fractional offsets', () => {
    expect(isoWithOffset(Date.UTC(2026, 0, 1, 12), -210)).toBe('2026-01-01T08:30:00-03:30');
    expect(isoWithOffset(Date.UTC(2026, 0, 1, 12), 345)).toBe('2026-01-01T17:45:00+05:45');
  });

  it('shows the wall-clock time of an instant in the zone', () => {
    expect(instantToZonedLocal(Date.UTC(2026, 6, 1, 21, 15, 59), SOFIA)).toBe('2026-07-02T00:15');
  });
});
