import type { Locale } from '@/lib/i18n/locale';
import type { InsightEmail } from '@/lib/insights/email';
import { attachMaxBytes, headerSafe, safeFileName, type EmailAttachmentRef } from './index';
import { renderReportReadyEmail } from './render';

export type ReportEmailInput = {
  locale: Locale;
  /** The account's time zone, for the link's expiry time. */
  timeZone: string;
  reportName: string;
  /** First and last day of the period, inclusive, as YYYY-MM-DD. */
  period: { from: string; to: string };
  run: { id: string; rows: number; sizeBytes: number; fileName: string };
  /** A signed download link: needed when the file is too large to attach (see attachMaxBytes). */
  downloadLink?: { url: string; expiresAt: Date };
  /** how delivery went in the period (lib/insights/email.ts) */
  insight?: InsightEmail | null;
};

export type ReportEmail = { subject: string; html: string; text: string; attachments: EmailAttachmentRef[] };

function formatPeriod(locale: Locale, from: string, to: string): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new Error('The period must be two YYYY-MM-DD days');
  return from === to ? format.format(start) : format.formatRange(start, end);
}

/**
 * The "report ready" e-mail for a finished report run, ready for queueEmail(). This is where
 * attach-or-link is decided, once, when the message is built: a file of at most
 * EMAIL_ATTACH_MAX_BYTES (default 5 MB) is attached (the outbox row names the run, and the
 * sender reads its chunks at send time); a larger one is linked with the signed URL passed in.
 * The text of the e-mail always matches what it carries.
 */
export async function buildReportEmail(input: ReportEmailInput): Promise<ReportEmail> {
  const reportName = headerSafe(input.reportName) || 'Report';
  const fileName = safeFileName(input.run.fileName);
  const attach = input.run.sizeBytes <= attachMaxBytes();
  if (!attach && !input.downloadLink) throw new Error('The report is too large to attach: a download link is needed');
  const expires = input.downloadLink
    ? new Intl.DateTimeFormat(input.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: input.timeZone }).format(
        input.downloadLink.expiresAt,
      )
    : '';
  const rendered = await renderReportReadyEmail({
    locale: input.locale,
    reportName,
    period: formatPeriod(input.locale, input.period.from, input.period.to),
    rows: input.run.rows,
    delivery: attach ? { kind: 'attached', fileName } : { kind: 'link', url: input.downloadLink!.url, expires },
    insight: input.insight ?? null,
  });
  return { ...rendered, attachments: attach ? [{ filename: fileName, runId: input.run.id }] : [] };
}
