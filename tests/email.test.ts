import { randomUUID } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { Logger, runOnce } from 'graphile-worker';
import { delay, http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { AppError } from '@/lib/errors';
import { emailOutbox, reportDefinitions, reportFileChunks, reportRuns } from '@/db/schema';
import {
  EMAIL_MAX_ATTEMPTS,
  EmailSendError,
  listOutbox,
  queueEmail,
  sendQueuedEmail,
  type QueueEmailInput,
} from '@/lib/email';
import { buildReportEmail } from '@/lib/email/report';
import { emailTasks } from '@/lib/email/tasks';
import { enqueue } from '@/lib/jobs';
import { tasks } from '@/lib/jobs/worker';
import { makeAccount } from './fixtures/accounts';
import { mockHttp } from './msw';

const RESEND_URL = 'https://api.resend.com/emails';

type Captured = { headers: Headers; body: Record<string, unknown> };

/** The error names Resend answers with (resend.com/docs/api-reference/errors). */
const RESEND_ERRORS: Record<number, string> = {
  400: 'validation_error',
  401: 'missing_api_key',
  403: 'invalid_api_key',
  404: 'not_found',
  409: 'invalid_idempotent_request',
  422: 'validation_error',
  429: 'rate_limit_exceeded',
  500: 'internal_server_error',
  502: 'internal_server_error',
  503: 'internal_server_error',
};
const resendError = (status: number, name = RESEND_ERRORS[status] ?? 'application_error') =>
  HttpResponse.json({ statusCode: status, name, message: `Resend says ${name}` }, { status });

/** Resend played by msw: answers each request with the next status of `statuses` (then 200). */
function playResend(statuses: number[] = []): Captured[] {
  const seen: Captured[] = [];
  mockHttp.use(
    http.post(RESEND_URL, async ({ request }) => {
      seen.push({ headers: request.headers, body: (await request.json()) as Record<string, unknown> });
      const status = statuses[seen.length - 1] ?? 200;
      if (status !== 200) return resendError(status);
      return HttpResponse.json({ id: `re_${seen.length}` });
    }),
  );
  return seen;
}

const CSV = 'Phone,Status\r\n+359888123456,Delivered\r\n+359888654321,Кирилица\r\n';

/** A finished report run of the account, its file stored in two chunks. */
async function readyRun(accountId: number, userId: number, content = CSV) {
  const bytes = Buffer.from(content, 'utf8');
  const [definition] = await db
    .insert(reportDefinitions)
    .values({
      accountId,
      userId,
      name: 'Weekly',
      method: 'once',
      type: 'detailed',
      format: 'csv',
      options: { includeBulk: true, includeContent: true, idx: false, contacts: false, shortLinks: false },
    })
    .returning();
  const [run] = await db
    .insert(reportRuns)
    .values({
      definitionId: definition.id,
      accountId,
      status: 'ready',
      periodStart: new Date('2026-01-01T00:00:00Z'),
      periodEnd: new Date('2026-01-08T00:00:00Z'),
      rowsDone: 2,
      sizeBytes: bytes.length,
      fileName: 'weekly-2026-01-01.csv',
      contentType: 'text/csv; charset=utf-8',
    })
    .returning();
  const half = Math.floor(bytes.length / 2);
  await db.insert(reportFileChunks).values([
    { runId: run.id, seq: 0, data: bytes.subarray(0, half) },
    { runId: run.id, seq: 1, data: bytes.subarray(half) },
  ]);
  return { run, bytes };
}

// graphile_worker.jobs hides the payload: read the private tables.
const EMAIL_JOBS = sql.raw(
  `graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id and t.identifier = 'email:send'`,
);
const outboxRow = async (id: string) => (await db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0];
const jobsFor = async (id: string) =>
  Number(
    (
      await db.execute<{ n: string }>(
        sql`select count(*)::text as n from ${EMAIL_JOBS} where j.payload->>'outboxId' = ${id}`,
      )
    )[0].n,
  );
const queue = (input: QueueEmailInput) => db.transaction((tx) => queueEmail(tx, input));
const simple = (accountId: number, extra: Partial<QueueEmailInput> = {}): QueueEmailInput => ({
  accountId,
  idempotencyKey: `test/${randomUUID()}`,
  to: ['someone@example.com'],
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  ...extra,
});

beforeEach(() => {
  process.env.RESEND_API_KEY = 're_test_key';
  process.env.EMAIL_FROM = 'Reports <reports@example.com>';
});
afterEach(() => {
  delete process.env.RESEND_API_KEY;
  delete process.env.EMAIL_FROM;
  delete process.env.EMAIL_ATTACH_MAX_BYTES;
});

describe('report e-mails through Resend', () => {
  it('sends from, to, a one-line subject, html, text, the file as base64 and the idempotency key; never twice', async () => {
    const { account, user } = await makeAccount('MailA');
    const { run, bytes } = await readyRun(account.id, user.id);
    const message = await buildReportEmail({
      locale: 'en',
      timeZone: 'Europe/Sofia',
      reportName: 'Weekly\r\nBcc: evil@example.com',
      period: { from: '2026-01-01', to: '2026-01-07' },
      run: { id: run.id, rows: 2, sizeBytes: bytes.length, fileName: run.fileName! },
    });
    expect(message.attachments).toEqual([{ filename: 'weekly-2026-01-01.csv', runId: run.id }]);
    const key = `report/${randomUUID()}/2026-01-01`;
    const { id, queued } = await queue({ accountId: account.id, idempotencyKey: key, to: ['Boss@Example.com'], ...message, subject: `${message.subject}\r\nBcc: x@y.z` });
    expect(queued).toBe(true);
    expect(await jobsFor(id!)).toBe(1);

    const seen = playResend();
    expect(await sendQueuedEmail(id!)).toBe('sent');
    expect(seen).toHaveLength(1);
    const [{ headers, body }] = seen;
    expect(headers.get('idempotency-key')).toBe(key);
    expect(headers.get('authorization')).toBe('Bearer re_test_key');
    expect(body.from).toBe('Reports <reports@example.com>');
    expect(body.to).toEqual(['Boss@Example.com']);
    expect(body.subject).toBe('Report ready: Weekly Bcc: evil@example.com Bcc: x@y.z');
    expect(body.subject).not.toMatch(/[\r\n]/);
    expect(body.html).toContain('<html');
    expect(body.html).toContain('Weekly Bcc: evil@example.com');
    expect(body.text).toContain('The report is attached to this e-mail as weekly-2026-01-01.csv.');
    expect(body.text).toContain('Jan 1');
    expect(body.attachments).toEqual([
      { filename: 'weekly-2026-01-01.csv', content: bytes.toString('base64'), content_type: 'text/csv; charset=utf-8' },
    ]);
    expect(Buffer.from((body.attachments as { content: string }[])[0].content, 'base64').toString('utf8')).toBe(CSV);

    const row = await outboxRow(id!);
    expect(row).toMatchObject({ status: 'sent', providerId: 're_1', attempts: 1, error: null });
    expect(row.sentAt).toBeInstanceOf(Date);

    // The job again (a duplicate delivery of it): nothing goes out.
    await emailTasks['email:send']!({ outboxId: id }, {} as never);
    expect(seen).toHaveLength(1);
  });

  it('links a file above EMAIL_ATTACH_MAX_BYTES instead of attaching it, in Bulgarian', async () => {
    process.env.EMAIL_ATTACH_MAX_BYTES = '10';
    const { account, user } = await makeAccount('MailB');
    const { run, bytes } = await readyRun(account.id, user.id);
    const input = {
      locale: 'bg' as const,
      timeZone: 'Europe/Sofia',
      reportName: 'Месечна',
      period: { from: '2026-01-01', to: '2026-01-31' },
      run: { id: run.id, rows: 1234, sizeBytes: bytes.length, fileName: run.fileName! },
    };
    await expect(buildReportEmail(input)).rejects.toThrow(/download link/);
    const url = `https://portal.example.com/r/${run.id}?exp=1&sig=abc`;
    const message = await buildReportEmail({ ...input, downloadLink: { url, expiresAt: new Date('2026-02-08T10:00:00Z') } });
    expect(message.attachments).toEqual([]);
    const { id } = await queue({ accountId: account.id, idempotencyKey: `report/${randomUUID()}/2026-01`, to: ['a@example.com', 'b@example.com'], ...message });

    const seen = playResend();
    expect(await sendQueuedEmail(id!)).toBe('sent');
    const { body } = seen[0];
    expect(body.attachments).toBeUndefined();
    expect(body.subject).toBe('Отчетът е готов: Месечна');
    expect(body.html).toContain(`href="${url.replace('&', '&amp;')}"`);
    expect(body.text).toContain(url);
    expect(body.text).toContain('твърде голям');
    expect(body.text).toContain('Месечна');
  });

  it('retries after a 500 with the same idempotency key and delivers exactly once', async () => {
    const { account } = await makeAccount('MailC');
    const key = `report/${randomUUID()}/2026-W02`;
    const { id } = await queue(simple(account.id, { idempotencyKey: key }));
    const seen = playResend([500]);

    await expect(sendQueuedEmail(id!)).rejects.toBeInstanceOf(EmailSendError);
    expect(await outboxRow(id!)).toMatchObject({ status: 'queued', attempts: 1, error: 'internal_server_error (500)', providerId: null });

    expect(await sendQueuedEmail(id!)).toBe('sent');
    expect(await sendQueuedEmail(id!)).toBe('sent');
    expect(seen.map((request) => request.headers.get('idempotency-key'))).toEqual([key, key]);
    expect(seen[0].body).toEqual(seen[1].body);
    expect(await outboxRow(id!)).toMatchObject({ status: 'sent', attempts: 2, error: null, providerId: 're_2' });
  });

  it('marks failed without retrying when Resend refuses the message for good', async () => {
    const { account } = await makeAccount('MailD');
    const { id } = await queue(simple(account.id));
    const seen = playResend([422]);
    expect(await sendQueuedEmail(id!)).toBe('failed');
    expect(await sendQueuedEmail(id!)).toBe('failed');
    expect(seen).toHaveLength(1);
    expect(await outboxRow(id!)).toMatchObject({ status: 'failed', attempts: 1, error: 'validation_error (422)', sentAt: null });
  });

  it('never attaches another account’s report file', async () => {
    const { account: other, user: otherUser } = await makeAccount('MailE');
    const { account } = await makeAccount('MailF');
    const { run } = await readyRun(other.id, otherUser.id);
    const { id } = await queue(simple(account.id, { attachments: [{ filename: 'x.csv', runId: run.id }] }));
    const seen = playResend();
    expect(await sendQueuedEmail(id!)).toBe('failed');
    expect(seen).toHaveLength(0);
    expect((await outboxRow(id!)).error).toBe('attachment_unavailable');
  });
});

describe('the outbox', () => {
  it('queues one row and one job for the same idempotency key', async () => {
    const { account } = await makeAccount('MailG');
    const input = simple(account.id);
    const first = await queue(input);
    const second = await queue({ ...input, subject: 'Another subject' });
    expect(first.queued).toBe(true);
    expect(second).toEqual({ id: first.id, queued: false });
    const rows = await db.select().from(emailOutbox).where(eq(emailOutbox.idempotencyKey, input.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toBe('Hello');
    expect(await jobsFor(first.id!)).toBe(1);
  });

  it('rolls back with the caller’s transaction', async () => {
    const { account } = await makeAccount('MailH');
    const input = simple(account.id);
    await expect(
      db.transaction(async (tx) => {
        await queueEmail(tx, input);
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(await db.select().from(emailOutbox).where(eq(emailOutbox.idempotencyKey, input.idempotencyKey))).toHaveLength(0);
  });

  it('without RESEND_API_KEY keeps the e-mail as not_configured and calls nobody (through the job worker)', async () => {
    delete process.env.RESEND_API_KEY;
    const { account } = await makeAccount('MailI');
    const { id } = await queue(simple(account.id));
    const seen = playResend();
    await runOnce({ connectionString: process.env.DATABASE_URL, taskList: emailTasks, noHandleSignals: true, logger: new Logger(() => () => {}) });
    expect(seen).toHaveLength(0);
    expect(await outboxRow(id!)).toMatchObject({ status: 'not_configured', attempts: 0, sentAt: null });
    expect(await jobsFor(id!)).toBe(0);
    expect((await listOutbox(account.id)).map((entry) => entry.status)).toEqual(['not_configured']);
  });

  it('refuses invalid addresses, too many recipients and empty subjects, writing nothing', async () => {
    const { account } = await makeAccount('MailJ');
    const before = await db.$count(emailOutbox);
    await expect(queue(simple(account.id, { to: ['ok@example.com', 'not-an-address'] }))).rejects.toMatchObject({
      code: 'email_invalid',
      field: 'to.1',
    });
    await expect(queue(simple(account.id, { to: ['a@example.com\r\nBcc: evil@example.com'] }))).rejects.toBeInstanceOf(AppError);
    await expect(queue(simple(account.id, { to: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`) }))).rejects.toThrow(
      'At most 10 recipients',
    );
    await expect(queue(simple(account.id, { to: [] }))).rejects.toThrow('At least one recipient');
    await expect(queue(simple(account.id, { subject: '\r\n' }))).rejects.toThrow('The subject is empty');
    expect(await db.$count(emailOutbox)).toBe(before);
    const jobs = await db.execute<{ n: string }>(sql`select count(*)::text as n from ${EMAIL_JOBS}
      where not exists (select 1 from email_outbox o where o.id::text = j.payload->>'outboxId')`);
    expect(jobs[0].n).toBe('0');
  });

  it('lists only the account’s own e-mails, newest first', async () => {
    const { account: a } = await makeAccount('MailK');
    const { account: b } = await makeAccount('MailL');
    await queue(simple(a.id, { subject: 'A first' }));
    await queue(simple(b.id, { subject: 'B only' }));
    await queue(simple(a.id, { subject: 'A second' }));
    expect((await listOutbox(a.id)).map((entry) => entry.subject)).toEqual(['A second', 'A first']);
    expect((await listOutbox(b.id)).map((entry) => entry.subject)).toEqual(['B only']);
  });
});

// Resend failing, hanging and recovering, with the e-mail going through the real path: queued in
// a transaction, its 'email:send' job run by graphile-worker (runOnce with the app's own task
// list). graphile-worker backs a failed job off exponentially; instead of waiting, a test makes
// the job due again by moving its run_at to now.
describe('Resend failing and recovering, through the job worker', () => {
  /** Client timeout for these tests (EMAIL_SEND_TIMEOUT_MS); a hanging answer takes longer. */
  const TIMEOUT_MS = 300;
  type Step = number | 'timeout' | { status: number; name: string };
  type Attempt = { key: string | null; body: string; outcome: string };

  /**
   * Resend played by msw for one idempotency key: each request gets the next step (then 200).
   * 'timeout' hangs until the client gives up (it never reaches "sending"). `delivered` counts
   * the 200 answers: the e-mails Resend actually sent. Requests for other keys (rows queued by
   * earlier tests whose jobs are still pending) are answered 200 and kept apart.
   */
  function scriptResend(key: string, steps: Step[]) {
    const attempts: Attempt[] = [];
    const others: string[] = [];
    let delivered = 0;
    mockHttp.use(
      http.post(RESEND_URL, async ({ request }) => {
        const requestKey = request.headers.get('idempotency-key');
        const body = await request.text();
        if (requestKey !== key) {
          others.push(requestKey ?? '');
          return HttpResponse.json({ id: `re_other_${others.length}` });
        }
        const step = steps[attempts.length] ?? 200;
        const attempt: Attempt = { key: requestKey, body, outcome: '' };
        attempts.push(attempt);
        if (step === 'timeout') {
          attempt.outcome = 'timeout';
          await Promise.race([delay(TIMEOUT_MS * 10), new Promise((resolve) => request.signal.addEventListener('abort', resolve))]);
          return HttpResponse.json({ statusCode: 504, name: 'internal_server_error', message: 'too late' }, { status: 504 });
        }
        if (step === 200) {
          delivered++;
          attempt.outcome = '200';
          return HttpResponse.json({ id: `re_${randomUUID()}` });
        }
        const { status, name } = typeof step === 'number' ? { status: step, name: undefined } : step;
        attempt.outcome = String(status);
        return resendError(status, name);
      }),
    );
    return { attempts, others, delivered: () => delivered };
  }

  const silent = new Logger(() => () => {});
  /** One pass of the real job runner over every due job, with the app's task list. */
  const runJobs = () => runOnce({ connectionString: process.env.DATABASE_URL, taskList: tasks, noHandleSignals: true, logger: silent });
  /** The e-mail's pending 'email:send' job as graphile-worker keeps it (null once it completed). */
  const jobOf = async (id: string) =>
    (
      await db.execute<{ attempts: number; max_attempts: number; last_error: string | null; runAtMs: number }>(
        sql`select j.attempts, j.max_attempts, j.last_error, (extract(epoch from j.run_at) * 1000)::float8 as "runAtMs" from ${EMAIL_JOBS} where j.payload->>'outboxId' = ${id}`,
      )
    )[0] ?? null;
  /** Moves the job's run_at: `now()` skips the backoff, a later time keeps it waiting however slow the machine is. */
  const moveRunAt = (id: string, runAt: SQL) =>
    db.execute(sql`update graphile_worker._private_jobs j set run_at = ${runAt}
      from graphile_worker._private_tasks t where t.id = j.task_id and t.identifier = 'email:send' and j.payload->>'outboxId' = ${id}`);
  const makeDue = (id: string) => moveRunAt(id, sql`now()`);

  beforeEach(() => {
    process.env.EMAIL_SEND_TIMEOUT_MS = String(TIMEOUT_MS);
  });
  afterEach(() => {
    delete process.env.EMAIL_SEND_TIMEOUT_MS;
  });

  it('after three 5xx answers and a request that times out, delivers exactly once with the same Idempotency-Key; a retried job sends nothing', async () => {
    const { account } = await makeAccount('MailRetry');
    const key = `report/${randomUUID()}/2026-W10`;
    const { id } = await queue(simple(account.id, { idempotencyKey: key, subject: 'Weekly report' }));
    const resend = scriptResend(key, [500, 503, 502, 'timeout', 200]);

    const expected = [
      { attempts: 1, error: 'internal_server_error (500)' },
      { attempts: 2, error: 'internal_server_error (503)' },
      { attempts: 3, error: 'internal_server_error (502)' },
      { attempts: 4, error: 'timeout (no response)' },
    ];
    for (const [i, state] of expected.entries()) {
      if (i > 0) {
        // Backing off: a pass of the runner before the job is due sends nothing. The backoff of
        // the first failures is seconds, so it is held an hour off: a slow pass must not outlast it.
        await moveRunAt(id!, sql`now() + interval '1 hour'`);
        await runJobs();
        expect(resend.attempts).toHaveLength(i);
        await makeDue(id!);
      }
      const started = Date.now();
      await runJobs();
      expect(resend.attempts).toHaveLength(i + 1);
      expect(await outboxRow(id!)).toMatchObject({ status: 'queued', ...state, providerId: null, sentAt: null });
      const job = await jobOf(id!);
      expect(job).toMatchObject({ attempts: i + 1, max_attempts: EMAIL_MAX_ATTEMPTS });
      // Rescheduled with graphile-worker's backoff (e^attempts seconds) from the failure, which came after `started`.
      expect(job!.runAtMs).toBeGreaterThanOrEqual(started + Math.exp(i + 1) * 1000 - 50);
      expect(job!.last_error).toContain(state.error);
      if (state.error.startsWith('timeout')) {
        // Abandoned after the client's timeout, not after the server's answer.
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 10);
      }
    }

    await makeDue(id!);
    await runJobs();
    expect(resend.attempts.map((a) => a.outcome)).toEqual(['500', '503', '502', 'timeout', '200']);
    expect(resend.delivered()).toBe(1);
    // One key and one payload on every attempt: Resend can tell a retry from a new e-mail.
    expect(new Set(resend.attempts.map((a) => a.key))).toEqual(new Set([key]));
    expect(new Set(resend.attempts.map((a) => a.body)).size).toBe(1);
    const sent = await outboxRow(id!);
    expect(sent).toMatchObject({ status: 'sent', attempts: 5, error: null });
    expect(sent.providerId).toMatch(/^re_/);
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(await jobOf(id!)).toBeNull(); // the job completed

    // The job delivered again after success (a duplicate, a retry after a lost ack): nothing goes out.
    await enqueue(db, 'email:send', { outboxId: id });
    await runJobs();
    await emailTasks['email:send']!({ outboxId: id }, {} as never);
    expect(resend.attempts).toHaveLength(5);
    expect(resend.delivered()).toBe(1);
    expect(await outboxRow(id!)).toEqual(sent);
    expect(await jobOf(id!)).toBeNull();
  });

  it('a 422 from Resend ends the e-mail as failed at the first attempt, with the error recorded, and is never retried', async () => {
    const { account } = await makeAccount('Mail422');
    const key = `report/${randomUUID()}/2026-W11`;
    const { id } = await queue(simple(account.id, { idempotencyKey: key }));
    const resend = scriptResend(key, [422, 422, 200]);

    await runJobs();
    expect(resend.attempts.map((a) => a.outcome)).toEqual(['422']);
    expect(await outboxRow(id!)).toMatchObject({ status: 'failed', attempts: 1, error: 'validation_error (422)', providerId: null, sentAt: null });
    expect(await jobOf(id!)).toBeNull(); // completed, not waiting for a retry

    await makeDue(id!);
    await enqueue(db, 'email:send', { outboxId: id });
    await runJobs();
    expect(resend.attempts).toHaveLength(1);
    expect(resend.delivered()).toBe(0);
    expect((await listOutbox(account.id)).map((e) => [e.status, e.error])).toEqual([['failed', 'validation_error (422)']]);
  });

  it(`stops after ${EMAIL_MAX_ATTEMPTS} failed attempts when Resend keeps answering 500: failed, the last error kept`, async () => {
    const { account } = await makeAccount('Mail500');
    const key = `report/${randomUUID()}/2026-W12`;
    const { id } = await queue(simple(account.id, { idempotencyKey: key }));
    const resend = scriptResend(key, Array.from({ length: EMAIL_MAX_ATTEMPTS + 5 }, () => 500));

    for (let attempt = 1; attempt <= EMAIL_MAX_ATTEMPTS; attempt++) {
      await runJobs();
      expect(resend.attempts).toHaveLength(attempt);
      await makeDue(id!);
    }
    expect(await outboxRow(id!)).toMatchObject({ status: 'failed', attempts: EMAIL_MAX_ATTEMPTS, error: 'internal_server_error (500)' });
    expect(await jobOf(id!)).toBeNull();
    await enqueue(db, 'email:send', { outboxId: id });
    await runJobs();
    expect(resend.attempts).toHaveLength(EMAIL_MAX_ATTEMPTS);
    expect(resend.delivered()).toBe(0);
  });

  it.each<[string, 'retry' | 'fail', Step]>([
    ['429 rate limit', 'retry', 429],
    ['429 daily quota', 'retry', { status: 429, name: 'daily_quota_exceeded' }],
    ['500', 'retry', 500],
    ['503', 'retry', 503],
    ['409 concurrent request with the same key', 'retry', { status: 409, name: 'concurrent_idempotent_requests' }],
    ['no answer', 'retry', 'timeout'],
    ['400 validation', 'fail', 400],
    ['401 missing key', 'fail', 401],
    ['403 invalid key', 'fail', 403],
    ['404', 'fail', 404],
    ['409 same key, other payload', 'fail', 409],
    ['422 validation', 'fail', 422],
    ['451 security', 'fail', { status: 451, name: 'security_error' }],
  ])('%s from Resend: %s', async (_label, expected, step) => {
    const { account } = await makeAccount(`MailS${randomUUID().slice(0, 6)}`);
    const key = `test/${randomUUID()}`;
    const { id } = await queue(simple(account.id, { idempotencyKey: key }));
    const resend = scriptResend(key, [step]);
    if (expected === 'retry') {
      await expect(sendQueuedEmail(id!)).rejects.toBeInstanceOf(EmailSendError);
      expect(await outboxRow(id!)).toMatchObject({ status: 'queued', attempts: 1, error: expect.stringMatching(/^\w+ \((429|5\d\d|409|no response)\)$/) });
      expect(await sendQueuedEmail(id!)).toBe('sent');
      expect(await outboxRow(id!)).toMatchObject({ status: 'sent', attempts: 2, error: null });
      expect(resend.delivered()).toBe(1);
    } else {
      expect(await sendQueuedEmail(id!)).toBe('failed');
      expect(await sendQueuedEmail(id!)).toBe('failed');
      expect(resend.attempts).toHaveLength(1);
      expect(resend.delivered()).toBe(0);
      expect(await outboxRow(id!)).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/^\w+ \(4\d\d\)$/) });
    }
  });
});
