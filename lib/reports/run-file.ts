import type pg from 'pg';
import { and, eq, sql } from 'drizzle-orm';
import { db } from '@/db';
import { pgPool, releasePgClient } from '@/db/pg';
import { reportFileChunks, reportRuns } from '@/db/schema';

export const REPORT_RETENTION_DAYS = 30;

/** A run's file as it is made: its bytes in chunks, and how many rows are in what came so far. */
export type RunFile = {
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  rows: () => number;
  fileName: string;
  contentType: string;
};

export type StoreHooks = {
  /** Called after each chunk is stored (tests: crash or cancel mid-stream). */
  afterChunk?: (seq: number) => void | Promise<void>;
};

/**
 * Writes a run's file into report_file_chunks (seq 0..n) and completes the run, for CSV and PDF
 * alike. Called with the run claimed 'generating' and its old chunks deleted.
 *
 * - Each chunk is one round trip that also records the progress and tells whether the run is
 *   still 'generating': a cancel stops the file at the next chunk and its chunks are deleted.
 * - One chunk is written while the next is made (at most one write in flight).
 * - 'ready' is set by one conditional UPDATE after the last chunk, so a download never sees a
 *   part of a file. A failure leaves no chunk behind (the caller records it on the run).
 */
export async function storeRunFile(runId: string, file: RunFile, hooks: StoreHooks = {}): Promise<'ready' | 'cancelled'> {
  const writer = await ChunkWriter.open(runId);
  let seq = 0;
  let bytes = 0;
  // The write in flight, its rejection held until awaited (no unhandled rejection meanwhile).
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
  let cancelled = false;
  try {
    for await (const chunk of file.chunks) {
      if (!(await settle())) {
        cancelled = true;
        break; // ends the source too (a COPY stream is cancelled)
      }
      const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      pending = { seq, result: writer.write(seq, data, file.rows()).then((still) => ({ still }), (error: unknown) => ({ error })) };
      bytes += chunk.byteLength;
      seq++;
    }
    if (!cancelled) cancelled = !(await settle());
  } finally {
    // No write may still land after the chunks are deleted on failure.
    await pending?.result;
    await writer.close();
  }
  if (cancelled) {
    await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    return 'cancelled';
  }
  const rows = file.rows();
  const ready = await db
    .update(reportRuns)
    .set({
      status: 'ready',
      rowsDone: rows,
      rowsEstimated: rows,
      sizeBytes: bytes,
      fileName: file.fileName,
      contentType: file.contentType,
      finishedAt: sql`now()`,
      expiresAt: sql`now() + make_interval(days => ${REPORT_RETENTION_DAYS})`,
    })
    .where(and(eq(reportRuns.id, runId), eq(reportRuns.status, 'generating')))
    .returning({ id: reportRuns.id });
  if (!ready.length) {
    await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    return 'cancelled';
  }
  return 'ready';
}

/** A file made in memory (a PDF), handed out in chunks of `size` bytes. */
export function* inChunks(bytes: Uint8Array, size: number): Iterable<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, Math.min(bytes.byteLength, offset + size));
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
