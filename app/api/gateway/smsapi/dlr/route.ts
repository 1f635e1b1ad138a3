import { checkText, queryParams, readParams, type Params } from '@/lib/api/request';
import { env } from '@/lib/env';
import { providerCallback } from '@/lib/gates/api';
import { parseSmsapiCallback, verifyCallbackSecret } from '@/lib/gateway/dlr-callback';
import { receiveDeliveryReports } from '@/lib/gateway/reports';

// The provider's delivery-report callback (notify_url), as query parameters (GET) or a form or
// JSON body (POST), one report or several (comma-separated lists). It carries no session: a
// shared secret in the URL (DLR_SECRET) proves it comes from the provider. The reports are
// stored, and applied in batches by a job: the provider's OK means they are safe, not applied.
function callback(read: (request: Request) => Promise<Params>) {
  return providerCallback(async (request) => {
    if (!verifyCallbackSecret(new URL(request.url).searchParams.get('secret'), env().DLR_SECRET ?? '')) {
      return new Response('Forbidden', { status: 403 });
    }
    const params = await read(request);
    checkText(params);
    await receiveDeliveryReports(parseSmsapiCallback(searchParams(params)));
    // The provider expects a plain OK, or it calls again.
    return new Response('OK', { headers: { 'content-type': 'text/plain' } });
  });
}

/** Repeated names (a list) stay repeated: the parser joins them. */
function searchParams(params: Params): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item));
  }
  return out;
}

export const GET = callback(async (request) => queryParams(new URL(request.url)));
export const POST = callback((request) => readParams(request));
