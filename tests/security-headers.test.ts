import { describe, expect, it } from 'vitest';
// Next's own matcher for `source` patterns in next.config.mjs headers().
import { getPathMatch } from 'next/dist/shared/lib/router/utils/path-match';
// @ts-expect-error -- next.config.mjs is plain JavaScript without a declaration file.
import nextConfig from '@/next.config.mjs';
import { contentSecurityPolicy, securityHeaders } from '@/lib/security/headers.mjs';

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
    expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('font-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    // 'unsafe-eval' only for the development server.
    expect(contentSecurityPolicy()).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy({ dev: true })).toContain("'unsafe-eval'");
  });
});
