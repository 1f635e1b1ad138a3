import { describe, expect, it } from 'vitest';
import { browserAndDatabase, newContext, screenshot, signIn } from './browser';

const opened = browserAndDatabase();
const { sql } = opened;

const NAME = 'Weekly short e2e';
const RECIPIENT = 'weekly-e2e@example.com';

describe('report schedules', () => {
  it('creates a weekly schedule, mails its report when due, then pauses and deletes it', { timeout: 120_000 }, async () => {
    const context = await newContext(opened.browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/reports');

    await page.getByLabel('Generated periodically').check();
    await page.locator('#report-frequency').selectOption('weekly');
    await page.locator('input[name=type][value=short]').check();
    await page.locator('#report-name').fill(NAME);
    await page.locator('#report-emails').fill(RECIPIENT);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(/^Scheduled\. The first report will be generated on/).waitFor();

    const schedules = page.locator('section[aria-labelledby=schedules-title]');
    const row = schedules.locator('tr', { hasText: NAME });
    await row.waitFor();
    await row.getByText('Weekly', { exact: true }).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByText('1 address').waitFor();

    const [definition] = await sql<{ id: string; next_run_at: Date; paused: boolean }[]>`
      select d.id, d.next_run_at, d.paused from report_definitions d join accounts a on a.id = d.account_id
       where a.name = 'Demo' and d.name = ${NAME} and d.method = 'periodic'`;
    expect(definition.paused).toBe(false);
    // The next run is 06:00 local on a Monday, in the future.
    expect(definition.next_run_at.getTime()).toBeGreaterThan(Date.now());

    // Move the clock past Monday: the run is due; run the scheduler now rather than at the next minute.
    await sql`update report_definitions set next_run_at = now() - interval '1 minute' where id = ${definition.id}`;
    await sql`select graphile_worker.add_job('reports:schedule', '{}'::json)`;

    const subject = `Report ready: ${NAME}`;
    const deadline = Date.now() + 60_000;
    let mailed = false;
    while (!mailed && Date.now() < deadline) {
      await page.goto('/emails');
      const entry = page.locator('li', { hasText: subject });
      mailed = (await entry.count()) > 0 && (await entry.first().getByText('Not sent: e-mail not configured').count()) > 0;
      if (!mailed) await page.waitForTimeout(1000);
    }
    expect(mailed).toBe(true);
    expect(await page.locator('li', { hasText: subject }).first().textContent()).toContain(RECIPIENT);
    await screenshot(page, 'schedules-mailed');

    const runs = await sql<{ n: number }[]>`select count(*)::int as n from report_runs where definition_id = ${definition.id}`;
    expect(runs[0].n).toBe(1);

    await page.goto('/reports');
    await row.getByRole('button', { name: `Pause ${NAME}` }).click();
    await row.getByRole('button', { name: `Resume ${NAME}` }).waitFor();
    await row.getByText('Paused', { exact: true }).waitFor();
    const [paused] = await sql<{ paused: boolean }[]>`select paused from report_definitions where id = ${definition.id}`;
    expect(paused.paused).toBe(true);

    await row.getByRole('button', { name: `Delete ${NAME}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete schedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    const left = await sql<{ n: number }[]>`
      select (select count(*) from report_definitions where id = ${definition.id})::int
           + (select count(*) from report_runs where definition_id = ${definition.id})::int as n`;
    expect(left[0].n).toBe(0);
    await context.close();
  });
});
