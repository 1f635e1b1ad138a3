import { describe, expect, it } from 'vitest';
import { browserAndDatabase, downloadText, newContext, screenshot, signIn } from './browser';

const opened = browserAndDatabase();
const { sql } = opened;

describe('reports', () => {
  it('generates a detailed report for last month with content and contacts, then downloads it', async () => {
    const context = await newContext(opened.browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/reports');
    await page.locator('#report-period').selectOption('last_month');
    await page.getByLabel('Message content').check();
    await page.getByLabel('Contacts database fields (matched by number)').check();
    await page.locator('#report-name').fill('Last month, detailed');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('The report is being generated; it appears in the list below.').waitFor();
    const download = page.getByRole('link', { name: 'Download Last month, detailed' });
    await download.waitFor({ timeout: 60_000 });
    await screenshot(page, 'reports-ready');
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const text = await downloadText(file);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    // Rows = the Demo account's messages of last month in Europe/Sofia (content has no line breaks).
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from messages m join accounts a on a.id = m.account_id
      where a.name = 'Demo'
        and m.created_at >= date_trunc('month', now() at time zone 'Europe/Sofia' - interval '1 month') at time zone 'Europe/Sofia'
        and m.created_at < date_trunc('month', now() at time zone 'Europe/Sofia') at time zone 'Europe/Sofia'`;
    expect(lines.length - 1).toBe(n);
    expect(lines[0]).toMatch(/Content/);
    await context.close();
  });
});
