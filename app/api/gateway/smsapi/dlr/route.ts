import { verifyCallbackSecret, parseSmsapiCallback } from '@/lib/gateway/dlr-callback';
import { applyDeliveryReports } from '@/lib/gateway/reports';
import { readParams } from '@/lib/messaging/request';
import { AppError } from '@/lib/errors';

// The provider's delivery-report callback (notify_url). It carries no session: a shared secret
// in the URL (DLR_SECRET) proves it comes from the provider.
async function handle(request: Request, params: URLSearchParams) {
  const url = new URL(request.url);
  if (!verifyCallbackSecret(url.searchParams.get('secret'), process.env.DLR_SECRET ?? '')) {
    return new Response('Forbidden', { status: 403 });
  }
  try {
    await applyDeliveryReports(parseSmsapiCallback(params));
  } catch (error) {
    if (error instanceof AppError) return new Response(error.describe(), { status: 400 });
    throw error;
  }
  // The provider expects a plain OK, or it calls again.
  return new Response('OK', { headers: { 'content-type': 'text/plain' } });
}

export async function GET(request: Request) {
  return handle(request, new URL(request.url).searchParams);
}

export async function POST(request: Request) {
  const body = await readParams(request);
  if (!body) return new Response('Unreadable body', { status: 400 });
  const params = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
  return handle(request, params);
}
