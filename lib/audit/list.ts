import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { decodeKeysetCursor } from '@/lib/keyset-cursor';
import { createdIso, toPage, type ListPage } from '@/lib/list-page';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from './record';

/** Rows of the /audit page: a log is read in longer pages than the settings' lists. */
export const AUDIT_PAGE_SIZE = 50;
/** The entries a campaign's page shows of its trail (a campaign has few deeds: create, controls, downloads). */
export const TRAIL_SIZE = 50;

export type AuditTargetType = NonNullable<AuditEntry['target']>['type'];

export type AuditRow = {
  id: string;
  createdAt: Date;
  action: string;
  userId: number | null;
  /** the user's name and e-mail; null for no user (a failed sign-in, a signed link) */
  userName: string | null;
  userEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditFilters = { action: AuditAction | null; userId: number | null };

// An event id: a positive bigint, kept as its text (compared as bigint in SQL).
const eventId = z.string().regex(/^[1-9]\d{0,18}$/);

export const isAuditAction = (value: unknown): value is AuditAction => (AUDIT_ACTIONS as readonly unknown[]).includes(value);

/**
 * The filters of the /audit page from its URL (`action`, `user`): anything that is not one of
 * ours is no filter, never an error.
 */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>): AuditFilters {
  const action = typeof params.action === 'string' && isAuditAction(params.action) ? params.action : null;
  const user = typeof params.user === 'string' && /^[1-9]\d{0,9}$/.test(params.user) ? Number(params.user) : null;
  return { action, userId: user !== null && user <= 2_147_483_647 ? user : null };
}

const columns = {
  id: sql<string>`${auditEvents.id}::text`,
  createdAt: auditEvents.createdAt,
  action: auditEvents.action,
  userId: auditEvents.userId,
  userName: users.name,
  userEmail: users.email,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  ip: auditEvents.ip,
  details: auditEvents.details,
};

/**
 * An account's audit events, newest first, a page at a time (keyset on (created_at, id), the
 * account index; `before`: the `older` cursor of the page before), with who did each.
 */
export async function listAuditEvents(
  accountId: number,
  filters: AuditFilters,
  before: string | null = null,
  size = AUDIT_PAGE_SIZE,
): Promise<ListPage<AuditRow>> {
  const at = before ? decodeKeysetCursor(before, eventId) : null;
  const rows = await db
    .select({ ...columns, createdIso: createdIso(auditEvents.createdAt) })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(
      and(
        eq(auditEvents.accountId, accountId),
        filters.action ? eq(auditEvents.action, filters.action) : undefined,
        filters.userId !== null ? eq(auditEvents.userId, filters.userId) : undefined,
        at ? sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${at.createdAt}::timestamptz, ${at.id}::bigint)` : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(size + 1);
  return toPage(rows, size);
}

/** One target's trail (a campaign's deeds), its newest `size` entries first, from the target index. */
export function listTargetTrail(accountId: number, target: { type: AuditTargetType; id: string }, size = TRAIL_SIZE): Promise<AuditRow[]> {
  return db
    .select(columns)
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.targetType, target.type), eq(auditEvents.targetId, target.id)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(size);
}

/** The account's users, for the page's "who" filter. */
export function auditUsers(accountId: number) {
  return db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.accountId, accountId)).orderBy(asc(users.email));
}
