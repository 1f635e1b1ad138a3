/** A time in seconds as a short duration in the language: "4.2 s", "3.5 min", "2.1 h", "1.5 days" (Intl units, no texts of our own). */
export function durationText(seconds: number | null, locale: string): string {
  if (seconds === null) return '—';
  const unit = (value: number, name: 'second' | 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3_600) return unit(seconds / 60, 'minute');
  if (seconds < 86_400) return unit(seconds / 3_600, 'hour');
  return unit(seconds / 86_400, 'day');
}
