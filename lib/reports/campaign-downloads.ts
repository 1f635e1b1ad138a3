import type { CampaignProgress } from '@/lib/campaigns';
import { resolveLocale } from '@/lib/i18n/locale';
import { campaignCsvStream, safeTimeZone } from './campaign-csv';
import { deliveryReportModel, loadCampaignSummary } from './campaign-summary';
import { CSV_CONTENT_TYPE, ExportBusyError } from './csv';
import { downloadHeaders, emptyResponse } from './download';
import { PdfBusyError, renderDeliveryReportPdf } from './pdf';

/** What the download routes need of the signed-in user (a SessionUser fits). */
export type DownloadUser = {
  language: string | null;
  account: { id: number; timeZone: string };
};

/** YYYY-MM-DD of an instant in a time zone. */
function localDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: safeTimeZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** "delivery-report-2026-03-29-Spring sale": made by the server; the name is cleaned and encoded later. */
export function campaignFileBase(campaign: { id: string; name: string; createdAt: Date }, timeZone: string): string {
  return `delivery-report-${localDate(campaign.createdAt, timeZone)}-${campaign.name.trim() || campaign.id.slice(0, 8)}`;
}

/**
 * The detailed CSV of a campaign the caller has found in the user's account (so a 404 has
 * already gone out with nothing streamed). Streams from COPY: constant memory at any size.
 */
export async function campaignCsvResponse(user: DownloadUser, campaign: CampaignProgress): Promise<Response> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await primed(campaignCsvStream({ campaignId: campaign.id, accountId: user.account.id, timeZone: user.account.timeZone }));
  } catch (error) {
    if (error instanceof ExportBusyError) return emptyResponse(503, { 'Retry-After': '10' });
    // Already logged by copyCsv; the user gets a plain error, not a 200 with a cut-off file.
    return emptyResponse(500);
  }
  return new Response(body, { headers: downloadHeaders(CSV_CONTENT_TYPE, campaignFileBase(campaign, user.account.timeZone), 'csv') });
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

/** The one-page PDF summary in the user's language; 404 for another account's campaign. */
export async function campaignPdfResponse(user: DownloadUser, campaignId: string, acceptLanguage: string | null): Promise<Response> {
  const summary = await loadCampaignSummary(user.account.id, campaignId);
  if (!summary) return emptyResponse(404);
  const locale = resolveLocale(user.language, acceptLanguage);
  const model = deliveryReportModel(summary, { locale, timeZone: user.account.timeZone });
  let pdf: Uint8Array;
  try {
    pdf = await renderDeliveryReportPdf(model);
  } catch (error) {
    if (error instanceof PdfBusyError) return emptyResponse(503, { 'Retry-After': '10' });
    console.error('Delivery report PDF failed', error);
    return emptyResponse(500);
  }
  const headers = downloadHeaders('application/pdf', campaignFileBase(summary, user.account.timeZone), 'pdf');
  headers.set('Content-Length', String(pdf.byteLength));
  return new Response(pdf as Uint8Array<ArrayBuffer>, { headers });
}
