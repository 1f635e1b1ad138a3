import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from './admin';
import { baseUrl, launchBrowser, layoutAndAxeProblems, newContext, screenshot, signIn } from './browser';

// Every page as a new user sees it, on a phone (390 px) and a laptop (1,280 px), in English and
// Bulgarian: nothing wider than the screen, dialogs and popovers inside it, axe-core (WCAG 2.2
// AA) finds nothing. Screenshots of each go to test-results/ for a person to look at.

const WIDTHS = [390, 1280] as const;
const LANGUAGES = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'bg', locale: 'bg-BG' },
] as const;

// Long unbroken names, as users type them: they must wrap, not widen the page.
const LONG = 'Promo2026_SpringSaleForAllClientsInSofiaPlovdivVarnaBurgas';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  // Something to revoke on Settings (the walk opens its dialog and cancels), with a long name.
  const { token } = await admin('token:create', '--email', 'demo@example.com', '--name', LONG);
  const created = await fetch(`${baseUrl()}/api/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'DemoShop', message: 'Walk-through', to: ['+359888900001', '+359888900002'], name: LONG, rate: 1 }),
  });
  expect(created.status).toBe(201);
  // A schedule and a one-off report with long names, made through the form.
  const ctx = await newContext(browser, 'en-US', 1280);
  const page = await ctx.newPage();
  await signIn(page);
  await page.goto('/reports');
  await page.locator('#report-name').fill(`${LONG} once`);
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByText('The report is being generated').waitFor();
  await page.getByLabel('Generated periodically').check();
  await page.locator('#report-name').fill(`${LONG} weekly`);
  await page.getByRole('button', { name: 'Generate' }).click();
  await page.getByText('Scheduled.').waitFor();
  await ctx.close();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

type Problem = string;

/** The page is no wider than the viewport, axe finds nothing; a full-page screenshot is kept. */
async function checkPage(page: Page, name: string, problems: Problem[]): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  problems.push(...(await layoutAndAxeProblems(page, name)));
  await screenshot(page, `ui-${name}`);
}

/** The element lies wholly inside the viewport. */
async function checkInside(page: Page, element: Locator, name: string, problems: Problem[]): Promise<void> {
  await element.waitFor({ state: 'visible' });
  const box = await element.boundingBox();
  const viewport = page.viewportSize()!;
  if (!box) return void problems.push(`${name}: not rendered`);
  if (box.x < 0 || box.y < 0 || box.x + box.width > viewport.width + 0.5 || box.y + box.height > viewport.height + 0.5) {
    problems.push(`${name}: ${JSON.stringify(box)} is not inside ${viewport.width}×${viewport.height}`);
  }
}

async function campaignIds(page: Page): Promise<{ sending: string; paused: string; stopped: string }> {
  await page.goto('/bulk');
  const rows = page.locator('a[href^="/bulk/"]');
  const hrefs = await rows.evaluateAll((links) =>
    links.map((a) => ({
      href: a.getAttribute('href')!,
      row: a.closest('tr')?.textContent ?? '',
    })),
  );
  const find = (pattern: RegExp) => hrefs.find((link) => pattern.test(link.row))!.href;
  return {
    sending: find(/Напомняне за плащане/),
    // The demo's sending campaign may have finished by the end of a walk: the paused one can always be stopped.
    paused: find(/Black Friday/),
    stopped: find(/Wrong price list/),
  };
}

describe.each(LANGUAGES)('every page in $lang', ({ lang, locale }) => {
  it.each(WIDTHS)('at %i px fits the screen, keeps dialogs inside it and passes axe', async (width) => {
    const ctx = await newContext(browser, locale, width);
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    const problems: Problem[] = [];
    const tag = (name: string) => `${lang}-${width}-${name}`;

    await page.goto('/sign-in');
    await checkPage(page, tag('sign-in'), problems);
    await signIn(page);
    const ids = await campaignIds(page);

    for (const [name, path] of [
      ['send', '/send'],
      ['history', '/history'],
      ['bulk', '/bulk'],
      ['campaign-sending', ids.sending],
      ['campaign-stopped', ids.stopped],
      ['reports', '/reports'],
      ['points', '/points'],
      ['points-by-country', '/points?by=country&period=last_month'],
      ['insights', '/insights?period=last_month'],
      ['audit', '/audit'],
      ['emails', '/emails'],
      ['contacts', '/contacts'],
      ['contact-new', '/contacts/new'],
      ['contact-groups', '/contacts/groups'],
      ['contact-fields', '/contacts/fields'],
      ['contact-opt-outs', '/contacts/opt-outs'],
      ['contact-import', '/contacts/import'],
      ['settings', '/settings'],
      ['team', '/settings/team'],
      ['api-docs', '/api-docs'],
      ['sign-out', '/sign-out'],
      ['not-found', '/no-such-page'],
      ['campaign-not-found', '/bulk/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      await page.goto(path);
      await checkPage(page, tag(name), problems);
    }

    // A step that fails is one more problem; the walk goes on, so one run lists them all.
    const step = async (name: string, run: () => Promise<void>) => {
      await run().catch((error: Error) => problems.push(`${tag(name)}: ${error.message.split('\n')[0]}`));
    };

    // The menu on a phone opens inside the screen.
    if (width < 600) {
      await step('menu', async () => {
        await page.goto('/history');
        await page.locator('button[aria-controls="main-nav-list"]').click();
        await checkInside(page, page.locator('#main-nav-list'), tag('menu'), problems);
      });
    }

    // A message's details: a popover inside the viewport, closed by its own button.
    await step('history-details', async () => {
      await page.goto('/history');
      await page.locator('[data-testid="message-table"] tbody tr').first().locator('td > button[popovertarget]').click();
      const details = page.locator('[popover]:popover-open');
      await details.locator('dl').waitFor(); // drawn as it opens
      await checkInside(page, details, tag('history-details'), problems);
      await checkPage(page, tag('history-details'), problems);
      await details.locator('header button').click();
      await details.waitFor({ state: 'hidden' });
    });

    // Stopping a campaign asks first; Cancel is where a tap lands.
    await step('stop-dialog', async () => {
      await page.goto(ids.paused);
      await page.locator('[data-testid="stop-campaign"]').click();
      const stop = page.getByRole('dialog');
      await checkInside(page, stop, tag('stop-dialog'), problems);
      await checkPage(page, tag('stop-dialog'), problems);
      await stop.getByRole('button').first().click();
      await stop.waitFor({ state: 'hidden' });
    });

    // Deleting a schedule or a report asks first.
    for (const [name, trigger] of [
      ['schedule-dialog', '[data-schedule] button[aria-label^="Delete"], [data-schedule] button[aria-label^="Изтрий"]'],
      ['run-dialog', '[data-testid="delete-run"]'],
    ] as const) {
      await step(name, async () => {
        await page.goto('/reports');
        await page.locator(trigger).first().click();
        const dialog = page.getByRole('dialog');
        await checkInside(page, dialog, tag(name), problems);
        await dialog.getByRole('button').first().click();
        await dialog.waitFor({ state: 'hidden' });
      });
    }

    // Revoking a token asks first too.
    await step('revoke-dialog', async () => {
      await page.goto('/settings');
      await page.locator('[data-testid="revoke-token"]').first().click();
      const revoke = page.getByRole('dialog');
      await checkInside(page, revoke, tag('revoke-dialog'), problems);
      await revoke.getByRole('button').first().click();
      await revoke.waitFor({ state: 'hidden' });
    });

    await ctx.close();
    expect(problems).toEqual([]);
  }, 300_000);
});

/** The values the history form shows, by field name. */
async function formValues(page: Page): Promise<Record<string, string>> {
  return page.locator('form[role="search"]').evaluate((form) => {
    const out: Record<string, string> = {};
    for (const el of Array.from((form as HTMLFormElement).elements) as HTMLInputElement[]) if (el.name) out[el.name] = el.value;
    return out;
  });
}

describe('the history form', () => {
  it('always shows what the URL lists: after Show, Clear filters, the menu link and Back', async () => {
    const ctx = await newContext(browser, 'en-US', 1280);
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto('/history?source=api&status=404');
    expect(await formValues(page)).toMatchObject({ source: 'api', status: '404', sender: '', recipient: '' });

    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => formValues(page), { timeout: 10_000 }).toMatchObject({ source: '', status: '', sender: '' });

    await page.locator('#f-source').selectOption('portal');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/source=portal/);
    expect(new URL(page.url()).searchParams.get('status')).toBeNull();
    await expect.poll(() => formValues(page), { timeout: 10_000 }).toMatchObject({ source: 'portal', status: '' });

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'SMS history' }).click();
    await page.waitForURL((url) => url.pathname === '/history' && url.search === '');
    await expect.poll(() => formValues(page), { timeout: 10_000 }).toMatchObject({ source: '', status: '' });

    await page.goBack();
    await page.waitForURL(/source=portal/);
    // The URL changes first; the page it lists follows a moment later.
    await expect.poll(() => formValues(page), { timeout: 10_000 }).toMatchObject({ source: 'portal', status: '' });
    // "Show" now sends what the form shows, nothing older.
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForLoadState('networkidle');
    expect([...new URL(page.url()).searchParams.keys()].sort()).toEqual(['size', 'source']);
    await ctx.close();
  });

  it('shows every error at once, each beside its field, naming the bad value', async () => {
    const ctx = await newContext(browser, 'en-US', 390);
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto('/history?recipient=abc&source=sms&from=2026-02-02&to=2026-02-01');
    expect(await page.locator('#f-recipient-error').innerText()).toContain('“abc”');
    expect(await page.locator('#f-source-error').innerText()).toContain('“sms”');
    expect(await page.locator('#f-to-error').innerText()).toMatch(/before the start date/);
    expect(await page.locator('#f-recipient').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-recipient').getAttribute('aria-describedby')).toContain('f-recipient-error');
    expect(await page.getByRole('alert').locator('li').count()).toBe(3);
    await screenshot(page, 'ui-history-errors-390');
    await ctx.close();
  });

  it('has one Tab stop per message row', async () => {
    const ctx = await newContext(browser, 'en-US', 1280);
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto('/history');
    const perRow = await page.locator('[data-testid="message-table"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll<HTMLElement>('a, button, input, select, textarea, [tabindex]')).filter((el) => el.tabIndex >= 0 && el.checkVisibility()).length),
    );
    expect(perRow.length).toBeGreaterThan(0);
    expect(new Set(perRow)).toEqual(new Set([1]));
    // For the record (the speed work measures it): the page's HTML, 50 rows with their details.
    const html = await page.evaluate(async () => (await (await fetch('/history')).text()).length);
    console.log(`history page HTML: ${perRow.length} rows, ${Math.round(html / 1024)} KiB`);
    await ctx.close();
  });
});
