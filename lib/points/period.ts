import { parsePagePeriod, queryGetter, type PagePeriod, type QueryParams } from '@/lib/reports/periods';
import { LEDGER_KINDS, type LedgerKind } from './entries';
import { SPEND_DIMENSIONS, type SpendDimension } from './spend';

export type PointsQuery = PagePeriod & { entryKind: LedgerKind | null; by: SpendDimension };

/** The page's (and its CSV's) query string, read strictly: anything unknown falls back to the defaults. */
export function parsePointsQuery(params: QueryParams, now: Date, timeZone: string): PointsQuery {
  const get = queryGetter(params);
  const entryKind = (LEDGER_KINDS as readonly string[]).includes(get('kind')) ? (get('kind') as LedgerKind) : null;
  const by = (SPEND_DIMENSIONS as readonly string[]).includes(get('by')) ? (get('by') as SpendDimension) : 'campaign';
  return { ...parsePagePeriod(params, now, timeZone), entryKind, by };
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
