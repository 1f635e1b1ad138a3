import type { reportFrequency } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { addDays, dayNumber, daySpan, isoWeekday, localDay, zonedLocalToInstant, type DaySpan } from '@/lib/calendar';
import { DATE_TIME, formatDaySpan } from '@/lib/i18n/formats';

/**
 * Report periods: whole days in the account's time zone (pure; Intl only).
 *
 * A period is [start, end): `start` is local midnight of `fromDay`, `end` local midnight of the
 * day after `toDay`, so a DST day is 23 h or 25 h long and nothing is lost or counted twice.
 * Periodic reports run at 06:00 local: daily (the day just ended), weekly on Monday (the
 * previous Monday-Sunday), monthly on the 1st (the previous calendar month).
 */

export type PeriodKind = 'last_week' | 'last_month' | 'last_year' | 'custom';
export type Frequency = (typeof reportFrequency.enumValues)[number];
export type Period = DaySpan;

export const MAX_CUSTOM_DAYS = 400;
export const RUN_HOUR = '06:00';

function firstOfMonth(day: string, monthsBack: number): string {
  const [year, month] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1 - monthsBack, 1)).toISOString().slice(0, 10);
}

export function resolvePeriod(kind: PeriodKind, now: Date, timeZone: string, custom?: { from: string; to: string }): Period {
  const today = localDay(now, timeZone);
  switch (kind) {
    case 'last_week': {
      const monday = addDays(today, -(isoWeekday(today) - 1) - 7);
      return daySpan(monday, addDays(monday, 6), timeZone);
    }
    case 'last_month': {
      const from = firstOfMonth(today, 1);
      return daySpan(from, addDays(firstOfMonth(today, 0), -1), timeZone);
    }
    case 'last_year': {
      const year = Number(today.slice(0, 4)) - 1;
      return daySpan(`${year}-01-01`, `${year}-12-31`, timeZone);
    }
    case 'custom': {
      if (!custom) throw new AppError('custom_needs_dates', { field: 'period' });
      const from = dayNumber(custom.from);
      const to = dayNumber(custom.to);
      if (from === null || to === null) throw new AppError('bad_date', { field: 'period' });
      if (from > to) throw new AppError('start_after_end', { field: 'period' });
      if (to - from + 1 > MAX_CUSTOM_DAYS) throw new AppError('period_too_long', { field: 'period', params: { days: MAX_CUSTOM_DAYS } });
      if (custom.to > today) throw new AppError('end_in_future', { field: 'period' });
      return daySpan(custom.from, custom.to, timeZone);
    }
  }
}

/** The period of a page that shows figures for one (/points, /insights): the report periods and this month so far. */
export const PAGE_PERIODS = ['this_month', 'last_week', 'last_month', 'last_year', 'custom'] as const;
export type PagePeriodKind = (typeof PAGE_PERIODS)[number];

export type PagePeriod = {
  kind: PagePeriodKind;
  /** the custom dates as typed ('' when not custom) */
  from: string;
  to: string;
  period: Period;
  /** why the dates asked for were not used (this month is shown instead) */
  problem: AppError | null;
};

export type QueryParams = Record<string, string | string[] | undefined> | URLSearchParams;

/** One value of a query parameter ('' when absent or repeated). */
export function queryGetter(params: QueryParams): (name: string) => string {
  return (name) => {
    const value = params instanceof URLSearchParams ? params.get(name) : params[name];
    return typeof value === 'string' ? value : '';
  };
}

/** The `period` (and `from`, `to` when custom) of a page's query, read strictly: anything unknown is this month. */
export function parsePagePeriod(params: QueryParams, now: Date, timeZone: string): PagePeriod {
  const get = queryGetter(params);
  const requested = get('period');
  const kind: PagePeriodKind = (PAGE_PERIODS as readonly string[]).includes(requested) ? (requested as PagePeriodKind) : 'this_month';
  const today = localDay(now, timeZone);
  const thisMonth = () => resolvePeriod('custom', now, timeZone, { from: `${today.slice(0, 8)}01`, to: today });
  if (kind === 'this_month') return { kind, from: '', to: '', period: thisMonth(), problem: null };
  const from = kind === 'custom' ? get('from').slice(0, 10) : '';
  const to = kind === 'custom' ? get('to').slice(0, 10) : '';
  try {
    return { kind, from, to, period: resolvePeriod(kind, now, timeZone, kind === 'custom' ? { from, to } : undefined), problem: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { kind, from, to, period: thisMonth(), problem: error };
  }
}

/** The period a periodic report that runs at `runAt` covers: the day, week or month just ended. */
export function periodJustEnded(frequency: Frequency, runAt: Date, timeZone: string): Period {
  switch (frequency) {
    case 'daily': {
      const yesterday = addDays(localDay(runAt, timeZone), -1);
      return daySpan(yesterday, yesterday, timeZone);
    }
    case 'weekly':
      return resolvePeriod('last_week', runAt, timeZone);
    case 'monthly':
      return resolvePeriod('last_month', runAt, timeZone);
  }
}

function runTime(day: string, timeZone: string): Date {
  const instant = zonedLocalToInstant(`${day}T${RUN_HOUR}`, timeZone);
  if (instant === null) throw new RangeError(`not a date in a known time zone: ${day} ${timeZone}`);
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

/** Local days, both ends included (YYYY-MM-DD). */
export type DaySpanText = { from: string; to: string };

/** What the report form shows before anything is generated: the days each choice covers now. */
export type PeriodPreviews = {
  today: string;
  periods: Record<Exclude<PeriodKind, 'custom'>, DaySpanText>;
  /** each frequency's first run (ISO) and the days it will cover */
  schedules: Record<Frequency, DaySpanText & { runAt: string }>;
};

export function periodPreviews(now: Date, timeZone: string): PeriodPreviews {
  const days = (period: Period): DaySpanText => ({ from: period.fromDay, to: period.toDay });
  const schedule = (frequency: Frequency) => {
    const runAt = nextRunAt(frequency, now, timeZone);
    return { ...days(periodJustEnded(frequency, runAt, timeZone)), runAt: runAt.toISOString() };
  };
  return {
    today: localDay(now, timeZone),
    periods: {
      last_week: days(resolvePeriod('last_week', now, timeZone)),
      last_month: days(resolvePeriod('last_month', now, timeZone)),
      last_year: days(resolvePeriod('last_year', now, timeZone)),
    },
    schedules: { daily: schedule('daily'), weekly: schedule('weekly'), monthly: schedule('monthly') },
  };
}

/** The previews as the form shows them: each span's days ("from/to" keys) and each first run. */
export type PeriodPreviewTexts = { spans: Record<string, string>; firstRuns: Record<Frequency, string> };

type PreviewFormatter = Parameters<typeof formatDaySpan>[0] & { dateTime(date: Date, options: typeof DATE_TIME): string };

/** Formatted on the server, so the form's first render is the server's (see report-form.tsx). */
export function periodPreviewTexts(previews: PeriodPreviews, format: PreviewFormatter): PeriodPreviewTexts {
  const spans: Record<string, string> = {};
  for (const span of [...Object.values(previews.periods), ...Object.values(previews.schedules)]) {
    spans[`${span.from}/${span.to}`] = formatDaySpan(format, span);
  }
  const first = (frequency: Frequency) => format.dateTime(new Date(previews.schedules[frequency].runAt), DATE_TIME);
  return { spans, firstRuns: { daily: first('daily'), weekly: first('weekly'), monthly: first('monthly') } };
}
