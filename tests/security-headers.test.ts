import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
// Next's own matcher for `source` patterns in next.config.mjs headers().
import { getPathMatch } from 'next/dist/shared/lib/router/utils/path-match';
// @ts-expect-error -- next.config.mjs is plain JavaScript without a declaration file.
import nextConfig from '@/next.config.mjs';
import { contentSecurityPolicy, securityHeaders } from '@/lib/security/headers.mjs';
import { proxy } from '@/proxy';

/** The headers Next.js would add for a path: later matching rules override earlier ones. */
function headersFor(pathname: string, dev = false): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rule of securityHeaders({ dev })) {
    if (!getPathMatch(rule.source)(pathname)) continue;
    for (const { key, value } of rule.headers) result[key.toLowerCase()] = value;
  }
  return result;
}

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('security headers (next.config.mjs headers())', () => {
  it('are wired into next.config.mjs', async () => {
    const config = nextConfig as { headers?: () => Promise<unknown> };
    expect(await config.headers?.()).toEqual(securityHeaders());
  });

  it('give pages, API routes and the sign-in page the CSP, nosniff, DENY, a permissions policy and strict-origin-when-cross-origin', () => {
    for (const path of ['/', '/send', '/history', '/bulk', '/bulk/123', '/reports', '/settings', '/sign-in', '/api/sms.do', '/api/campaigns/5/stop', '/api/auth/csrf', '/_next/static/chunks/x.js']) {
      const headers = headersFor(path);
      expect(headers['content-security-policy'], path).toBe(contentSecurityPolicy());
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['x-frame-options'], path).toBe('DENY');
      expect(headers['permissions-policy'], path).toMatch(/camera=\(\)/);
      expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    }
  });

  it('leave downloads and signed report links with Referrer-Policy: no-referrer', () => {
    for (const path of ['/bulk/42/delivery-report.csv', '/bulk/42/delivery-report.pdf', '/reports/runs/7/download', '/r/abc.DEF-123_x']) {
      const headers = headersFor(path);
      expect(headers['referrer-policy'], path).toBe('no-referrer');
      expect(headers['content-security-policy'], path).toBe(contentSecurityPolicy());
    }
    // Only those exact shapes: a page below /reports/runs or /bulk is not a download.
    expect(headersFor('/reports/runs/7/download/x')['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headersFor('/bulk/42')['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it('use a same-origin CSP that forbids framing, plugins, base and foreign form targets', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('font-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    // Pages: the request's nonce and 'strict-dynamic' (chunks loaded by the nonced bootstrap), never 'unsafe-inline'.
    const page = directives(contentSecurityPolicy({ nonce: 'abc123' }));
    expect(page.get('script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect([...page.entries()].filter(([name]) => name !== 'script-src')).toEqual([...csp.entries()].filter(([name]) => name !== 'script-src'));
    // 'unsafe-eval' only for the development server.
    expect(contentSecurityPolicy()).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy({ dev: true })).toContain("'unsafe-eval'");
  });
});

describe('proxy.ts', () => {
  const cookie = { cookie: 'authjs.session-token=anything' };
  const policyOf = (response: Response) => response.headers.get('content-security-policy') ?? '';

  it('gives each page request a fresh nonce, on the response and on the request Next.js renders with', async () => {
    const first = proxy(new NextRequest('http://app.test/history', { headers: cookie }));
    const second = proxy(new NextRequest('http://app.test/history', { headers: cookie }));
    const nonce = /'nonce-([0-9a-f]{32})'/.exec(policyOf(first))?.[1];
    expect(nonce).toBeDefined();
    expect(policyOf(second)).not.toContain(nonce);
    // NextResponse.next({ request: { headers } }) hands overridden request headers on like this.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policyOf(first));
    expect(policyOf(first)).toBe(contentSecurityPolicy({ nonce }));
  });

  it('lets visitors reach only the sign-in page; everything else redirects there (the pages check again)', () => {
    expect(policyOf(proxy(new NextRequest('http://app.test/sign-in')))).toContain("'nonce-");
    const redirect = proxy(new NextRequest('http://app.test/bulk/42?x=1'));
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('http://app.test/sign-in?callbackUrl=%2Fbulk%2F42%3Fx%3D1');
  });
});
