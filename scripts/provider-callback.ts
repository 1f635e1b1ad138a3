import type http from 'node:http';
import { Readable } from 'node:stream';
import { log } from '../lib/ops/log';
import { sendWhole } from './ahead-of-next';

// The provider's delivery-report callback, answered by the server itself ahead of Next.js: the
// same route handlers (app/api/gateway/smsapi/dlr/route.ts, their gate and their checks), without
// Next's request pipeline, which costs several times what storing a report does (at hundreds of
// requests a second, `npm run bench -- dlr`).

export const PROVIDER_CALLBACK_PATH = '/api/gateway/smsapi/dlr';

type Handler = (request: Request) => Promise<Response>;
let handlers: Promise<Record<string, Handler>> | null = null;

export function isProviderCallback(url: string | undefined): boolean {
  return url?.split('?', 1)[0] === PROVIDER_CALLBACK_PATH;
}

export async function answerProviderCallback(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    handlers ??= import('../app/api/gateway/smsapi/dlr/route') as Promise<Record<string, Handler>>;
    const handler = req.method === 'GET' || req.method === 'POST' ? (await handlers)[req.method] : undefined;
    const response = handler ? await handler(toRequest(req)) : new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
    sendWhole(res, response.status, response.headers, Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    log().error({ err: error }, 'provider callback failed');
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}

function toRequest(req: http.IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  const body = req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined;
  return new Request(`http://localhost${req.url}`, { method: req.method, headers, body, duplex: 'half' } as RequestInit);
}
