import { and, eq, gt, sql } from 'drizzle-orm';
import { db } from '@/db';
import { reportFileChunks, reportRuns } from '@/db/schema';
import { CSV_CONTENT_TYPE } from '@/lib/files/csv';
import { isUuid } from '@/lib/validation';
import { AppError } from '@/lib/errors';
import { downloadHeaders } from '@/lib/files/download';

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
 * The run's file, read from Postgres one chunk (~256 KiB) at a time as the client reads, with
 * Content-Length; AppError not_found (nothing streamed) for another account's run or one not ready. A chunk
 * that disappears mid-download (cleanup) errors the stream rather than ending it short.
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
        const [chunk] = await db
          .select({ data: reportFileChunks.data })
          .from(reportFileChunks)
          .where(and(eq(reportFileChunks.runId, run.id), eq(reportFileChunks.seq, seq)));
        if (!chunk) {
          controller.error(new Error('report file chunk missing'));
          return;
        }
        seq++;
        controller.enqueue(new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength));
      },
    },
    { highWaterMark: 0 },
  );
  const contentType = run.contentType ?? CSV_CONTENT_TYPE;
  const headers = downloadHeaders(contentType, run.fileName ?? 'report', contentType.startsWith('application/pdf') ? 'pdf' : 'csv');
  headers.set('Content-Length', String(run.sizeBytes));
  return new Response(body, { headers });
}
