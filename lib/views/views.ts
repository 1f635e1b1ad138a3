import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/db';
import { savedViews } from '@/db/schema';
import { contactFilterQuery, parseContactFilters } from '@/lib/contacts/filters';
import { AppError, parseOrThrow } from '@/lib/errors';
import { historyFilterQuery, parseHistoryFilters, type HistoryAccount } from '@/lib/history/filters';
import { listHistorySenders } from '@/lib/history/query';
import { isUuid, textSchema } from '@/lib/validation';

/**
 * Saved views: a user's named filters of a page (History, Contacts), kept as the page's query
 * string. Each is one user's own, in one account: every read and write is scoped to both. Saving
 * a name the user already has on that page (case aside) replaces that view's filters.
 */

export const VIEW_PAGES = ['history', 'contacts'] as const;
export type ViewPage = (typeof VIEW_PAGES)[number];
export const MAX_VIEW_NAME = 60;
/** Views one user keeps on one page: a menu, not a library. */
export const MAX_VIEWS_PER_PAGE = 50;
/** The longest query string a view keeps (a History filter's fields are all short). */
const MAX_QUERY = 2000;

export type ViewOwner = { userId: number; account: { id: number; country: string; timeZone: string } };
export type SavedView = { id: string; name: string; query: string; createdAt: Date };

export const saveViewSchema = z.strictObject({
  page: z.enum(VIEW_PAGES),
  name: textSchema(MAX_VIEW_NAME),
  query: z.string().max(MAX_QUERY, { error: 'text_too_long' }),
});

/** Fields a view never keeps: where the page was, not what it filters. */
const PAGING = ['cursor', 'dir'];

/**
 * The valid filters of a page's query string, as that page writes them: each field the page's own
 * parser refuses is dropped (and the check runs again, since a range's ends are checked together),
 * so a view opens on a page that shows no error. The paging cursor is dropped too.
 */
export async function normaliseViewQuery(page: ViewPage, query: string, account: ViewOwner['account']): Promise<string> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  for (const key of PAGING) params.delete(key);
  if (page === 'history') {
    const history: HistoryAccount = { country: account.country, timeZone: account.timeZone, senderNames: await listHistorySenders(account.id) };
    for (let attempt = 0; attempt < 12; attempt++) {
      const parsed = parseHistoryFilters(params, history);
      if (parsed.ok) return historyFilterQuery(parsed.values);
      for (const issue of parsed.errors) params.delete(issue.field);
    }
    return '';
  }
  for (let attempt = 0; attempt < 6; attempt++) {
    const parsed = parseContactFilters(params, account.country);
    if (parsed.ok) return contactFilterQuery(parsed.values);
    for (const issue of parsed.errors) params.delete(issue.field);
  }
  return '';
}

/**
 * Saves the current filters under a name (trimmed, 1-60 characters). The same name again (case
 * aside) replaces that view's filters: `replaced` says so.
 */
export async function saveView(owner: ViewOwner, input: unknown): Promise<SavedView & { replaced: boolean }> {
  const { page, name, query } = parseOrThrow(saveViewSchema, input);
  const normalised = await normaliseViewQuery(page, query, owner.account);
  return db.transaction(async (tx) => {
    // One user's saves one after another: the count below stays true until commit.
    await tx.execute(sql`select pg_advisory_xact_lock(7302, ${owner.userId}::int)`);
    const [{ n }] = await tx.execute<{ n: number }>(sql`
      select count(*)::int as n from saved_views
       where user_id = ${owner.userId} and account_id = ${owner.account.id} and page = ${page} and lower(name) <> lower(${name})`);
    if (n >= MAX_VIEWS_PER_PAGE) throw new AppError('too_many_views', { field: 'name', params: { max: MAX_VIEWS_PER_PAGE } });
    const [row] = await tx.execute<{ id: string; name: string; query: string; created_at: string; replaced: boolean }>(sql`
      insert into saved_views (account_id, user_id, page, name, query)
      values (${owner.account.id}, ${owner.userId}, ${page}, ${name}, ${normalised})
      on conflict (user_id, page, lower(name)) do update set name = excluded.name, query = excluded.query
      returning id, name, query, created_at, (xmax <> 0) as replaced`);
    return { id: row.id, name: row.name, query: row.query, createdAt: new Date(row.created_at), replaced: row.replaced };
  });
}

/** The user's views of a page in this account, by name. */
export async function listViews(owner: ViewOwner, page: ViewPage): Promise<SavedView[]> {
  return db
    .select({ id: savedViews.id, name: savedViews.name, query: savedViews.query, createdAt: savedViews.createdAt })
    .from(savedViews)
    .where(and(eq(savedViews.userId, owner.userId), eq(savedViews.accountId, owner.account.id), eq(savedViews.page, page)))
    .orderBy(sql`lower(${savedViews.name})`, asc(savedViews.id));
}

/** Deletes one of the user's own views; false for any other id (another user's is not found). */
export async function deleteView(owner: ViewOwner, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, owner.userId), eq(savedViews.accountId, owner.account.id)))
    .returning({ id: savedViews.id });
  return rows.length > 0;
}

/** The owner of views: the signed-in user, in their account. */
export function viewOwner(user: { id: number; account: ViewOwner['account'] }): ViewOwner {
  return { userId: user.id, account: user.account };
}
