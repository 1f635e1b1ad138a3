import 'server-only';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/db';
import { decodeKeysetCursor, encodeKeysetCursor } from '@/lib/keyset-cursor';
import type { CampaignProgress } from './index';

export const CAMPAIGN_PAGE_SIZE = 25;

export type CampaignListItem = CampaignProgress & { content: string; source: 'api' | 'portal' };
/** `cursorRejected`: the link's cursor was not one of ours, so this is the first page. */
export type CampaignPage = { items: CampaignListItem[]; older: string | null; newer: string | null; cursorRejected: boolean };

type Cursor = { createdAt: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return encodeKeysetCursor(cursor.createdAt, cursor.id);
}

export function decodeCursor(value: string | undefined | null): Cursor | null {
  return decodeKeysetCursor(value, z.uuid());
}

type Row = {
  id: string;
  name: string;
  status: string;
  sender_name: string;
  content: string;
  source: 'api' | 'portal';
  recipients: number;
  skipped_opted_out: number;
  skipped_suppressed: number;
  follows_campaign_id: string | null;
  guard_failure_percent: number | null;
  guard_window: number;
  guard_tripped_iso: string | null;
  guard_failed: number | null;
  guard_reports: number | null;
  rate: number;
  points: string;
  points_refunded: string;
  created_iso: string;
  counts: Record<string, number>;
};

/**
 * The account's campaigns, newest first, a page at a time by keyset on (created_at, id); their
 * progress comes from the per-status counters, never from counting messages. A cursor that is
 * not one of ours gives the first page, marked `cursorRejected`.
 */
export async function listCampaigns(accountId: number, options: { before?: string | null; after?: string | null } = {}): Promise<CampaignPage> {
  const given = options.before || options.after;
  const cursor = given ? decodeCursor(given) : null;
  const before = options.before ? cursor : null;
  const after = options.before ? null : cursor;
  const limit = CAMPAIGN_PAGE_SIZE + 1;
  const rows = await db.execute<Row>(sql`
    select * from (
      select c.id, c.name, c.status::text, c.sender_name, c.content, c.source::text, c.recipients, c.skipped_opted_out, c.skipped_suppressed,
             c.follows_campaign_id, c.guard_failure_percent, c.guard_window, c.guard_failed, c.guard_reports,
             to_char(c.guard_tripped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as guard_tripped_iso, c.rate,
             c.points::text, c.points_refunded::text, c.created_at,
             to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_iso,
             coalesce((select jsonb_object_agg(s.status, s.messages) from campaign_status_counts s where s.campaign_id = c.id), '{}') as counts
      from campaigns c
      where c.account_id = ${accountId}
        ${before ? sql`and (c.created_at, c.id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)` : sql``}
        ${after ? sql`and (c.created_at, c.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
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
    skippedOptedOut: r.skipped_opted_out,
    skippedSuppressed: r.skipped_suppressed,
    followsCampaignId: r.follows_campaign_id,
    guard: r.guard_failure_percent === null ? null : { failurePercent: r.guard_failure_percent, window: r.guard_window },
    guardTrip:
      r.guard_tripped_iso && r.guard_failed !== null && r.guard_reports !== null
        ? { at: new Date(r.guard_tripped_iso), failed: r.guard_failed, reports: r.guard_reports }
        : null,
    rate: r.rate,
    points: Number(r.points),
    pointsRefunded: Number(r.points_refunded),
    createdAt: new Date(r.created_iso),
    counts: Object.fromEntries(Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => [Number(k), n])),
    refundableUnits: 0,
  }));
  // Cursors carry PostgreSQL's own microsecond timestamps: a JS Date would round them.
  const first = list[0];
  const last = list.at(-1);
  return {
    items,
    older: last && (after || more) ? encodeCursor({ createdAt: last.created_iso, id: last.id }) : null,
    newer: first && (before || (after && more)) ? encodeCursor({ createdAt: first.created_iso, id: first.id }) : null,
    cursorRejected: Boolean(given) && cursor === null,
  };
}
