import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/files/csv-testing';
import { browserAndDatabase, downloadText, layoutAndAxeProblems, newContext, screenshot, signIn } from './browser';

// A user filters History, saves the view, opens it again from the menu, exports it and downloads
// the file from Reports: the file holds exactly the messages those filters show.

const opened = browserAndDatabase();
const { sql } = opened;

/** A day `daysAgo` before today in Europe/Sofia (the demo account's zone), as YYYY-MM-DD. */
function sofiaDay(daysAgo: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia' }).format(new Date(Date.now() - daysAgo * 86_400_000));
}

/** The page with its popover open: the popover inside the screen, the page fitting it, axe clean. */
async function popoverProblems(page: Page, name: string): Promise<string[]> {
  const problems = await layoutAndAxeProblems(page, name);
  const box = await page.locator('[popover]:popover-open').boundingBox();
  const width = page.viewportSize()!.width;
  if (!box || box.x < 0 || box.x + box.width > width + 0.5) problems.push(`${name}: the open popover ${JSON.stringify(box)} is not inside ${width} px`);
  await screenshot(page, `saved-views-${name}`);
  return problems;
}

describe('saved views and Export this view', () => {
  it('saves a filtered History view, opens it from the menu, exports it and downloads exactly its messages', async () => {
    const context = await newContext(opened.browser, 'en-US', 390);
    const page = await context.newPage();
    await signIn(page);
    // Days long past, so no delivery report or sending campaign changes them while the test runs.
    const [from, to] = [sofiaDay(40), sofiaDay(6)];
    const filters = `sender=DemoShop&status=404&from=${from}&to=${to}`;
    await page.goto(`/history?${filters}`);
    const problems: string[] = [];

    // Save the view under a name from the menu.
    await page.getByTestId('views-menu').click();
    problems.push(...(await popoverProblems(page, 'menu-390')));
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
    problems.push(...(await popoverProblems(page, 'export-390')));
    await page.getByLabel('Name of the file').fill('Morning export');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByTestId('export-reports-link').click();
    await page.waitForURL('**/reports');
    const download = page.getByRole('link', { name: 'Download Morning export' });
    await download.waitFor({ timeout: 60_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const [, ...rows] = parseCsv((await downloadText(file)).replace(/^\uFEFF/, '')).rows;

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
