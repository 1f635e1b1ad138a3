import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { emailOutbox } from '@/db/schema';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { mailReadyRun } from '@/lib/reports/mail';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

const NOW = new Date('2026-04-05T10:00:00Z');
const PERIOD = { kind: 'custom', from: '2026-04-01', to: '2026-04-03' } as const;

describe('the "report ready" e-mail', () => {
  it('is queued once for a ready run with recipients, with the small file attached', async () => {
    const { account, user } = await makeAccount('MailRep', 10);
    await submitSend(await planSend({ accountId: account.id, userId: user.id, source: 'api', sender: 'MailRep', content: 'Здравейте', recipients: ['0888123456'] }));
    await db.execute(sql`update messages set created_at = '2026-04-02T09:00:00Z' where account_id = ${account.id}`);
    const { runId } = await createReport(account.id, user.id, { method: 'once', period: PERIOD, type: 'detailed', format: 'csv', name: 'April', emails: ['boss@example.com'] }, NOW);
    expect(await generateRun(runId!)).toBe('ready');

    expect(await mailReadyRun(runId!)).toBe(true);
    expect(await mailReadyRun(runId!)).toBe(false); // a retried job queues nothing more
    const rows = await db.select().from(emailOutbox).where(eq(emailOutbox.accountId, account.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ to: ['boss@example.com'], status: 'queued', attachments: [{ runId }] });
    expect(rows[0].idempotencyKey).toMatch(/^report\/[0-9a-f-]{36}\/2026-03-31T21:00:00\.000Z$/);
  });

  it('is not queued when the report has no recipients or the run is not ready', async () => {
    const { account, user } = await makeAccount('MailRep2', 10);
    const { runId } = await createReport(account.id, user.id, { method: 'once', period: PERIOD, type: 'short', format: 'csv', name: 'No mail' }, NOW);
    expect(await mailReadyRun(runId!)).toBe(false); // still queued
    await generateRun(runId!);
    expect(await mailReadyRun(runId!)).toBe(false); // no recipients
    expect(await db.$count(emailOutbox, eq(emailOutbox.accountId, account.id))).toBe(0);
  });
});
