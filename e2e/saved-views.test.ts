import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/files/csv-testing';
import { baseUrl, browserAndDatabase, screenshot, signIn } from './browser';

// A user filters History, saves the view, opens it again from the menu, exports it and downloads
// the file from Reports: the file holds exactly the messages those filters show.

const opened = browserAndDatabase();
const { sql } = opened;

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** A day `daysAgo` before today in Europe/Sofia (the demo account's zone), as YYYY-MM-DD. */
function sofiaDay(daysAgo: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia' }).format(new Date(Date.now() - daysAgo * 86_400_000));
}

async function fitsAndPassesAxe(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  const { scrollWidth, viewport } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  if (scrollWidth > viewport) problems.push(`${name}: page is ${scrollWidth} px wide in a ${viewport} px viewport`);
  const open = page.locator('[popover]:popover-open');
  const box = await open.boundingBox();
  if (!box || box.x < 0 || box.x + box.width > viewport + 0.5) problems.push(`${name}: the open popover ${JSON.stringify(box)} is not inside ${viewport} px`);
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  for (const violation of result.violations) problems.push(`${name}: axe ${violation.id}: ${violation.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  await screenshot(page, `saved-views-${name}`);
  return problems;
}

describe('saved views and Export this view', () => {
  it('saves a filtered History view, opens it from the menu, exports it and downloads exactly its messages', async () => {
    const context = await opened.browser.newContext({
      baseURL: baseUrl(),
      locale: 'en-US',
      extraHTTPHeaders: { 'accept-language': 'en-US' },
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signIn(page);
    // Days long past, so no delivery report or sending campaign changes them while the test runs.
    const [from, to] = [sofiaDay(40), sofiaDay(6)];
    const filters = `sender=DemoShop&status=404&from=${from}&to=${to}`;
    await page.goto(`/history?${filters}`);
    const problems: string[] = [];

    // Save the view under a name from the menu.
    await page.getByTestId('views-menu').click();
    problems.push(...(await fitsAndPassesAxe(page, 'menu-390')));
    await page.getByLabel('Name of this view').fill('Morning');
    await page.getByRole('button', { name: 'Save current view' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // From the unfiltered page, the menu opens the saved filters again.
    await page.goto('/history');
    await page.getByTestId('views-menu').click();
    await page.getByRole('link', { name: 'Morning' }).click();
    await page.waitForURL((url) => url.searchParams.get('sender') === 'DemoShop');
    const restored = new URL(page.url()).searchParams;
    expect(Object.fromEntries(restored)).toEqual(Object.fromEntries(new URLSearchParams(filters)));

    // Export this view, then download the file from Reports.
    await page.getByTestId('export-view').click();
    problems.push(...(await fitsAndPassesAxe(page, 'export-390')));
    await page.getByLabel('Name of the file').fill('Morning export');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByTestId('export-reports-link').click();
    await page.waitForURL('**/reports');
    const download = page.getByRole('link', { name: 'Download Morning export' });
    await download.waitFor({ timeout: 60_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of await file.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
    const [, ...rows] = parseCsv(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')).rows;

    const want = await sql<{ id: string }[]>`
      select m.id::text as id from messages m join accounts a on a.id = m.account_id
      where a.name = 'Demo' and m.sender_name = 'DemoShop' and m.status = 404
        and m.created_at >= ${from}::date::timestamp at time zone 'Europe/Sofia'
        and m.created_at < (${to}::date + 1)::timestamp at time zone 'Europe/Sofia'
      order by m.created_at, m.id`;
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((row) => row[0])).toEqual(want.map((row) => row.id));
    expect(problems).toEqual([]);
    await context.close();
  });
});
