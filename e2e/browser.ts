import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
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

/** A context in `locale`; with `width`, that wide a screen (under 600 px: a phone, touch). */
export async function newContext(browser: Browser, locale = 'en-US', width?: number): Promise<BrowserContext> {
  const screen = width === undefined ? {} : { viewport: { width, height: width < 600 ? 844 : 800 }, isMobile: width < 600, hasTouch: width < 600 };
  return browser.newContext({ baseURL: baseUrl(), locale, extraHTTPHeaders: { 'accept-language': locale }, ...screen });
}

export async function signIn(page: Page, credentials = DEMO): Promise<void> {
  await page.goto('/sign-in');
  await page.locator('#email').fill(credentials.email);
  await page.locator('#password').fill(credentials.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** A downloaded file's content as UTF-8 text. */
export async function downloadText(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What is wrong with the page as drawn now: wider than the viewport, or anything axe-core (WCAG 2.2 AA) finds. */
export async function layoutAndAxeProblems(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  const { scrollWidth, viewport } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  if (scrollWidth > viewport) problems.push(`${name}: page is ${scrollWidth} px wide in a ${viewport} px viewport`);
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  for (const violation of result.violations) {
    const nodes = violation.nodes.slice(0, 3).map((n) => n.target.join(' '));
    problems.push(`${name}: axe ${violation.id} (${violation.nodes.length}): ${nodes.join(' | ')}`);
  }
  return problems;
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
