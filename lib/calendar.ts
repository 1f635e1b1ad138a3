/**
 * The one calendar: wall-clock times and whole days in a named time zone (the account's; the
 * browser's own zone is irrelevant). History filters, report periods, file names and the send
 * form's schedule all count days here. Pure and browser-safe (Intl only).
 *
 * A day is a YYYY-MM-DD string; its span in a zone is [local midnight, next local midnight),
 * so a DST day is 23 h or 25 h long and nothing is lost or counted twice.
 */

/** ISO 8601 date-time that carries its offset (or Z): what the send actions accept. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What a clock in `timeZone` reads at `instant`, expressed as if that reading were UTC (whole seconds). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour === 24 ? 0 : parts.hour, parts.minute, parts.second);
}

/** The zone's offset from UTC at `instant`, in minutes (Europe/Sofia: 120 in winter, 180 in summer). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((wallClock(whole, timeZone) - whole) / 60_000);
}

/** Whether Intl knows the zone (any name it accepts, offsets like "+03:00" included). */
function isKnownZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name an account may have: "Europe/Sofia", "UTC". */
export function isTimeZone(value: string): boolean {
  return /^[A-Za-z0-9_+\-/]{1,64}$/.test(value) && (value.includes('/') || value === 'UTC') && isKnownZone(value);
}

/** A zone safe for PostgreSQL and Intl alike: the account's, or UTC when it is not a valid one. */
export function safeTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `instant` written as ISO 8601 with the given offset, e.g. 2026-03-29T04:30:00+03:00. */
export function isoWithOffset(instant: number, offset: number): string {
  const wall = new Date(instant + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/**
 * The instant a `datetime-local` value ("2026-05-04T09:30") means in `timeZone`, or null for a
 * malformed value or an unknown zone. DST is resolved like Temporal's "compatible": a time
 * skipped by the spring-forward gap moves forward by the gap (03:30 -> 04:30 in Sofia), and a
 * time that occurs twice in the autumn overlap is the earlier of the two.
 */
export function zonedLocalToInstant(local: string, timeZone: string): number | null {
  const m = LOCAL.exec(local);
  if (!m || !isKnownZone(timeZone)) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const before = offsetMinutes(wall - DAY_MS, timeZone);
  const after = offsetMinutes(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset * 60_000)
    .filter((instant) => wallClock(instant, timeZone) === wall);
  if (candidates.length) return Math.min(...candidates);
  // In a gap: read with the offset in force before the jump, which lands after it.
  return wall - before * 60_000;
}

/** A `datetime-local` value as ISO 8601 with the zone's offset at that instant, or null. */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const instant = zonedLocalToInstant(local, timeZone);
  return instant === null ? null : isoWithOffset(instant, offsetMinutes(instant, timeZone));
}

/** What a `datetime-local` input should show for `instant` in `timeZone` (minutes precision). */
export function instantToZonedLocal(instant: number, timeZone: string): string {
  return isoWithOffset(instant, offsetMinutes(instant, timeZone)).slice(0, 16);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD that names a real calendar day, as days since 1970-01-01; else null. */
export function dayNumber(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [year, month, date] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  return ms / DAY_MS;
}

/** The YYYY-MM-DD of a day number. */
export function dayOfNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isValidDay(day: string): boolean {
  return dayNumber(day) !== null;
}

/** Adds days to a YYYY-MM-DD (RangeError for one that is not a date). */
export function addDays(day: string, days: number): string {
  const n = dayNumber(day);
  if (n === null) throw new RangeError(`not a date: ${day}`);
  return dayOfNumber(n + days);
}

/** Monday = 1 ... Sunday = 7. */
export function isoWeekday(day: string): number {
  const n = dayNumber(day);
  if (n === null) throw new RangeError(`not a date: ${day}`);
  const weekday = new Date(n * DAY_MS).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDay(instant: Date, timeZone: string): string {
  return instantToZonedLocal(instant.getTime(), timeZone).slice(0, 10);
}

/** Today (YYYY-MM-DD) in a zone. */
export function localToday(timeZone: string, now: Date = new Date()): string {
  return localDay(now, timeZone);
}

/** Local midnight of `day` in `timeZone` (a day that starts in a DST gap starts when the gap ends). */
export function startOfDay(day: string, timeZone: string): Date {
  const instant = zonedLocalToInstant(`${day}T00:00`, timeZone);
  if (instant === null) throw new RangeError(`not a date in a known time zone: ${day} ${timeZone}`);
  return new Date(instant);
}

/** Whole local days fromDay..toDay (inclusive) as the instants [start, end). */
export type DaySpan = { start: Date; end: Date; fromDay: string; toDay: string };

export function daySpan(fromDay: string, toDay: string, timeZone: string): DaySpan {
  return { start: startOfDay(fromDay, timeZone), end: startOfDay(addDays(toDay, 1), timeZone), fromDay, toDay };
}
