import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadText, launchBrowser, newContext, screenshot, signIn } from './browser';

let browser: Browser;
const CSV_LINK = 'Download CSV (one row per message)';
const PDF_LINK = 'Download PDF summary';
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const balance = async (page: Page) => Number((await page.getByTestId('balance').innerText()).replace(/[^\d.]/g, ''));
const column = (page: Page, index: number) =>
  page.locator('[data-testid="message-table"] tbody tr').evaluateAll((rows, i) => rows.map((row) => row.children[i]?.textContent?.trim() ?? ''), index);

describe('history and bulk campaigns, as a user works with them', () => {
  it('filters history by sender and by recipient and opens a message’s details', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/history');
    await page.locator('#f-sender').selectOption('DemoBank');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/sender=DemoBank/);
    const senders = await column(page, 0);
    expect(senders.length).toBeGreaterThan(0);
    expect(new Set(senders)).toEqual(new Set(['DemoBank']));

    await page.goto('/history');
    await page.locator('#f-recipient').fill('088810');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/recipient=088810/);
    const recipients = await column(page, 1);
    expect(recipients.length).toBeGreaterThan(0);
    expect(recipients.every((r) => r.replace(/\s/g, '').startsWith('+35988810'))).toBe(true);

    await page.getByRole('button', { name: /^Details of the message to/ }).first().click();
    const details = page.getByRole('dialog', { name: 'Message details' });
    await details.locator('dl').waitFor(); // the items come when it opens (GET /history/messages/ID)
    const text = await details.innerText();
    expect(text).toMatch(/Message ID/);
    expect(text).toMatch(/Status\s+\S.* \(\d{3}\)/); // in words and code
    expect(text).toMatch(/Sent by/);
    expect(text).toMatch(/Content/);
    await screenshot(page, 'history-details');
    await context.close();
  });

  it('opens a sending campaign from the list, pauses, resumes and stops it, and sees the refund in the balance', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/bulk');
    await page.getByRole('link', { name: 'Напомняне за плащане' }).click();
    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/);
    await page.getByText('Sending', { exact: true }).first().waitFor();
    const before = await balance(page);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('The campaign is paused.').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('The campaign is sending again.').waitFor();
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('dialog', { name: 'Stop this campaign?' }).getByRole('button', { name: 'Stop campaign' }).click();
    const stopped = await page.getByText(/points were returned to your balance/).innerText();
    const refunded = Number(stopped.match(/([\d.,]+) points/)![1].replace(/,/g, ''));
    expect(refunded).toBeGreaterThan(0);
    await page.reload();
    expect(await balance(page)).toBeCloseTo(before + refunded, 3);
    await screenshot(page, 'campaign-demo-stopped');

    // Both delivery reports download: a CSV with a BOM and one row per message, and a PDF.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: CSV_LINK }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvText = await downloadText(csv);
    expect(csvText.startsWith('\uFEFF')).toBe(true);
    expect(csvText.split('\r\n').filter(Boolean).length).toBe(1 + 3000);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: PDF_LINK }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await downloadText(pdf)).startsWith('%PDF')).toBe(true);
    await context.close();
  });
});
