import 'server-only';
import { sql } from 'drizzle-orm';
import { db } from '@/db';
import type { CampaignProgress } from './index';

export const CAMPAIGN_PAGE_SIZE = 25;

export type CampaignListItem = CampaignProgress & { content: string; source: 'api' | 'portal' };
export type CampaignPage = { items: CampaignListItem[]; older: string | null; newer: string | null };

type Cursor = { at: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string | undefined | null): Cursor | null {
  if (!value || value.length > 200) return null;
  const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (!at || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) return null;
  return { at, id };
}

type Row = {
  id: string;
  name: string;
  status: string;
  sender_name: string;
  content: string;
  source: 'api' | 'portal';
  recipients: number;
  rate: number;
  points: string;
  points_refunded: string;
  created_at: string;
  counts: Record<string, number>;
};

/**
 * The account's campaigns, newest first, a page at a time by keyset on (created_at, id); their
 * progress comes from the per-status counters, never from counting messages.
 */
export async function listCampaigns(accountId: number, options: { before?: string | null; after?: string | null } = {}): Promise<CampaignPage> {
  const before = decodeCursor(options.before);
  const after = before ? null : decodeCursor(options.after);
  const limit = CAMPAIGN_PAGE_SIZE + 1;
  const rows = await db.execute<Row>(sql`
    select * from (
      select c.id, c.name, c.status::text, c.sender_name, c.content, c.source::text, c.recipients, c.rate,
             c.points::text, c.points_refunded::text, to_json(c.created_at)#>>'{}' as created_at,
             coalesce((select jsonb_object_agg(s.status, s.messages) from campaign_status_counts s where s.campaign_id = c.id), '{}') as counts
      from campaigns c
      where c.account_id = ${accountId}
        ${before ? sql`and (c.created_at, c.id) < (${before.at}::timestamptz, ${before.id}::uuid)` : sql``}
        ${after ? sql`and (c.created_at, c.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      order by c.created_at ${after ? sql`asc` : sql`desc`}, c.id ${after ? sql`asc` : sql`desc`}
      limit ${limit}
    ) page order by created_at desc, id desc`);
  const more = rows.length === limit;
  const list = after ? rows.slice(rows.length === limit ? 1 : 0) : rows.slice(0, CAMPAIGN_PAGE_SIZE);
  const items = list.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    sender: r.sender_name,
    content: r.content,
    source: r.source,
    recipients: r.recipients,
    rate: r.rate,
    points: Number(r.points),
    pointsRefunded: Number(r.points_refunded),
    createdAt: new Date(r.created_at),
    counts: Object.fromEntries(Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => [Number(k), n])),
    refundableUnits: 0,
  }));
  // Cursors carry PostgreSQL's own microsecond timestamps: a JS Date would round them.
  const first = list[0];
  const last = list.at(-1);
  return {
    items,
    older: last && (after || more) ? encodeCursor({ at: last.created_at, id: last.id }) : null,
    newer: first && (before || (after && more)) ? encodeCursor({ at: first.created_at, id: first.id }) : null,
  };
}
