import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/db';
import {
  accounts,
  reportDefinitions,
  reportFileChunks,
  reportFormat,
  reportFrequency,
  reportMethod,
  reportRunStatus,
  reportRuns,
  reportType,
  type ReportOptions,
} from '@/db/schema';
import { NO_ACTOR, recordAudit, type AuditActor } from '@/lib/audit/record';
import { enqueue } from '@/lib/jobs';
import { AppError, parseOrThrow, type ErrorCode } from '@/lib/errors';
import { CONTROL_CHARACTERS, isUuid, textSchema } from '@/lib/validation';
import { safeTimeZone } from '@/lib/calendar';
import { resolveLocale, type Locale } from '@/lib/i18n/locale';
import { createdIso, LIST_PAGE_SIZE, olderThan, toPage, type ListPage } from '@/lib/list-page';
import { nextRunAt, periodJustEnded, resolvePeriod, type Frequency } from './periods';

export type ReportMethod = (typeof reportMethod.enumValues)[number];
export type ReportFormat = (typeof reportFormat.enumValues)[number];
export type RunStatus = (typeof reportRunStatus.enumValues)[number];
/** Runs a cancel can still stop. */
const CANCELLABLE: RunStatus[] = ['queued', 'generating'];
import { estimateReportRows, type ReportType } from './queries';

/**
 * Report definitions and runs. A "once" definition gets its run (status queued) and the
 * `report:generate` job in the same transaction; a "periodic" one gets next_run_at, and the
 * `reports:schedule` cron creates one run per period (the unique (definition, period) index
 * makes that idempotent).
 */

const MAX_EMAILS = 10;
const email = z
  .string()
  .trim()
  .max(254, { error: 'email_invalid' })
  .refine((v) => !CONTROL_CHARACTERS.test(v), { error: 'email_invalid' })
  .pipe(z.email({ error: 'email_invalid' }));

/** Who gets a report's file by e-mail (the same address twice is mailed once: parseReportRequest). */
export const reportEmailsSchema = z.array(email).max(MAX_EMAILS, { error: 'too_many_emails' }).default([]);

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'bad_date' });

export const reportRequestSchema = z
  .strictObject({
    method: z.enum(reportMethod.enumValues),
    frequency: z.enum(reportFrequency.enumValues).optional(),
    period: z
      .strictObject({
        kind: z.enum(['last_week', 'last_month', 'last_year', 'custom'], { error: 'period_required' }),
        from: DAY.optional(),
        to: DAY.optional(),
      })
      // Checked here rather than below, so that it shows together with the other fields' problems.
      .refine((p) => p.kind !== 'custom' || (p.from && p.to), { error: 'custom_needs_dates' })
      .optional(),
    type: z.enum(reportType.enumValues),
    format: z.enum(reportFormat.enumValues),
    includeBulk: z.boolean().default(true),
    includeContent: z.boolean().default(false),
    name: textSchema(100),
    emails: reportEmailsSchema,
    enrichments: z
      .strictObject({
        idx: z.boolean().default(false),
        contacts: z.boolean().default(false),
        shortLinks: z.boolean().default(false),
      })
      .default({ idx: false, contacts: false, shortLinks: false }),
  })
  .superRefine((v, ctx) => {
    const problem = (path: string, message: ErrorCode) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.format === 'pdf' && v.type === 'detailed') problem('format', 'pdf_unavailable');
    if (v.method === 'periodic' && !v.frequency) problem('frequency', 'frequency_required');
    if (v.method === 'once' && !v.period) problem('period', 'period_required');
  });

export type ReportRequest = z.input<typeof reportRequestSchema>;
export type ParsedReportRequest = z.output<typeof reportRequestSchema>;

export function parseReportRequest(input: unknown): ParsedReportRequest {
  const data = parseOrThrow(reportRequestSchema, input);
  // The same address twice would be mailed twice.
  return { ...data, emails: [...new Set(data.emails.map((e) => e.toLowerCase()))] };
}

export function reportOptions(r: ParsedReportRequest, language?: Locale): ReportOptions {
  return {
    includeBulk: r.includeBulk,
    includeContent: r.includeContent,
    idx: r.enrichments.idx,
    contacts: r.enrichments.contacts,
    shortLinks: r.enrichments.shortLinks,
    ...(language ? { language } : {}),
  };
}

/**
 * The language a report's files and e-mail are written in: the one kept when it was made; for a
 * report made before that was kept, its owner's setting, else English.
 */
export function reportLocale(options: ReportOptions, ownerLanguage: string | null): Locale {
  return options.language ?? resolveLocale(ownerLanguage, null);
}

/** Jobs for one run: one pending job per run; a few attempts (each starts the file over). */
export const generateJobOptions = (runId: string) => ({ jobKey: `report:${runId}`, maxAttempts: 3 });

async function accountTimeZone(accountId: number): Promise<string> {
  const [row] = await db.select({ timeZone: accounts.timeZone }).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw new AppError('not_found');
  return safeTimeZone(row.timeZone);
}

function periodOf(r: ParsedReportRequest, now: Date, timeZone: string) {
  return resolvePeriod(r.period!.kind, now, timeZone, r.period!.kind === 'custom' ? { from: r.period!.from!, to: r.period!.to! } : undefined);
}

/**
 * Creates a report definition (and a one-off report's run). `language`: the one the creator sees
 * the portal in; the report's files and e-mails are written in it, whenever they are made. The
 * audit log records it in the same transaction: a one-off report generated, a schedule created.
 */
export async function createReport(
  accountId: number,
  userId: number,
  input: unknown,
  now = new Date(),
  language?: Locale,
  ip: string | null = null,
): Promise<{ definitionId: string; runId: string | null; nextRunAt: Date | null }> {
  const r = parseReportRequest(input);
  const timeZone = await accountTimeZone(accountId);
  const period = r.method === 'once' ? periodOf(r, now, timeZone) : null;
  const next = r.method === 'periodic' ? nextRunAt(r.frequency!, now, timeZone) : null;
  return db.transaction(async (tx) => {
    const [definition] = await tx
      .insert(reportDefinitions)
      .values({
        accountId,
        userId,
        name: r.name,
        method: r.method,
        frequency: r.method === 'periodic' ? r.frequency! : null,
        type: r.type,
        format: r.format,
        periodFrom: period?.fromDay ?? null,
        periodTo: period?.toDay ?? null,
        options: reportOptions(r, language),
        emails: r.emails,
        nextRunAt: next,
      })
      .returning({ id: reportDefinitions.id });
    let runId: string | null = null;
    if (period) {
      const [run] = await tx
        .insert(reportRuns)
        .values({ definitionId: definition.id, accountId, periodStart: period.start, periodEnd: period.end })
        .returning({ id: reportRuns.id });
      runId = run.id;
      await enqueue(tx, 'report:generate', { runId }, generateJobOptions(runId));
    }
    const what = { name: r.name, type: r.type, format: r.format };
    await recordAudit(
      tx,
      runId
        ? { accountId, userId, ip, action: 'report.generate', target: { type: 'run', id: runId }, details: { ...what, from: period!.fromDay, to: period!.toDay } }
        : { accountId, userId, ip, action: 'report.create', target: { type: 'report', id: definition.id }, details: { ...what, frequency: r.frequency } },
    );
    return { definitionId: definition.id, runId, nextRunAt: next };
  });
}

/**
 * Creates the runs of periodic definitions that are due (next_run_at <= now), one per period,
 * and moves next_run_at on. Safe to run concurrently (skip locked) and again (on conflict).
 */
export async function scheduleDueReports(now = new Date(), limit = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx.execute<{ id: string; account_id: number; frequency: Frequency; next_run_at: Date; time_zone: string }>(sql`
      select d.id, d.account_id, d.frequency, d.next_run_at, a.time_zone
        from report_definitions d join accounts a on a.id = d.account_id
       where d.method = 'periodic' and not d.paused and d.next_run_at <= ${now.toISOString()}::timestamptz
       order by d.next_run_at
       limit ${limit}
       for update of d skip locked`);
    let created = 0;
    for (const d of due) {
      const timeZone = safeTimeZone(d.time_zone);
      const runAt = new Date(d.next_run_at);
      const period = periodJustEnded(d.frequency, runAt, timeZone);
      const [run] = await tx
        .insert(reportRuns)
        .values({ definitionId: d.id, accountId: d.account_id, periodStart: period.start, periodEnd: period.end })
        .onConflictDoNothing()
        .returning({ id: reportRuns.id });
      if (run) {
        created++;
        await enqueue(tx, 'report:generate', { runId: run.id }, generateJobOptions(run.id));
      }
      // A worker down for days does not produce a backlog of runs: the next one after now.
      await tx
        .update(reportDefinitions)
        .set({ nextRunAt: nextRunAt(d.frequency, now > runAt ? now : runAt, timeZone) })
        .where(eq(reportDefinitions.id, d.id));
    }
    return created;
  });
}

export type ReportRunRow = {
  id: string;
  definitionId: string;
  name: string;
  type: ReportType;
  format: ReportFormat;
  method: ReportMethod;
  status: RunStatus;
  periodStart: Date;
  periodEnd: Date;
  rowsDone: number;
  rowsEstimated: number | null;
  sizeBytes: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
};

/** The account's runs, newest first, a page at a time (`before`: the `older` cursor of the page before). */
export async function listRuns(accountId: number, before: string | null = null, size = LIST_PAGE_SIZE): Promise<ListPage<ReportRunRow>> {
  const rows = await db
    .select({
      id: reportRuns.id,
      createdIso: createdIso(reportRuns.createdAt),
      definitionId: reportRuns.definitionId,
      name: reportDefinitions.name,
      type: reportDefinitions.type,
      format: reportDefinitions.format,
      method: reportDefinitions.method,
      status: reportRuns.status,
      periodStart: reportRuns.periodStart,
      periodEnd: reportRuns.periodEnd,
      rowsDone: reportRuns.rowsDone,
      rowsEstimated: reportRuns.rowsEstimated,
      sizeBytes: reportRuns.sizeBytes,
      error: reportRuns.error,
      createdAt: reportRuns.createdAt,
      finishedAt: reportRuns.finishedAt,
      expiresAt: reportRuns.expiresAt,
    })
    .from(reportRuns)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportRuns.definitionId))
    .where(and(eq(reportRuns.accountId, accountId), olderThan(reportRuns.createdAt, reportRuns.id, before)))
    .orderBy(desc(reportRuns.createdAt), desc(reportRuns.id))
    .limit(size + 1);
  return toPage(rows, size);
}

/** Runs that are over (a file or a reason why not) and may be deleted. */
const FINISHED: RunStatus[] = ['ready', 'failed', 'cancelled'];

/**
 * Deletes a one-off report of the account: its definition, so its run and file go with it (ON
 * DELETE CASCADE) and its download links are 404 from then on. Only a finished run (cancel a
 * running one first); a periodic report's runs go with their schedule. False if not found.
 */
export async function deleteOneOffReport(accountId: number, runId: string, actor: AuditActor = NO_ACTOR): Promise<boolean> {
  if (!isUuid(runId)) return false;
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(reportDefinitions)
      .where(
        and(
          eq(reportDefinitions.accountId, accountId),
          eq(reportDefinitions.method, 'once'),
          inArray(
            reportDefinitions.id,
            tx
              .select({ id: reportRuns.definitionId })
              .from(reportRuns)
              .where(and(eq(reportRuns.id, runId), eq(reportRuns.accountId, accountId), inArray(reportRuns.status, FINISHED))),
          ),
        ),
      )
      .returning({ id: reportDefinitions.id, name: reportDefinitions.name });
    if (!rows.length) return false;
    await recordAudit(tx, { accountId, ...actor, action: 'report.delete', target: { type: 'run', id: runId }, details: { name: rows[0].name } });
    return true;
  });
}

/**
 * Cancels a queued or generating run of the account (one conditional UPDATE). The generator
 * sees it at its next chunk, stops and deletes what it wrote; the chunks are deleted here too.
 */
export async function cancelRun(accountId: number, runId: string, actor: AuditActor = NO_ACTOR): Promise<boolean> {
  if (!isUuid(runId)) return false;
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(reportRuns)
      .set({ status: 'cancelled', finishedAt: sql`now()` })
      .where(and(eq(reportRuns.id, runId), eq(reportRuns.accountId, accountId), inArray(reportRuns.status, CANCELLABLE)))
      .returning({ id: reportRuns.id });
    if (!rows.length) return false;
    await tx.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    await recordAudit(tx, { accountId, ...actor, action: 'report.cancel', target: { type: 'run', id: runId } });
    return true;
  });
}

/**
 * A fast estimate of the rows a report would have: an exact count capped at `cap` rows
 * (detailed: messages; group: campaigns; short: the number of days, exact), using the same
 * filters as the report. Not the planner's estimate: that is off by orders of magnitude for
 * one account's slice of a shared table.
 */
export async function estimateRows(accountId: number, input: unknown, now = new Date(), cap = 200_000): Promise<{ rows: number; capped: boolean }> {
  const r = parseReportRequest(input);
  const timeZone = await accountTimeZone(accountId);
  const period =
    r.method === 'once' ? periodOf(r, now, timeZone) : periodJustEnded(r.frequency!, now, timeZone);
  return estimateReportRows({ accountId, type: r.type, options: reportOptions(r), period, timeZone }, cap);
}

export type ScheduleRow = {
  id: string;
  name: string;
  frequency: Frequency;
  type: ReportType;
  format: ReportFormat;
  paused: boolean;
  nextRunAt: Date | null;
  emails: string[];
  createdAt: Date;
  lastRun: { status: ReportRunRow['status']; createdAt: Date; finishedAt: Date | null } | null;
};

/** The account's periodic definitions (schedules), newest first, a page at a time, each with its latest run. */
export async function listSchedules(accountId: number, before: string | null = null, size = LIST_PAGE_SIZE): Promise<ListPage<ScheduleRow>> {
  const found = await db
    .select({
      id: reportDefinitions.id,
      createdIso: createdIso(reportDefinitions.createdAt),
      name: reportDefinitions.name,
      frequency: reportDefinitions.frequency,
      type: reportDefinitions.type,
      format: reportDefinitions.format,
      paused: reportDefinitions.paused,
      nextRunAt: reportDefinitions.nextRunAt,
      emails: reportDefinitions.emails,
      createdAt: reportDefinitions.createdAt,
    })
    .from(reportDefinitions)
    .where(
      and(
        eq(reportDefinitions.accountId, accountId),
        eq(reportDefinitions.method, 'periodic'),
        olderThan(reportDefinitions.createdAt, reportDefinitions.id, before),
      ),
    )
    .orderBy(desc(reportDefinitions.createdAt), desc(reportDefinitions.id))
    .limit(size + 1);
  const page = toPage(found, size);
  if (!page.rows.length) return { rows: [], older: page.older };
  const lastRuns = await db
    .selectDistinctOn([reportRuns.definitionId], {
      definitionId: reportRuns.definitionId,
      status: reportRuns.status,
      createdAt: reportRuns.createdAt,
      finishedAt: reportRuns.finishedAt,
    })
    .from(reportRuns)
    .where(and(eq(reportRuns.accountId, accountId), inArray(reportRuns.definitionId, page.rows.map((d) => d.id))))
    .orderBy(reportRuns.definitionId, desc(reportRuns.createdAt));
  const last = new Map(lastRuns.map(({ definitionId, ...run }) => [definitionId, run]));
  return { rows: page.rows.map((d) => ({ ...d, frequency: d.frequency ?? 'daily', lastRun: last.get(d.id) ?? null })), older: page.older };
}

/**
 * Pauses or resumes a schedule of the account. Resuming sets next_run_at to the next run time
 * after `now`, so a long pause leaves no backlog of missed periods. False if not found.
 */
export async function setSchedulePaused(accountId: number, id: string, paused: boolean, now = new Date(), actor: AuditActor = NO_ACTOR): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ frequency: reportDefinitions.frequency, name: reportDefinitions.name, timeZone: accounts.timeZone })
      .from(reportDefinitions)
      .innerJoin(accounts, eq(accounts.id, reportDefinitions.accountId))
      .where(and(eq(reportDefinitions.id, id), eq(reportDefinitions.accountId, accountId), eq(reportDefinitions.method, 'periodic')))
      .for('update', { of: reportDefinitions });
    if (!row?.frequency) return false;
    await tx
      .update(reportDefinitions)
      .set(paused ? { paused: true } : { paused: false, nextRunAt: nextRunAt(row.frequency, now, safeTimeZone(row.timeZone)) })
      .where(eq(reportDefinitions.id, id));
    await recordAudit(tx, {
      accountId,
      ...actor,
      action: paused ? 'report.schedule_pause' : 'report.schedule_resume',
      target: { type: 'report', id },
      details: { name: row.name },
    });
    return true;
  });
}

/**
 * Deletes a schedule of the account; its runs and their files go with it (ON DELETE CASCADE), so
 * their downloads are 404 from then on. A queued generate job finds no run and skips. False if not found.
 */
export async function deleteSchedule(accountId: number, id: string, actor: AuditActor = NO_ACTOR): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(reportDefinitions)
      .where(and(eq(reportDefinitions.id, id), eq(reportDefinitions.accountId, accountId), eq(reportDefinitions.method, 'periodic')))
      .returning({ id: reportDefinitions.id, name: reportDefinitions.name });
    if (!rows.length) return false;
    await recordAudit(tx, { accountId, ...actor, action: 'report.schedule_delete', target: { type: 'report', id }, details: { name: rows[0].name } });
    return true;
  });
}
