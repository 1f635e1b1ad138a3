import type http from 'node:http';
import { NON_DOWNLOAD_SOURCE, securityHeaders } from '../lib/security/headers.mjs';

// What the server answers itself, ahead of Next.js (the provider's callback, health and metrics),
// goes out with the security headers next.config.mjs gives every route.
const HEADERS = securityHeaders()
  .filter((rule) => rule.source === '/:path*' || rule.source === NON_DOWNLOAD_SOURCE)
  .flatMap((rule) => rule.headers);

/** Sends a whole answer: `headers`, the security headers, its length, its body. */
export function sendWhole(res: http.ServerResponse, status: number, headers: Iterable<[string, string]>, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  for (const [name, value] of headers) res.setHeader(name, value);
  for (const { key, value } of HEADERS) res.setHeader(key, value);
  res.setHeader('content-length', bytes.length);
  res.writeHead(status);
  res.end(bytes);
}
