import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, newContext, screenshot, signIn } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const OPERATIONS = ['sendSms', 'getStatuses', 'createCampaign', 'getCampaign', 'controlCampaign'];

describe('the API docs page', () => {
  it('renders every operation of /api/openapi.json with its parameters, a curl example and its answers, in English', async () => {
    const described = await (await fetch(`${baseUrl()}/api/openapi.json`)).json();
    const context = await newContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/api-docs');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('REST API');
    for (const id of OPERATIONS) {
      const section = page.locator(`section#${id}`);
      await expect(section.count()).resolves.toBe(1);
      await expect(section.locator('pre code').innerText()).resolves.toMatch(/^curl -s/);
      // Every answer the document lists is in the section's table.
      const [path, method] = Object.entries(described.paths as Record<string, Record<string, { operationId: string; responses: object }>>)
        .flatMap(([p, item]) => Object.entries(item).map(([m, o]) => [p, m, o] as const))
        .filter(([, , o]) => o.operationId === id)[0];
      const statuses = Object.keys(described.paths[path][method].responses);
      const shown = await section.locator('table').last().locator('tbody tr td:first-child').allInnerTexts();
      expect(shown).toEqual(statuses);
    }
    const send = page.locator('section#sendSms');
    expect(await send.locator('tbody').first().innerText()).toContain('max_parts');
    expect(await send.locator('pre code').innerText()).toContain("--data-urlencode 'message=Здравейте!'");
    expect(await page.getByRole('link', { name: '/api/openapi.json' }).getAttribute('href')).toBe('/api/openapi.json');
    await screenshot(page, 'api-docs-en');
    await context.close();
  });

  it('speaks Bulgarian, and is for signed-in users only', async () => {
    const visitor = await fetch(`${baseUrl()}/api-docs`, { redirect: 'manual' });
    expect([302, 303, 307]).toContain(visitor.status);
    const context = await newContext(browser, 'bg-BG');
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/api-docs');
    await page.getByRole('heading', { name: 'Операции' }).waitFor();
    expect(await page.locator('section#sendSms h2').innerText()).toContain('Изпращане на съобщение');
    expect(await page.getByRole('heading', { name: 'Грешки' }).count()).toBe(1);
    await screenshot(page, 'api-docs-bg');
    await context.close();
  });
});
