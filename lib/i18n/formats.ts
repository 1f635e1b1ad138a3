// The app's date formats, one of each kind, so that a page never shows the same instant two ways
// (Intl options for next-intl's format.dateTime and for Intl.DateTimeFormat in files).

/** An instant: "Dec 1, 2026, 10:53 PM", "1.12.2026 г., 22:53". */
export const DATE_TIME = { dateStyle: 'medium', timeStyle: 'short' } as const satisfies Intl.DateTimeFormatOptions;

/** A calendar day: "Dec 1, 2026", "1.12.2026 г.". */
export const DAY = { dateStyle: 'medium' } as const satisfies Intl.DateTimeFormatOptions;

/** An instant in a file (PDF), which is read away from the portal: with its time zone, "Dec 1, 2026, 10:53 PM GMT+2". */
export const DATE_TIME_ZONED = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'shortOffset',
} as const satisfies Intl.DateTimeFormatOptions;

type DayOptions = typeof DAY & { timeZone: string };
type DayFormatter = {
  dateTime(date: Date, options: DayOptions): string;
  dateTimeRange(start: Date, end: Date, options: DayOptions): string;
};

/**
 * Local days, both ends included (YYYY-MM-DD), as one text: "Nov 1 – 30, 2026". Calendar dates,
 * so formatted at noon UTC, in UTC. Takes next-intl's formatter (the server's or the browser's).
 */
export function formatDaySpan(format: DayFormatter, span: { from: string; to: string }): string {
  const noon = (day: string) => new Date(`${day}T12:00:00Z`);
  const options = { ...DAY, timeZone: 'UTC' };
  return span.from === span.to ? format.dateTime(noon(span.from), options) : format.dateTimeRange(noon(span.from), noon(span.to), options);
}
