import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { accounts, reportDefinitions, reportRuns, users } from '@/db/schema';
import { queueEmail } from '@/lib/email';
import { appUrl } from '@/lib/env';
import { buildReportEmail } from '@/lib/email/report';
import { addDays, localDay } from '@/lib/calendar';
import { insightEmail } from '@/lib/insights/email';
import { loadInsights } from '@/lib/insights/query';
import { reportLocale } from './definitions';
import { signReportLink } from './signed-links';

/**
 * Queues the "report ready" e-mail for a ready run whose report has recipients. Safe to call again
 * (a retried job): the outbox's idempotency key — report/{definition}/{period start} — lets the
 * same run's mail be queued, and so sent, once. Returns whether a new e-mail was queued.
 */
export async function mailReadyRun(runId: string): Promise<boolean> {
  const [row] = await db
    .select({ run: reportRuns, definition: reportDefinitions, timeZone: accounts.timeZone, language: users.language })
    .from(reportRuns)
    .innerJoin(reportDefinitions, eq(reportDefinitions.id, reportRuns.definitionId))
    .innerJoin(accounts, eq(accounts.id, reportRuns.accountId))
    .innerJoin(users, eq(users.id, reportDefinitions.userId))
    .where(eq(reportRuns.id, runId));
  if (!row || row.run.status !== 'ready' || row.definition.emails.length === 0) return false;
  const { run, definition, timeZone } = row;
  const link = signReportLink(run.id, run.accountId);
  const locale = reportLocale(definition.options, row.language);
  const period = { from: localDay(run.periodStart, timeZone), to: addDays(localDay(run.periodEnd, timeZone), -1) };
  // How delivery went in the report's days (a short report without bulk leaves the campaigns out here too).
  const withoutBulk = definition.type === 'short' && !definition.options.includeBulk;
  const insights = await loadInsights({ accountId: run.accountId, fromDay: period.from, toDay: period.to, withoutBulk });
  const email = await buildReportEmail({
    locale,
    timeZone,
    reportName: definition.name,
    period,
    insight: insightEmail(insights, locale),
    run: {
      id: run.id,
      rows: run.rowsDone,
      sizeBytes: run.sizeBytes ?? 0,
      fileName: `${run.fileName ?? definition.name}.${run.contentType === 'application/pdf' ? 'pdf' : 'csv'}`,
    },
    downloadLink: { url: `${appUrl()}/r/${link.token}`, expiresAt: link.expiresAt },
  });
  const queued = await db.transaction((tx) =>
    queueEmail(tx, {
      accountId: run.accountId,
      idempotencyKey: `report/${definition.id}/${run.periodStart.toISOString()}`,
      to: definition.emails,
      subject: email.subject,
      html: email.html,
      text: email.text,
      attachments: email.attachments,
    }),
  );
  return queued.queued;
}
