import { AppError } from '@/lib/errors';
import { instantToZonedLocal, zonedLocalToInstant } from '@/lib/messaging/local-time';

/**
 * Report periods: whole days in the account's time zone (pure; Intl only).
 *
 * A period is [start, end): `start` is local midnight of `fromDay`, `end` local midnight of the
 * day after `toDay`, so a DST day is 23 h or 25 h long and nothing is lost or counted twice.
 * Periodic reports run at 06:00 local: daily (the day just ended), weekly on Monday (the
 * previous Monday-Sunday), monthly on the 1st (the previous calendar month).
 */

export type PeriodKind = 'last_week' | 'last_month' | 'last_year' | 'custom';
export type Frequency = 'daily' | 'weekly' | 'monthly';
export type Period = { start: Date; end: Date; fromDay: string; toDay: string };

export const MAX_CUSTOM_DAYS = 400;
export const RUN_HOUR = '06:00';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days as UTC-midnight numbers, for calendar arithmetic only. */
function parseDay(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return t;
}

function formatDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function isValidDay(day: string): boolean {
  return parseDay(day) !== null;
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDay(instant: Date, timeZone: string): string {
  return instantToZonedLocal(instant.getTime(), timeZone).slice(0, 10);
}

/** Adds days to a YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const t = parseDay(day);
  if (t === null) throw new AppError('bad_date', { field: 'period' });
  return formatDay(t + days * DAY_MS);
}

/** Local midnight of `day` in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const instant = zonedLocalToInstant(`${day}T00:00`, timeZone);
  if (instant === null) throw new AppError('bad_date', { field: 'period' });
  return new Date(instant);
}

/** The period covering the local days fromDay..toDay (inclusive). */
export function periodOfDays(fromDay: string, toDay: string, timeZone: string): Period {
  return { start: startOfDay(fromDay, timeZone), end: startOfDay(addDays(toDay, 1), timeZone), fromDay, toDay };
}

/** Monday = 1 ... Sunday = 7 */
function isoWeekday(day: string): number {
  const wd = new Date(parseDay(day)!).getUTCDay();
  return wd === 0 ? 7 : wd;
}

function firstOfMonth(day: string, monthsBack: number): string {
  const t = new Date(parseDay(day)!);
  return formatDay(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - monthsBack, 1));
}

export function resolvePeriod(kind: PeriodKind, now: Date, timeZone: string, custom?: { from: string; to: string }): Period {
  const today = localDay(now, timeZone);
  switch (kind) {
    case 'last_week': {
      const monday = addDays(today, -(isoWeekday(today) - 1) - 7);
      return periodOfDays(monday, addDays(monday, 6), timeZone);
    }
    case 'last_month': {
      const from = firstOfMonth(today, 1);
      return periodOfDays(from, addDays(firstOfMonth(today, 0), -1), timeZone);
    }
    case 'last_year': {
      const year = Number(today.slice(0, 4)) - 1;
      return periodOfDays(`${year}-01-01`, `${year}-12-31`, timeZone);
    }
    case 'custom': {
      if (!custom) throw new AppError('custom_needs_dates', { field: 'period' });
      const from = parseDay(custom.from);
      const to = parseDay(custom.to);
      if (from === null || to === null) throw new AppError('bad_date', { field: 'period' });
      if (from > to) throw new AppError('start_after_end', { field: 'period' });
      if ((to - from) / DAY_MS + 1 > MAX_CUSTOM_DAYS) throw new AppError('period_too_long', { field: 'period', params: { days: MAX_CUSTOM_DAYS } });
      if (custom.to > today) throw new AppError('end_in_future', { field: 'period' });
      return periodOfDays(custom.from, custom.to, timeZone);
    }
  }
}

/** The period a periodic report that runs at `runAt` covers: the day, week or month just ended. */
export function periodJustEnded(frequency: Frequency, runAt: Date, timeZone: string): Period {
  switch (frequency) {
    case 'daily': {
      const yesterday = addDays(localDay(runAt, timeZone), -1);
      return periodOfDays(yesterday, yesterday, timeZone);
    }
    case 'weekly':
      return resolvePeriod('last_week', runAt, timeZone);
    case 'monthly':
      return resolvePeriod('last_month', runAt, timeZone);
  }
}

function runTime(day: string, timeZone: string): Date {
  const instant = zonedLocalToInstant(`${day}T${RUN_HOUR}`, timeZone);
  if (instant === null) throw new AppError('bad_date', { field: 'period' });
  return new Date(instant);
}

/** The first run time strictly after `after`: 06:00 local every day / on Mondays / on the 1st. */
export function nextRunAt(frequency: Frequency, after: Date, timeZone: string): Date {
  let day = localDay(after, timeZone);
  // At most ~32 candidate days for monthly; cheap.
  for (let i = 0; i < 40; i++, day = addDays(day, 1)) {
    const matches = frequency === 'daily' || (frequency === 'weekly' ? isoWeekday(day) === 1 : day.endsWith('-01'));
    if (!matches) continue;
    const at = runTime(day, timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error('no next run found');
}
