import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/db';
import { campaigns, reportDefinitions, reportRuns } from '@/db/schema';
import { timeZoneSchema } from '@/lib/accounts';
import { recordAudit } from '@/lib/audit/record';
import { localDay } from '@/lib/calendar';
import { AppError, parseOrThrow } from '@/lib/errors';
import { historyFilterQuery, historyViewOptions, parseHistoryFilters, PENDING_WINDOW_DAYS, type HistoryFilters } from '@/lib/history/filters';
import { listHistorySenders } from '@/lib/history/query';
import type { Locale } from '@/lib/i18n/locale';
import { enqueue } from '@/lib/jobs';
import { generateJobOptions, reportEmailsSchema } from '@/lib/reports/definitions';
import { isUuid, textSchema } from '@/lib/validation';

/**
 * "Export this view" of History: exactly the messages the page filters to, at the instant it was
 * asked for, as a one-off detailed CSV report generated in the background (progress and the file
 * on /reports, e-mailed if asked). The definition keeps the parsed filters (options.view), and
 * the report's query applies them with the page's own SQL (lib/history/query.ts
 * historyViewCondition), so the file cannot drift from the page.
 */

export const exportViewSchema = z.strictObject({
  /** the History page's query string, as its URL has it */
  query: z.string().max(2000, { error: 'text_too_long' }),
  name: textSchema(100),
  /** the zone the file's times are written in (with their offsets) */
  timeZone: timeZoneSchema,
  emails: reportEmailsSchema,
});
export type ExportViewInput = z.input<typeof exportViewSchema>;

export type ExportUser = { id: number; account: { id: number; country: string; timeZone: string } };

/**
 * The instants the run says it covers (its period, shown on /reports and in the file's name):
 * the range; a whole campaign from its creation; the default window's 4 days.
 */
async function periodOf(accountId: number, filters: HistoryFilters, asOf: Date): Promise<{ start: Date; end: Date }> {
  if (filters.range) return { start: filters.range.start, end: filters.range.end };
  if (filters.campaign && isUuid(filters.campaign)) {
    const [campaign] = await db
      .select({ createdAt: campaigns.createdAt })
      .from(campaigns)
      .where(and(eq(campaigns.id, filters.campaign), eq(campaigns.accountId, accountId)));
    if (campaign && campaign.createdAt < asOf) return { start: campaign.createdAt, end: asOf };
    return { start: asOf, end: asOf };
  }
  return { start: new Date(asOf.getTime() - PENDING_WINDOW_DAYS * 86_400_000), end: asOf };
}

/**
 * Queues the export of the History view in `input.query` (filters the page refuses are refused
 * here too: the user sees the page's errors first). Returns the run, whose file appears on
 * /reports. `language`: the one the user sees the portal in (the file's header and words).
 */
export async function exportHistoryView(
  user: ExportUser,
  input: unknown,
  options: { now?: Date; language?: Locale; ip?: string | null } = {},
): Promise<{ runId: string; definitionId: string }> {
  const asOf = options.now ?? new Date();
  const { query, name, timeZone, emails } = parseOrThrow(exportViewSchema, input);
  const account = user.account;
  const parsed = parseHistoryFilters(
    new URLSearchParams(query.startsWith('?') ? query.slice(1) : query),
    { country: account.country, timeZone: account.timeZone, senderNames: await listHistorySenders(account.id) },
    asOf,
  );
  if (!parsed.ok) throw new AppError('invalid_value', { field: 'query', params: { detail: parsed.errors[0].field } });
  const filters = parsed.filters;
  const view = historyViewOptions(filters, historyFilterQuery(parsed.values), asOf);
  const period = await periodOf(account.id, filters, asOf);
  const fromDay = localDay(period.start, timeZone);
  const toDay = period.end > period.start ? localDay(new Date(period.end.getTime() - 1), timeZone) : fromDay;
  const addresses = [...new Set(emails.map((e) => e.toLowerCase()))];
  return db.transaction(async (tx) => {
    const [definition] = await tx
      .insert(reportDefinitions)
      .values({
        accountId: account.id,
        userId: user.id,
        name,
        method: 'once',
        type: 'detailed',
        format: 'csv',
        periodFrom: fromDay,
        periodTo: toDay,
        // What the page shows of a message: its text, its idx, bulk messages too.
        options: { includeBulk: true, includeContent: true, idx: true, contacts: false, shortLinks: false, ...(options.language ? { language: options.language } : {}), timeZone, view },
        emails: addresses,
      })
      .returning({ id: reportDefinitions.id });
    const [run] = await tx
      .insert(reportRuns)
      .values({ definitionId: definition.id, accountId: account.id, periodStart: period.start, periodEnd: period.end })
      .returning({ id: reportRuns.id });
    await enqueue(tx, 'report:generate', { runId: run.id }, generateJobOptions(run.id));
    await recordAudit(tx, {
      accountId: account.id,
      userId: user.id,
      action: 'view.export',
      target: { type: 'run', id: run.id },
      ip: options.ip ?? null,
      details: { page: 'history', query: view.query, timeZone, emails: addresses.length },
    });
    return { runId: run.id, definitionId: definition.id };
  });
}
