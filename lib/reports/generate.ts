import { and, eq, sql } from 'drizzle-orm';
import { db, sqlClient } from '@/db';
import { readerAsOfNow } from '@/db/replica';
import { accounts, reportDefinitions, reportFileChunks, reportRuns, users } from '@/db/schema';
import { localDay, safeTimeZone } from '@/lib/calendar';
import { copyCsv, CSV_CONTENT_TYPE } from '@/lib/files/csv';
import { enqueue } from '@/lib/jobs';
import { generateJobOptions, reportLocale } from './definitions';
import { listContactFields } from '@/lib/contacts/fields';
import { estimateReportRows, reportQuery } from './queries';
import { PDF_CONTENT_TYPE, reportPdf } from './report-pdf';
import { inChunks, storeRunFile, type StoreHooks } from './run-file';


/**
 * Generates a report run's file: a CSV streamed from COPY through copyCsv, or a PDF summary,
 * stored by storeRunFile (run-file.ts) in chunks of ~1 MiB.
 *
 * Visibility: downloads only serve runs whose status is 'ready', set by storeRunFile after the
 * last chunk. A run being generated (or left 'generating' by a killed worker, or 'failed') is
 * never served; a retry deletes the old chunks before writing new ones.
 *
 * One generator per run: a session advisory lock on a reserved connection, held while the run
 * is generated. A worker killed with SIGKILL loses its connection, so the lock goes with it;
 * `recoverStalledRuns` (every minute, and at worker start) re-enqueues every 'generating' run
 * whose lock is free.
 *
 * Cancel: every chunk's progress update is conditional on status = 'generating'; when it
 * comes back empty the run was cancelled, the file is stopped and its chunks are deleted.
 */

export const REPORT_CHUNK_BYTES = 1024 * 1024;

const LOCK_CLASS = 7301;

export type GenerateOutcome = 'ready' | 'cancelled' | 'skipped' | 'busy';
export type GenerateHooks = StoreHooks & { chunkBytes?: number };

export async function generateRun(runId: string, hooks: GenerateHooks = {}): Promise<GenerateOutcome> {
  const conn = await sqlClient().reserve();
  try {
    const [{ locked }] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${runId})) as locked`;
    if (!locked) return 'busy';
    try {
      return await generateLocked(runId, hooks);
    } finally {
      await conn`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${runId}))`;
    }
  } finally {
    conn.release();
  }
}

async function generateLocked(runId: string, hooks: GenerateHooks): Promise<GenerateOutcome> {
  const claimed = await db.execute<{ id: string }>(sql`
    update report_runs
       set status = 'generating', started_at = now(), finished_at = null, rows_done = 0, size_bytes = null, error = null
     where id = ${runId} and status in ('queued', 'generating', 'failed')
     returning id`);
  if (!claimed.length) return 'skipped'; // ready, cancelled or gone
  const isGenerating = and(eq(reportRuns.id, runId), eq(reportRuns.status, 'generating'));

  try {
    await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    const [info] = await db
      .select({ run: reportRuns, definition: reportDefinitions, timeZone: accounts.timeZone, ownerLanguage: users.language })
      .from(reportRuns)
      .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportRuns.definitionId))
      .innerJoin(accounts, eq(accounts.id, reportRuns.accountId))
      .innerJoin(users, eq(users.id, reportDefinitions.userId))
      .where(eq(reportRuns.id, runId));
    if (!info) return 'skipped';
    const { run, definition } = info;
    // The zone its creator chose for the file's times, else the account's.
    const timeZone = safeTimeZone(definition.options.timeZone ?? info.timeZone);
    const period = {
      start: run.periodStart,
      end: run.periodEnd,
      fromDay: localDay(run.periodStart, timeZone),
      // The day of its last instant (an exported view's period may end mid-day).
      toDay: run.periodEnd > run.periodStart ? localDay(new Date(run.periodEnd.getTime() - 1), timeZone) : localDay(run.periodStart, timeZone),
    };
    // The same base name for CSV and PDF; the download adds the extension from the content type.
    const fileName = `${definition.name} ${period.fromDay}${period.toDay !== period.fromDay ? ` - ${period.toDay}` : ''}`;
    const chunkBytes = hooks.chunkBytes ?? REPORT_CHUNK_BYTES;
    const locale = reportLocale(definition.options, info.ownerLanguage);
    const input = {
      accountId: run.accountId,
      type: definition.type,
      options: definition.options,
      period,
      timeZone,
      locale,
      contactFields: definition.options.contacts ? await listContactFields(run.accountId) : [],
    };
    if (definition.format === 'pdf') {
      // Short and group summaries, rendered in the PDF worker pool (report-pdf.ts).
      const pdf = await reportPdf({ ...input, name: definition.name, language: locale });
      const still = await db.update(reportRuns).set({ rowsEstimated: pdf.rows }).where(isGenerating).returning({ id: reportRuns.id });
      if (!still.length) return 'cancelled';
      const file = { chunks: inChunks(pdf.bytes, chunkBytes), rows: () => pdf.rows, fileName, contentType: PDF_CONTENT_TYPE };
      return await storeRunFile(runId, file, hooks);
    }
    const estimate = await estimateReportRows(input, 10_000_000);
    await db.update(reportRuns).set({ rowsEstimated: estimate.rows }).where(isGenerating);
    const query = reportQuery(input);
    // The rows from a replica that has everything committed by now, if one is set.
    const { pool } = await readerAsOfNow();
    let rows = 0;
    const chunks = copyCsv(query.sql, {
      pool,
      forceQuote: query.forceQuote,
      settings: { ...query.settings, TimeZone: timeZone },
      chunkBytes,
      onProgress: (p) => {
        rows = p.rows;
      },
      onError: () => {}, // rethrown by the stream and recorded on the run
    });
    return await storeRunFile(runId, { chunks, rows: () => rows, fileName, contentType: CSV_CONTENT_TYPE }, hooks);
  } catch (error) {
    // Nothing partial stays behind, and the run says why.
    await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    const message = error instanceof Error ? error.message : String(error);
    await db
      .update(reportRuns)
      .set({ status: 'failed', error: message.slice(0, 500), finishedAt: sql`now()` })
      .where(isGenerating);
    throw error;
  }
}

/**
 * Runs left 'generating' by a worker that died: their advisory lock is free. Each one gets a
 * new job (a job key replaces a pending job, or sits beside the dead worker's locked one).
 */
export async function recoverStalledRuns(): Promise<number> {
  const stalled = await db.select({ id: reportRuns.id }).from(reportRuns).where(eq(reportRuns.status, 'generating')).limit(1000);
  if (!stalled.length) return 0;
  const free: string[] = [];
  const conn = await sqlClient().reserve();
  try {
    for (const { id } of stalled) {
      const [{ locked }] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${id})) as locked`;
      if (!locked) continue;
      await conn`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${id}))`;
      free.push(id);
    }
  } finally {
    conn.release();
  }
  if (free.length) {
    await db.transaction(async (tx) => {
      for (const id of free) await enqueue(tx, 'report:generate', { runId: id }, generateJobOptions(id));
    });
  }
  return free.length;
}

/** Deletes the files of runs past their expiry (in batches); the run rows stay as history. */
export async function cleanupExpiredRuns(batch = 100): Promise<number> {
  const result = await db.execute(sql`
    delete from report_file_chunks
     where run_id in (select id from report_runs where expires_at < now()
                        and exists (select 1 from report_file_chunks f where f.run_id = report_runs.id)
                      limit ${batch})`);
  return result.count ?? 0;
}
