import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
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
