import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { baseUrl, DEMO, launchBrowser, newContext, screenshot, signIn } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the signed-in shell', () => {
  it('signs the demo user in and shows the shell with the balance, in English', async () => {
    const context = await newContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto('/history');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await signIn(page);
    expect(new URL(page.url()).pathname).toBe('/history');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const label of ['Send', 'SMS history', 'Bulk SMS', 'Reports', 'Contacts', 'Settings']) {
      await expect(nav.getByRole('link', { name: label }).count()).resolves.toBe(1);
    }
    expect(await nav.getByRole('link', { name: 'SMS history' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('balance').innerText()).toMatch(/^Balance: [\d,]+(\.\d+)? points$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('SMS history');
    await screenshot(page, 'shell-en');
    // The menu leads to every part of the portal, the Contacts database included.
    await nav.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(/\/contacts$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Contacts');
    expect(await nav.getByRole('link', { name: 'Contacts' }).getAttribute('aria-current')).toBe('page');
    await context.close();
  });

  it('speaks Bulgarian to a browser that asks for it', async () => {
    const context = await newContext(browser, 'bg-BG');
    const page = await context.newPage();
    await page.goto('/sign-in');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Вход');
    expect(await page.locator('html').getAttribute('lang')).toBe('bg');
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Основна навигация' });
    expect(await nav.getByRole('link', { name: 'История на SMS' }).count()).toBe(1);
    expect(await page.getByTestId('balance').innerText()).toMatch(/^Баланс: [\d\s\u00a0]+(,\d+)? точки$/);
    await screenshot(page, 'shell-bg');
    await context.close();
  });

  it('follows the user’s language setting over the browser’s', async () => {
    const context = await newContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/settings');
    await page.locator('#language').selectOption('bg');
    await page.getByRole('button', { name: 'Save language' }).click();
    await page.getByRole('status').filter({ hasText: 'Запазено.' }).waitFor();
    await page.goto('/history');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('История на SMS');
    await page.goto('/settings');
    await page.locator('#language').selectOption('auto');
    await page.getByRole('button', { name: 'Запази езика' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await context.close();
  });

  it('signs out, after which pages send the visitor to sign in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?signedOut=1/);
    expect(await page.getByRole('status').innerText()).toBe('You have signed out.');
    await page.goto('/settings');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('ends a browser session when an operator changes the user’s password', async () => {
    await admin('user:create', '--account', 'Demo', '--email', 'temp@example.com', '--password', 'first password 1');
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, { email: 'temp@example.com', password: 'first password 1' });
    await page.goto('/settings');
    expect(new URL(page.url()).pathname).toBe('/settings');
    await admin('user:password', '--email', 'temp@example.com', '--password', 'second password 2');
    await page.goto('/settings');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});

describe('over plain HTTP', () => {
  async function credentialsAttempt(ip: string, password: string) {
    const csrf = await fetch(`${baseUrl()}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return fetch(`${baseUrl()}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip },
      body: new URLSearchParams({ csrfToken, email: DEMO.email, password }),
    });
  }

  it('answers 429 after ten wrong passwords from one address, and nothing else changes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await credentialsAttempt('203.0.113.77', `wrong-${i}`)).status);
    expect(statuses.every((s) => s === 302)).toBe(true);
    const limited = await credentialsAttempt('203.0.113.77', DEMO.password);
    expect(limited.status).toBe(429);
    expect(limited.headers.getSetCookie().some((c) => c.includes('session-token'))).toBe(false);
    // The demo user, from another address, signs in as usual.
    const fine = await credentialsAttempt('198.51.100.23', DEMO.password);
    expect(fine.status).toBe(302);
    expect(fine.headers.getSetCookie().some((c) => c.includes('authjs.session-token'))).toBe(true);
  });

  it('does not let the middleware-subrequest header past the sign-in check', async () => {
    for (const path of ['/history', '/settings', '/']) {
      const response = await fetch(`${baseUrl()}${path}`, {
        redirect: 'manual',
        headers: { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' },
      });
      expect([302, 303, 307]).toContain(response.status);
      expect(response.headers.get('location')).toContain('/sign-in');
    }
    // API routes too: no token, no answer.
    const api = await fetch(`${baseUrl()}/api/campaigns/00000000-0000-4000-8000-000000000000`, {
      headers: { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' },
    });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: number }).error).toBe(101);
  });
});
