import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { Resend, type Attachment } from 'resend';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { emailOutbox, reportFileChunks, reportRuns } from '@/db/schema';
import { env } from '@/lib/env';
import { parseOrThrow } from '@/lib/errors';
import { enqueue, type JobName } from '@/lib/jobs';

/**
 * The e-mail outbox (shared/spec/security.md, "E-mail"): a message is written to email_outbox
 * together with an 'email:send' job in the caller's transaction, then sent by the job through
 * Resend. The outbox row's idempotency key is unique in the table (the same key never queues
 * twice) and is sent as Resend's Idempotency-Key (a retry after a timeout never mails twice).
 * Without RESEND_API_KEY nothing is sent: rows end 'not_configured' and stay readable on /emails.
 */

export const EMAIL_SEND_JOB: JobName = 'email:send';
/** Sends tried per e-mail before it is marked failed (graphile-worker backs off exponentially). */
export const EMAIL_MAX_ATTEMPTS = 8;
export const MAX_RECIPIENTS = 10;
/** Resend refuses messages over 40 MB after base64: never read more than this into memory. */
const HARD_ATTACHMENT_LIMIT = 28 * 1024 * 1024;

export type OutboxStatus = (typeof emailOutbox.$inferSelect)['status'];
export type EmailAttachmentRef = { filename: string; runId: string };

/** EMAIL_SEND_TIMEOUT_MS (1 ms – 2 min), default 30 s: a hung request is abandoned and retried. */
export function sendTimeoutMs(): number {
  return env().EMAIL_SEND_TIMEOUT_MS;
}

/** Files up to this size are attached; larger ones are linked (EMAIL_ATTACH_MAX_BYTES, default 5 MB). */
export function attachMaxBytes(): number {
  return Math.min(env().EMAIL_ATTACH_MAX_BYTES, HARD_ATTACHMENT_LIMIT);
}

/** CR, LF and other control characters become spaces: a subject or name can never add a header. */
export function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** A file name for an attachment: one line, no quotes or path separators. */
export function safeFileName(value: string): string {
  return headerSafe(value).replace(/["\\/]/g, '_').slice(0, 200) || 'report';
}

export function emailFrom(): string {
  return headerSafe(env().EMAIL_FROM);
}

const queueSchema = z.object({
  accountId: z.number().int().positive(),
  // Sent as an HTTP header: printable ASCII, as Resend allows (1–256 characters).
  idempotencyKey: z.string().regex(/^[\x21-\x7e]{1,256}$/, 'The idempotency key must be 1–256 printable ASCII characters'),
  to: z
    .array(z.string().trim().pipe(z.email({ error: 'email_invalid' })))
    .min(1, { error: 'recipients_required' })
    .max(MAX_RECIPIENTS, { error: 'too_many_recipients' }),
  subject: z.string().transform(headerSafe).pipe(z.string().min(1, { error: 'subject_required' }).max(250, { error: 'text_too_long' })),
  html: z.string().min(1),
  text: z.string().min(1),
  attachments: z
    .array(z.object({ filename: z.string().transform(safeFileName), runId: z.uuid() }))
    .max(5)
    .default([]),
});

export type QueueEmailInput = z.input<typeof queueSchema>;

/**
 * Queues an e-mail in the caller's transaction: the outbox row and its 'email:send' job commit
 * (or roll back) with the caller's own writes. The same idempotency key queues once: a second
 * call inserts nothing, adds no job, and answers { queued: false } with the first row's id.
 * Throws AppError (nothing written) for bad addresses, an empty subject, etc.
 */
export async function queueEmail(tx: Executor, input: QueueEmailInput): Promise<{ id: string | null; queued: boolean }> {
  const email = parseOrThrow(queueSchema, input);
  const to = [...new Map(email.to.map((address) => [address.toLowerCase(), address])).values()];
  const [row] = await tx
    .insert(emailOutbox)
    .values({ ...email, to })
    .onConflictDoNothing({ target: emailOutbox.idempotencyKey })
    .returning({ id: emailOutbox.id });
  if (!row) {
    const [existing] = await tx
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(and(eq(emailOutbox.idempotencyKey, email.idempotencyKey), eq(emailOutbox.accountId, email.accountId)));
    return { id: existing?.id ?? null, queued: false };
  }
  await enqueue(tx, EMAIL_SEND_JOB, { outboxId: row.id }, { maxAttempts: EMAIL_MAX_ATTEMPTS });
  return { id: row.id, queued: true };
}

/** A send that failed for a reason that may pass (network, 5xx, rate limit): the job retries. */
export class EmailSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailSendError';
  }
}

class PermanentEmailError extends Error {}

async function loadAttachments(accountId: number, refs: EmailAttachmentRef[]): Promise<Attachment[]> {
  const files: Attachment[] = [];
  for (const ref of refs) {
    // Only the outbox row's own account's files, and only finished ones.
    const [run] = await db
      .select({ status: reportRuns.status, contentType: reportRuns.contentType })
      .from(reportRuns)
      .where(and(eq(reportRuns.id, ref.runId), eq(reportRuns.accountId, accountId)));
    if (!run || run.status !== 'ready') throw new PermanentEmailError('attachment_unavailable');
    const [{ size }] = await db
      .select({ size: sql<number>`coalesce(sum(octet_length(${reportFileChunks.data})), 0)::bigint`.mapWith(Number) })
      .from(reportFileChunks)
      .where(eq(reportFileChunks.runId, ref.runId));
    if (size > HARD_ATTACHMENT_LIMIT) throw new PermanentEmailError('attachment_too_large');
    const chunks = await db
      .select({ data: reportFileChunks.data })
      .from(reportFileChunks)
      .where(eq(reportFileChunks.runId, ref.runId))
      .orderBy(asc(reportFileChunks.seq));
    files.push({
      filename: safeFileName(ref.filename),
      content: Buffer.concat(chunks.map((chunk) => chunk.data)),
      ...(run.contentType ? { contentType: run.contentType } : {}),
    });
  }
  return files;
}

type ProviderError = { statusCode?: number | null; name: string; message: string };

/**
 * Whether a failed send may succeed later (Resend's error codes, resend.com/docs/api-reference/errors):
 * no response at all (network error, timeout), 429 (rate limit, daily quota), 5xx, and 409
 * concurrent_idempotent_requests (an earlier, timed-out request with the same key is still in
 * progress at Resend). Every other 4xx is a message Resend will never take (400/422 validation,
 * 401/403 key or domain, 409 invalid_idempotent_request, ...): retrying would only repeat it.
 */
export function isRetryable(error: ProviderError): boolean {
  const status = error.statusCode;
  if (status === null || status === undefined) return true;
  return status === 429 || status >= 500 || error.name === 'concurrent_idempotent_requests';
}

async function markFailed(id: string, error: string, countAttempt: boolean): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ status: 'failed', error, attempts: countAttempt ? sql`${emailOutbox.attempts} + 1` : undefined })
    .where(and(eq(emailOutbox.id, id), eq(emailOutbox.status, 'queued')));
}

/**
 * Sends one outbox row (the 'email:send' job). Only a 'queued' row is sent: one already sent
 * (or failed, or not configured) is left alone, so a repeated job never mails twice.
 * - no RESEND_API_KEY: the row becomes 'not_configured';
 * - accepted by Resend: 'sent' with the provider's id;
 * - refused for good (a 4xx other than 429, attachment gone): 'failed' with the error, no retry;
 * - no answer (network, timeout after EMAIL_SEND_TIMEOUT_MS), 429 or 5xx: attempts + 1 and the
 *   error recorded, then EmailSendError is thrown so that the job is retried with backoff (the
 *   same Idempotency-Key every time); the attempt that reaches EMAIL_MAX_ATTEMPTS marks 'failed'.
 * The stored error is a short code; the provider's full message goes to the server log.
 */
export async function sendQueuedEmail(outboxId: string): Promise<OutboxStatus | 'missing'> {
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, outboxId));
  if (!row) return 'missing';
  if (row.status !== 'queued') return row.status;

  const apiKey = env().RESEND_API_KEY;
  if (!apiKey) {
    await db
      .update(emailOutbox)
      .set({ status: 'not_configured' })
      .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, 'queued')));
    return 'not_configured';
  }

  let attachments: Attachment[];
  try {
    attachments = await loadAttachments(row.accountId, row.attachments);
  } catch (error) {
    if (!(error instanceof PermanentEmailError)) throw error;
    await markFailed(row.id, error.message, false);
    return 'failed';
  }

  const resend = new Resend(apiKey);
  const signal = AbortSignal.timeout(sendTimeoutMs());
  let data: { id: string } | null = null;
  let error: ProviderError | null = null;
  try {
    ({ data, error } = await resend.emails.send(
      {
        from: emailFrom(),
        to: row.to,
        subject: headerSafe(row.subject),
        html: row.html,
        text: row.text,
        ...(attachments.length ? { attachments } : {}),
      },
      { idempotencyKey: row.idempotencyKey, signal },
    ));
  } catch (thrown) {
    // The SDK rethrows an abort that lands while it reads an error body: still no answer.
    error = { statusCode: null, name: 'network_error', message: thrown instanceof Error ? thrown.message : String(thrown) };
  }

  if (data) {
    await db
      .update(emailOutbox)
      .set({ status: 'sent', providerId: data.id, sentAt: sql`now()`, error: null, attempts: sql`${emailOutbox.attempts} + 1` })
      .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, 'queued')));
    return 'sent';
  }

  // The SDK reports a timed-out request as a generic "unable to fetch" error: name it.
  if (signal.aborted && (error?.statusCode ?? null) === null) error = { statusCode: null, name: 'timeout', message: `no answer within ${sendTimeoutMs()} ms` };
  error ??= { statusCode: null, name: 'empty_response', message: 'Resend answered without an id' };
  const code = `${error.name} (${error.statusCode ?? 'no response'})`;
  console.error(`[email] outbox ${row.id}: attempt ${row.attempts + 1} failed: ${code}: ${error.message}`);
  if (!isRetryable(error) || row.attempts + 1 >= EMAIL_MAX_ATTEMPTS) {
    await markFailed(row.id, code, true);
    return 'failed';
  }
  await db
    .update(emailOutbox)
    .set({ error: code, attempts: sql`${emailOutbox.attempts} + 1` })
    .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, 'queued')));
  throw new EmailSendError(`E-mail ${row.id} not sent: ${code}`);
}

export type OutboxEntry = Pick<
  typeof emailOutbox.$inferSelect,
  'id' | 'to' | 'subject' | 'text' | 'attachments' | 'status' | 'attempts' | 'error' | 'createdAt' | 'sentAt'
>;

/** The account's latest e-mails, newest first (the /emails page). */
export async function listOutbox(accountId: number, limit = 100): Promise<OutboxEntry[]> {
  return db
    .select({
      id: emailOutbox.id,
      to: emailOutbox.to,
      subject: emailOutbox.subject,
      text: emailOutbox.text,
      attachments: emailOutbox.attachments,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      error: emailOutbox.error,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(eq(emailOutbox.accountId, accountId))
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(Math.min(Math.max(1, limit), 100));
}
