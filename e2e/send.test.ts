import postgres from 'postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './browser';

const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sql.end();
});

const balance = async (page: import('playwright-core').Page) =>
  Number((await page.getByTestId('balance').innerText()).replace(/[^\d.]/g, ''));

describe('sending from the portal', () => {
  it('checks and sends a bulk campaign, then pauses, resumes and stops it with a refund', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/send');
    const numbers = Array.from({ length: 400 }, (_, i) => `0877${String(500000 + i)}`).join('\n');
    await page.locator('#recipients-typed').fill(`${numbers}\n12345\n0877500000`);
    await page.locator('#message-text').fill('Здравейте! Промоция -20% само днес.');
    expect(await page.locator('#content-counter').innerText()).toMatch(/35 characters/);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const sendButton = page.getByRole('button', { name: /^Send to 400 recipients for 26 points$/ });
    await sendButton.waitFor();
    await screenshot(page, 'send-checked');
    const before = await balance(page);
    await sendButton.click();
    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/);

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('The campaign is paused.').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('The campaign is sending again.').waitFor();
    await page.getByRole('button', { name: 'Stop…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop this campaign?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/points come back to your balance|no points come back/);
    await dialog.getByRole('button', { name: 'Stop campaign' }).click();
    await page.getByText(/The campaign is stopped\. [\d.]+ points were returned to your balance\./).waitFor();
    const refunded = Number((await page.getByText(/points were returned/).innerText()).match(/([\d.]+) points/)![1]);
    await page.reload();
    const after = await balance(page);
    expect(after).toBeCloseTo(before - 26 + refunded, 3);
    await screenshot(page, 'campaign-stopped');
    await context.close();
  });
});

describe('oversized uploads', () => {
  it('a CSV over 10 MB, and one of 10 MB with 800,000 numbers, get clear errors and send nothing', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/send');
    const rows = async () => (await sql<{ n: number }[]>`select (select count(*) from messages) + (select count(*) from campaigns) + (select count(*) from ledger_entries) as n`)[0].n;
    const before = { rows: await rows(), balance: await balance(page) };
    const file = page.getByLabel('Or upload a CSV file');

    const tooLarge = Buffer.alloc(10 * 1024 * 1024 + 1, '0888123456\n');
    await file.setInputFiles({ name: 'huge.csv', mimeType: 'text/csv', buffer: tooLarge });
    await page.getByText('The file is larger than 10 MB. Split it into smaller files.').waitFor();

    // 800,000 lines of 13 bytes: just under 10 MB, four times the numbers one send takes.
    const numbers = Array.from({ length: 800_000 }, (_, i) => `0877${String(1_000_000 + i).slice(1)}`).join('\n');
    expect(Buffer.byteLength(numbers)).toBeLessThan(10 * 1024 * 1024);
    await file.setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(numbers) });
    await page.getByText('The file has more than 200,000 numbers, the most one send can take.').waitFor({ timeout: 30_000 });

    await page.reload();
    expect(await balance(page)).toBe(before.balance);
    expect(await rows()).toBe(before.rows);
    await context.close();
  });
});
