import { and, eq, gt, sql } from 'drizzle-orm';
import { to as copyTo } from 'pg-copy-streams';
import { db } from '@/db';
import { pgPool } from '@/db/pg';
import { reportFileChunks, reportRuns } from '@/db/schema';
import { CSV_CONTENT_TYPE } from '@/lib/files/csv';
import { isUuid } from '@/lib/validation';
import { AppError } from '@/lib/errors';
import { downloadHeaders, setFileLength } from '@/lib/files/download';

/** A run that may be served: the account's, status 'ready', not expired. */
export async function findDownloadableRun(accountId: number, runId: string) {
  if (!isUuid(runId) || !Number.isSafeInteger(accountId)) return null;
  const [run] = await db
    .select({ id: reportRuns.id, sizeBytes: reportRuns.sizeBytes, fileName: reportRuns.fileName, contentType: reportRuns.contentType })
    .from(reportRuns)
    .where(and(eq(reportRuns.id, runId), eq(reportRuns.accountId, accountId), eq(reportRuns.status, 'ready'), gt(reportRuns.expiresAt, sql`now()`)));
  return run ?? null;
}

/**
 * The run's file, read from Postgres one chunk (~1 MiB) at a time as the client reads (the next
 * one read while the last one goes out), with Content-Length so that browsers show progress; it
 * goes as it is stored, never compressed on the way (setFileLength).
 * AppError not_found (nothing streamed) for another account's run or one not ready. A chunk that
 * disappears mid-download (cleanup) errors the stream rather than ending it short.
 */
export async function runFileResponse(accountId: number, runId: string): Promise<Response> {
  const run = await findDownloadableRun(accountId, runId);
  if (!run || run.sizeBytes === null) throw new AppError('not_found');
  const [{ chunks }] = await db.select({ chunks: sql<number>`count(*)::int` }).from(reportFileChunks).where(eq(reportFileChunks.runId, run.id));
  let seq = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (seq >= chunks) {
          controller.close();
          return;
        }
        const data = await readChunk(run.id, seq);
        if (!data) {
          controller.error(new Error('report file chunk missing'));
          return;
        }
        seq++;
        controller.enqueue(data);
      },
    },
    { highWaterMark: 1 },
  );
  const contentType = run.contentType ?? CSV_CONTENT_TYPE;
  const headers = downloadHeaders(contentType, run.fileName ?? 'report', contentType.startsWith('application/pdf') ? 'pdf' : 'csv');
  setFileLength(headers, run.sizeBytes);
  return new Response(body, { headers });
}

/**
 * One stored chunk, its bytes as they are: COPY in binary format on a connection of the pg pool,
 * held for that chunk only. A query's result would come as text, the bytea hex-encoded by the
 * server and decoded again here (twice the bytes, both ways), and pg cannot take bytea results in
 * binary. `runId` is a checked uuid and `seq` an integer (COPY takes no bind parameters).
 */
export async function readChunk(runId: string, seq: number): Promise<Uint8Array | null> {
  if (!isUuid(runId) || !Number.isSafeInteger(seq)) throw new Error('bad chunk reference');
  const client = await pgPool().connect();
  let failed = true;
  try {
    const stream = client.query(copyTo(`copy (select data from report_file_chunks where run_id = '${runId}' and seq = ${seq}) to stdout (format binary)`));
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    failed = false;
    return binaryCopyField(Buffer.concat(parts));
  } finally {
    client.release(failed);
  }
}

// PGCOPY\n\377\r\n\0, then 32-bit flags and header-extension length.
const COPY_HEADER_BYTES = 19;

/**
 * The one field of the one row in a binary COPY of one column (PostgreSQL's documented format):
 * after the header, a row is a 16-bit field count and each field a 32-bit length then its bytes;
 * -1 as the field count ends the data. null when there is no row (or the field is NULL).
 */
export function binaryCopyField(copy: Buffer): Uint8Array | null {
  if (copy.length < COPY_HEADER_BYTES + 2 || copy.toString('latin1', 0, 11) !== 'PGCOPY\n\xff\r\n\0') throw new Error('not a binary COPY');
  const extension = copy.readUInt32BE(15);
  const row = COPY_HEADER_BYTES + extension;
  const fields = copy.readInt16BE(row);
  if (fields === -1) return null;
  if (fields !== 1) throw new Error(`binary COPY row with ${fields} fields`);
  const length = copy.readInt32BE(row + 2);
  if (length === -1) return null;
  const start = row + 6;
  if (start + length > copy.length) throw new Error('binary COPY cut short');
  return copy.subarray(start, start + length);
}
