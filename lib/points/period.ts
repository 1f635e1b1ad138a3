import { localDay } from '@/lib/calendar';
import { AppError } from '@/lib/errors';
import { resolvePeriod, type Period } from '@/lib/reports/periods';
import { LEDGER_KINDS, type LedgerKind } from './entries';
import { SPEND_DIMENSIONS, type SpendDimension } from './spend';

/** The /points page's period: the report periods (whole days in the account's zone) and this month so far. */
export const POINTS_PERIODS = ['this_month', 'last_week', 'last_month', 'last_year', 'custom'] as const;
export type PointsPeriodKind = (typeof POINTS_PERIODS)[number];

export type PointsQuery = {
  kind: PointsPeriodKind;
  /** the custom dates as typed ('' when not custom) */
  from: string;
  to: string;
  period: Period;
  entryKind: LedgerKind | null;
  by: SpendDimension;
  /** why the dates asked for were not used (this month is shown instead) */
  problem: AppError | null;
};

const one = (value: string | string[] | null | undefined) => (typeof value === 'string' ? value : '');

/** The page's (and its CSV's) query string, read strictly: anything unknown falls back to the defaults. */
export function parsePointsQuery(params: Record<string, string | string[] | undefined> | URLSearchParams, now: Date, timeZone: string): PointsQuery {
  const get = (name: string) => one(params instanceof URLSearchParams ? params.get(name) : params[name]);
  const requested = get('period');
  const kind: PointsPeriodKind = (POINTS_PERIODS as readonly string[]).includes(requested) ? (requested as PointsPeriodKind) : 'this_month';
  const entryKind = (LEDGER_KINDS as readonly string[]).includes(get('kind')) ? (get('kind') as LedgerKind) : null;
  const by = (SPEND_DIMENSIONS as readonly string[]).includes(get('by')) ? (get('by') as SpendDimension) : 'campaign';
  const today = localDay(now, timeZone);
  const thisMonth = () => resolvePeriod('custom', now, timeZone, { from: `${today.slice(0, 8)}01`, to: today });
  if (kind === 'this_month') return { kind, from: '', to: '', period: thisMonth(), entryKind, by, problem: null };
  const from = kind === 'custom' ? get('from').slice(0, 10) : '';
  const to = kind === 'custom' ? get('to').slice(0, 10) : '';
  try {
    return { kind, from, to, period: resolvePeriod(kind, now, timeZone, kind === 'custom' ? { from, to } : undefined), entryKind, by, problem: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { kind, from, to, period: thisMonth(), entryKind, by, problem: error };
  }
}

/** The query string of a page of the same view (the period, the entry kind, the tab), changed by `changes`. */
export function pointsHref(q: PointsQuery, changes: { by?: SpendDimension; cursor?: string | null } = {}, path = '/points'): string {
  const query = new URLSearchParams();
  if (q.kind !== 'this_month') query.set('period', q.kind);
  if (q.kind === 'custom') {
    query.set('from', q.from);
    query.set('to', q.to);
  }
  if (q.entryKind) query.set('kind', q.entryKind);
  const by = changes.by ?? q.by;
  if (by !== 'campaign') query.set('by', by);
  if (changes.cursor) query.set('cursor', changes.cursor);
  const text = query.toString();
  return `${path}${text ? `?${text}` : ''}`;
}
