import { env } from '@/lib/env';

// The app's own HTTP server (scripts/start.ts) appends the socket address to X-Forwarded-For.
// Behind N trusted reverse proxies (TRUST_PROXY_HOPS=N) the client is N entries from the end;
// anything before that was written by the client and cannot be trusted.
export function clientIp(headers: Headers): string {
  const hops = env().TRUST_PROXY_HOPS;
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - 1 - hops)] ?? 'unknown';
}
