import { and, eq, gt, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { CopyToStreamQuery } from 'pg-copy-streams';
import { db } from '@/db';
import { pgPool } from '@/db/pg';
import { reportRuns } from '@/db/schema';
import { readStoredFile } from '@/lib/files/binary-copy';
import { CSV_CONTENT_TYPE } from '@/lib/files/csv';
import { isUuid } from '@/lib/validation';
import { audit } from '@/lib/audit/record';
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

const WRITE_BYTES = 1024 * 1024;

/**
 * The run's file straight from Postgres: one binary COPY of its chunks in order, on a connection
 * of the pg pool held for the download, its bytes passed on as they arrive and read as the client
 * reads (backpressure), with Content-Length so that browsers show progress; it goes as it is
 * stored, never compressed on the way (setFileLength). One statement sees one snapshot, so a
 * cleanup deleting the chunks mid-download does not cut the file; chunks gone before it starts
 * (fewer bytes than the run's size) error the stream rather than ending it short. AppError
 * not_found (nothing streamed) for another account's run or one not ready.
 *
 * Every download served is recorded in the audit log first, as `opened`: a signed-in user's
 * download ('report.download'), or a signed link opened by whoever holds it ('report.link_open',
 * no user), with the client's address.
 */
export async function runFileResponse(
  accountId: number,
  runId: string,
  opened: { action: 'report.download' | 'report.link_open'; userId: number | null; ip: string },
): Promise<Response> {
  const run = await findDownloadableRun(accountId, runId);
  if (!run || run.sizeBytes === null) throw new AppError('not_found');
  await audit({ accountId, ...opened, target: { type: 'run', id: run.id }, details: { fileName: run.fileName, bytes: run.sizeBytes } });
  const expected = run.sizeBytes;
  let client: pg.PoolClient | null = null;
  let copy: CopyToStreamQuery | null = null;
  let values: AsyncGenerator<Uint8Array> | null = null;
  let sent = 0;
  const release = (broken: boolean) => {
    copy?.destroy();
    client?.release(broken);
    client = null;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!values) {
            client = await pgPool().connect();
            ({ copy, values } = readStoredFile(client, 'report', run.id));
          }
          // The connection's pieces (tens of KiB) joined into writes of about 1 MiB: the way out
          // (Next's piping to the socket) costs per write, not per byte.
          const pieces: Uint8Array[] = [];
          let size = 0;
          let next = await values.next();
          while (!next.done) {
            pieces.push(next.value);
            size += next.value.length;
            if (size >= WRITE_BYTES) break;
            next = await values.next();
          }
          if (size) {
            sent += size;
            controller.enqueue(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, size));
            if (!next.done) return;
          }
          release(false);
          if (sent !== expected) controller.error(new Error(`report file has ${sent} of its ${expected} bytes`));
          else controller.close();
        } catch (error) {
          release(true);
          controller.error(error);
        }
      },
      cancel() {
        release(true);
      },
    },
    { highWaterMark: 0 },
  );
  const contentType = run.contentType ?? CSV_CONTENT_TYPE;
  const headers = downloadHeaders(contentType, run.fileName ?? 'report', contentType.startsWith('application/pdf') ? 'pdf' : 'csv');
  setFileLength(headers, expected);
  return new Response(body, { headers });
}
