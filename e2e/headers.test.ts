import postgres from 'postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, launchBrowser, newContext, signIn } from './browser';

// The pages must work under the Content-Security-Policy (next.config.mjs, with a per-request
// nonce from proxy.ts on pages): no violation, no console error, and every response carries the
// security headers.

const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
let browser: Browser;
let context: BrowserContext;
let ownCampaign = '';

declare global {
  interface Window {
    __cspViolations: string[];
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser);
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  [{ id: ownCampaign }] = await sql`select c.id from campaigns c join accounts a on a.id = c.account_id where a.name = 'Demo' order by c.created_at limit 1`;
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sql.end();
});

function expectSecurityHeaders(headers: Record<string, string>, referrerPolicy = 'strict-origin-when-cross-origin') {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self'( 'nonce-[0-9a-f]{32}' 'strict-dynamic')?;/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['permissions-policy']).toContain('camera=()');
  expect(headers['referrer-policy']).toBe(referrerPolicy);
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // The app has no favicon yet; the browser's automatic /favicon.ico 404 is not a CSP matter.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

describe('the Content-Security-Policy and the other security headers', () => {
  it('let every signed-in page render and hydrate with no CSP violation or console error', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await signIn(page);
    for (const path of ['/send', '/history', '/bulk', `/bulk/${ownCampaign}`, '/reports', '/contacts', '/emails', '/settings']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      expect(new URL(page.url()).pathname, path).toBe(path);
      const headers = await response!.allHeaders();
      expectSecurityHeaders(headers);
      expect(headers['content-security-policy'], path).toContain("'nonce-");
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      // Client navigation works too (hydrated, RSC fetches allowed by connect-src).
      const violations = await page.evaluate(() => window.__cspViolations);
      expect(violations, path).toEqual([]);
    }
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'SMS history' }).click();
    await page.waitForURL(/\/history$/);
    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('let the sign-in page work under the policy (anonymous, then signing in)', async () => {
    const anonymous = await newContext(browser);
    await anonymous.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.__cspViolations.push(event.violatedDirective));
    });
    const page = await anonymous.newPage();
    const problems = watch(page);
    const response = await page.goto('/sign-in');
    expectSecurityHeaders(await response!.allHeaders());
    await signIn(page);
    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(problems).toEqual([]);
    await anonymous.close();
  });

  it('give every page its own nonce, put it on every script, and block an injected inline script', async () => {
    const nonceOf = (policy: string | null) => /'nonce-([0-9a-f]{32})'/.exec(policy ?? '')?.[1];
    const first = await fetch(`${baseUrl()}/sign-in`);
    const second = await fetch(`${baseUrl()}/sign-in`);
    const nonce = nonceOf(first.headers.get('content-security-policy'));
    expect(nonce).toBeDefined();
    expect(nonceOf(second.headers.get('content-security-policy'))).not.toBe(nonce);
    const scripts = [...(await first.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
    await second.body?.cancel();

    // Markup injected into a page's HTML (as a stored XSS would put it there) cannot run script:
    // the response is served as is, with its headers, plus an inline script and an event handler.
    const page = await context.newPage();
    await page.route('**/settings', async (route) => {
      const response = await route.fetch();
      const injected = '<script>window.__injected = "script"</script><img src="x:" onerror="window.__injected = \'handler\'">';
      await route.fulfill({ response, body: (await response.text()).replace('</body>', `${injected}</body>`) });
    });
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected ?? null)).toBeNull();
    expect((await page.evaluate(() => window.__cspViolations)).some((v) => v.startsWith('script-src'))).toBe(true);
    await page.close();
  });

  it('are on API responses as well', async () => {
    const response = await fetch(`${baseUrl()}/api/sms.do`, { method: 'POST' });
    expect(response.status).toBe(401);
    expectSecurityHeaders(Object.fromEntries(response.headers));
  });

  it('leave Referrer-Policy: no-referrer on delivery-report downloads and signed report links', async () => {
    for (const path of [`/bulk/${ownCampaign}/delivery-report.csv`, `/bulk/${ownCampaign}/delivery-report.pdf`]) {
      const response = await context.request.get(path);
      expect(response.status(), path).toBe(200);
      const headers = response.headers();
      expect(headers['content-disposition'], path).toMatch(/^attachment;/);
      expect(headers['cache-control'], path).toBe('private, no-store');
      expectSecurityHeaders(headers, 'no-referrer');
    }
    // A signed link that does not verify: still no referrer, whatever the status.
    const link = await fetch(`${baseUrl()}/r/not-a-valid-token`);
    expect(link.status).toBeGreaterThanOrEqual(400);
    expectSecurityHeaders(Object.fromEntries(link.headers), 'no-referrer');
  });
});
