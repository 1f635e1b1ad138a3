import { auditDownload } from '@/lib/audit/record';
import { localDay, safeTimeZone } from '@/lib/calendar';
import { getCampaignProgress } from '@/lib/campaigns';
import { AppError } from '@/lib/errors';
import { ownReader } from '@/lib/gates/own-writes';
import { CSV_CONTENT_TYPE } from '@/lib/files/csv';
import { downloadHeaders, setFileLength } from '@/lib/files/download';
import { resolveLocale } from '@/lib/i18n/locale';
import { campaignCsvStream } from './csv';
import { deliveryReportModel, loadCampaignSummary, renderDeliveryReportPdf } from './summary';

/** What the download routes need of the signed-in user (a SessionUser fits). */
export type DownloadUser = {
  id: number;
  language: string | null;
  account: { id: number; timeZone: string };
};

/** "delivery-report-2026-03-29-Spring sale": made by the server; the name is cleaned and encoded later. */
export function campaignFileBase(campaign: { id: string; name: string; createdAt: Date }, timeZone: string): string {
  return `delivery-report-${localDay(campaign.createdAt, safeTimeZone(timeZone))}-${campaign.name.trim() || campaign.id.slice(0, 8)}`;
}

/**
 * The detailed CSV of one of the user's campaigns (another account's: not_found, before any
 * byte). Streams from COPY: constant memory at any size (the server compresses it at a fast
 * level for a client that accepts it, scripts/start.ts); headers and status words in the user's
 * language (their setting, else the request's Accept-Language).
 */
export async function campaignCsvResponse(
  user: DownloadUser,
  campaignId: string,
  request: { acceptLanguage?: string | null; ip?: string | null } = {},
): Promise<Response> {
  const campaign = await getCampaignProgress(user.account.id, campaignId);
  if (!campaign) throw new AppError('not_found');
  await recordCampaignDownload(user, campaign.id, 'csv', request.ip ?? null);
  // The header in the language the user sees the portal in.
  const locale = resolveLocale(user.language, request.acceptLanguage ?? null);
  // A failure before the first byte (busy, no connection) is an error answer, not a cut-off file.
  // Rows from a replica when one has what this user wrote (db/replica.ts).
  const { pool } = await ownReader();
  const body = await primed(campaignCsvStream({ campaignId: campaign.id, accountId: user.account.id, timeZone: user.account.timeZone, locale }, { pool }));
  const headers = downloadHeaders(CSV_CONTENT_TYPE, campaignFileBase(campaign, user.account.timeZone), 'csv');
  return new Response(body, { headers });
}

/** The audit log's entry for a delivery report served (before its first byte: a refused one has none). */
function recordCampaignDownload(user: DownloadUser, campaignId: string, kind: 'csv' | 'pdf', ip: string | null) {
  return auditDownload({ accountId: user.account.id, userId: user.id, ip, target: { type: 'campaign', id: campaignId }, file: `delivery-report.${kind}` });
}

/**
 * Waits for the first chunk before the response starts, so that a failure to connect or to
 * start the query (no free connection, say) becomes a 500 rather than a 200 whose body breaks
 * off. The rest streams through as the client reads it.
 */
async function primed(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  let first: ReadableStreamReadResult<Uint8Array>;
  try {
    first = await reader.read();
  } catch (error) {
    reader.releaseLock();
    throw error;
  }
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first.done) controller.close();
        else controller.enqueue(first.value);
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The one-page PDF summary in the user's language; not_found for another account's campaign. */
export async function campaignPdfResponse(user: DownloadUser, campaignId: string, acceptLanguage: string | null, ip: string | null = null): Promise<Response> {
  const summary = await loadCampaignSummary(user.account.id, campaignId);
  if (!summary) throw new AppError('not_found');
  await recordCampaignDownload(user, summary.id, 'pdf', ip);
  const locale = resolveLocale(user.language, acceptLanguage);
  const model = deliveryReportModel(summary, { locale, timeZone: user.account.timeZone });
  const pdf = await renderDeliveryReportPdf(model);
  const headers = downloadHeaders('application/pdf', campaignFileBase(summary, user.account.timeZone), 'pdf');
  setFileLength(headers, pdf.byteLength);
  return new Response(pdf as Uint8Array<ArrayBuffer>, { headers });
}
