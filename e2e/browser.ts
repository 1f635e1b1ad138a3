import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';

export const DEMO = { email: 'demo@example.com', password: 'demo-password-2026' };

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('Chromium not found: install Debian’s chromium package (see .ci/run) or set CHROMIUM_PATH');
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export function baseUrl(): string {
  return inject('baseUrl');
}

export async function newContext(browser: Browser, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl(), locale, extraHTTPHeaders: { 'accept-language': locale } });
}

export async function signIn(page: Page, credentials = DEMO): Promise<void> {
  await page.goto('/sign-in');
  await page.locator('#email').fill(credentials.email);
  await page.locator('#password').fill(credentials.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

/** A test file's browser and a one-connection client of the app's database: opened before its tests, closed after. */
export function browserAndDatabase(): { browser: Browser; sql: postgres.Sql } {
  const opened = { browser: undefined as unknown as Browser, sql: postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} }) };
  beforeAll(async () => {
    opened.browser = await launchBrowser();
  });
  afterAll(async () => {
    await opened.browser?.close();
    await opened.sql.end();
  });
  return opened;
}
