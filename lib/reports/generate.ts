import type pg from 'pg';
import { and, eq, sql } from 'drizzle-orm';
import { db, sqlClient } from '@/db';
import { pgPool, releasePgClient } from '@/db/pg';
import { accounts, reportDefinitions, reportFileChunks, reportRuns } from '@/db/schema';
import { enqueue } from '@/lib/jobs';
import { copyCsv, CSV_CONTENT_TYPE } from './csv';
import { generateJobOptions } from './definitions';
import { addDays, localDay, safeTimeZone } from '@/lib/calendar';
import { estimateReportRows, reportQuery } from './queries';
import { generatePdfRun } from './report-pdf';

/**
 * Generates a report run's file into report_file_chunks (~1 MiB each, seq 0..n), streamed
 * from COPY through copyCsv.
 *
 * Visibility: downloads only serve runs whose status is 'ready', and 'ready' is set by one
 * conditional UPDATE after the last chunk is written. A run being generated (or left
 * 'generating' by a killed worker, or 'failed') is never served; a retry deletes the old
 * chunks before writing new ones.
 *
 * One generator per run: a session advisory lock on a reserved connection, held while the run
 * is generated. A worker killed with SIGKILL loses its connection, so the lock goes with it;
 * `recoverStalledRuns` (every minute, and at worker start) re-enqueues every 'generating' run
 * whose lock is free.
 *
 * Cancel: every chunk's progress update is conditional on status = 'generating'; when it
 * comes back empty the run was cancelled, COPY is stopped and the chunks are deleted.
 */

export const REPORT_CHUNK_BYTES = 1024 * 1024;
export const REPORT_RETENTION_DAYS = 30;
const LOCK_CLASS = 7301;

export type GenerateOutcome = 'ready' | 'cancelled' | 'skipped' | 'busy';
export type GenerateHooks = {
  /** Called after each chunk is stored (tests: crash or cancel mid-stream). */
  afterChunk?: (seq: number) => void | Promise<void>;
  chunkBytes?: number;
};

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
      .select({ run: reportRuns, definition: reportDefinitions, timeZone: accounts.timeZone })
      .from(reportRuns)
      .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportRuns.definitionId))
      .innerJoin(accounts, eq(accounts.id, reportRuns.accountId))
      .where(eq(reportRuns.id, runId));
    if (!info) return 'skipped';
    const { run, definition } = info;
    const timeZone = safeTimeZone(info.timeZone);
    const period = {
      start: run.periodStart,
      end: run.periodEnd,
      fromDay: localDay(run.periodStart, timeZone),
      toDay: addDays(localDay(run.periodEnd, timeZone), -1),
    };
    if (definition.format === 'pdf') {
      // Short and group summaries as PDF (report-pdf.ts): rendered in the PDF worker pool, stored
      // in chunks and made 'ready' by the same conditional UPDATE; a throw lands in the catch below.
      return await generatePdfRun(
        { runId, accountId: run.accountId, definition, period, timeZone },
        { chunkBytes: hooks.chunkBytes ?? REPORT_CHUNK_BYTES, retentionDays: REPORT_RETENTION_DAYS, afterChunk: hooks.afterChunk },
      );
    }
    const params = { accountId: run.accountId, type: definition.type, options: definition.options, period, timeZone };
    const estimate = await estimateReportRows(params, 10_000_000);
    await db.update(reportRuns).set({ rowsEstimated: estimate.rows }).where(isGenerating);

    const query = reportQuery(params);
    let rows = 0;
    const stream = copyCsv(query.sql, {
      forceQuote: query.forceQuote,
      settings: { TimeZone: timeZone },
      chunkBytes: hooks.chunkBytes ?? REPORT_CHUNK_BYTES,
      onProgress: (p) => {
        rows = p.rows;
      },
      onError: () => {}, // rethrown by read() below and recorded on the run
    });
    const reader = stream.getReader();
    let seq = 0;
    let bytes = 0;
    // One chunk is written while the next is read from COPY (at most one write in flight).
    let pending: { seq: number; result: Promise<{ still: boolean } | { error: unknown }> } | null = null;
    /** Waits for the chunk in flight; false when the run is no longer 'generating' (cancelled). */
    const settle = async (): Promise<boolean> => {
      if (!pending) return true;
      const { seq: written, result } = pending;
      pending = null;
      const outcome = await result;
      if ('error' in outcome) throw outcome.error;
      if (!outcome.still) return false;
      await hooks.afterChunk?.(written);
      return true;
    };
    const writer = await ChunkWriter.open(runId);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (!(await settle())) {
          await reader.cancel();
          await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
          return 'cancelled';
        }
        if (done) break;
        const data = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        // Handled at once (no unhandled rejection while the next read waits), rethrown by settle().
        pending = { seq, result: writer.write(seq, data, rows).then((still) => ({ still }), (error: unknown) => ({ error })) };
        bytes += value.byteLength;
        seq++;
      }
    } finally {
      // No write may still land after the chunks are deleted on failure.
      await pending?.result;
      reader.releaseLock();
      await writer.close();
    }

    const fileName = `${definition.name} ${period.fromDay}${period.toDay !== period.fromDay ? ` - ${period.toDay}` : ''}`;
    const ready = await db
      .update(reportRuns)
      .set({
        status: 'ready',
        rowsDone: rows,
        rowsEstimated: rows,
        sizeBytes: bytes,
        fileName,
        contentType: CSV_CONTENT_TYPE,
        finishedAt: sql`now()`,
        expiresAt: sql`now() + make_interval(days => ${REPORT_RETENTION_DAYS})`,
      })
      .where(isGenerating)
      .returning({ id: reportRuns.id });
    if (!ready.length) {
      await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
      return 'cancelled';
    }
    return 'ready';
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
 * Writes a run's chunks on a connection of the `pg` pool (db/pg.ts): the bytes go as a binary
 * parameter (postgres.js sends bytea as hex text, twice the bytes, decoded by the server), and
 * each chunk is one round trip that also records the progress and tells whether the run is still
 * 'generating' (a cancel). TOAST compresses with lz4 where the server has it (pglz is several
 * times slower on CSV).
 */
class ChunkWriter {
  private failed = false;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly runId: string,
  ) {}

  static async open(runId: string): Promise<ChunkWriter> {
    const client = await pgPool().connect();
    try {
      await client.query(`set default_toast_compression = 'lz4'`);
    } catch {
      // built without lz4: pglz
    }
    return new ChunkWriter(client, runId);
  }

  /** Stores chunk `seq` and the progress; false when the run is no longer 'generating'. */
  async write(seq: number, data: Buffer, rowsDone: number): Promise<boolean> {
    const result = await this.client
      .query({
        name: 'report-chunk',
        text: `with chunk as (insert into report_file_chunks (run_id, seq, data) values ($1, $2, $3))
             update report_runs set rows_done = $4 where id = $1 and status = 'generating' returning id`,
        values: [this.runId, seq, data, rowsDone],
      })
      .catch((error: unknown) => {
        this.failed = true;
        throw error;
      });
    return (result.rowCount ?? 0) > 0;
  }

  /** Back to the pool with the lz4 setting reset; destroyed after a failed write (its connection may be gone). */
  async close(): Promise<void> {
    await releasePgClient(this.client, this.failed);
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
