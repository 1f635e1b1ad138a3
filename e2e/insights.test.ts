import { describe, expect, it } from 'vitest';
import { browserAndDatabase, layoutAndAxeProblems, newContext, screenshot, signIn } from './browser';

// A user reads how delivery went: /insights for last month and a finished campaign's page, in
// English and Bulgarian, on a phone and a laptop. The figures on the page equal SQL over the
// demo's messages; the charts are there as named images; the pages fit the screen, axe clean.

const opened = browserAndDatabase();
const { sql } = opened;

/** The first and last day of last month in Europe/Sofia (the demo account's zone). */
function lastMonth(): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia' }).format(new Date());
  const [year, month] = today.split('-').map(Number);
  const first = new Date(Date.UTC(year, month - 2, 1));
  const last = new Date(Date.UTC(year, month - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

type Figures = { delivered: number; failed: number; networks: number };

async function figures(where: ReturnType<typeof sql>): Promise<Figures> {
  const [row] = await sql<Figures[]>`
    select count(*) filter (where m.status = 404)::int as delivered,
           count(*) filter (where m.status in (401, 402, 405, 406, 407, 408))::int as failed,
           count(distinct coalesce(m.network, '-')) filter (where m.status not in (409, 412))::int as networks
      from messages m join accounts a on a.id = m.account_id where a.name = 'Demo' and ${where}`;
  return row;
}

const percent = (locale: string, f: Figures) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(f.delivered / (f.delivered + f.failed));

describe('insights in the browser', () => {
  for (const locale of ['en-US', 'bg-BG']) {
    for (const width of [390, 1280]) {
      it(`/insights and a campaign's delivery insight, ${locale} at ${width} px`, async () => {
        const context = await newContext(opened.browser, locale, width);
        const page = await context.newPage();
        await signIn(page);
        const problems: string[] = [];
        const name = `${locale}-${width}`;

        const { from, to } = lastMonth();
        await page.goto('/insights?period=last_month');
        const period = await figures(sql`m.created_at >= ${from}::date::timestamp at time zone 'Europe/Sofia'
          and m.created_at < (${to}::date + 1)::timestamp at time zone 'Europe/Sofia'`);
        expect(period.delivered).toBeGreaterThan(0);
        expect(await page.getByTestId('insight-rate').textContent()).toBe(percent(locale, period));
        // The day, hour and arrival charts, each an image with a name.
        for (const [id, marks] of [['days', 'rect'], ['hours', 'rect'], ['arrival', 'path']] as const) {
          const chart = page.locator(`section[aria-labelledby="${id}-title"] svg[role="img"]`);
          await expect.poll(() => chart.count()).toBe(1);
          expect(await chart.getAttribute('aria-label')).toMatch(/\w/);
          // Bars: one per day or hour and outcome; the arrival curve: one step line.
          expect(await chart.locator(marks).count()).toBeGreaterThanOrEqual(marks === 'rect' ? 20 : 1);
        }
        expect(await page.locator('section[aria-labelledby="networks-title"] tbody tr').count()).toBe(period.networks);
        expect(await page.locator('section[aria-labelledby="errors-title"] tbody tr').count()).toBeGreaterThan(2);
        problems.push(...(await layoutAndAxeProblems(page, `insights-${name}`)));
        await screenshot(page, `insights-${name}`);

        // The finished campaign with the most messages sent.
        const [campaign] = await sql<{ id: string }[]>`
          select c.id from campaigns c join accounts a on a.id = c.account_id
           where a.name = 'Demo' and c.status in ('completed', 'stopped')
           order by (select count(*) from messages m where m.campaign_id = c.id and m.status not in (409, 412)) desc limit 1`;
        await page.goto(`/bulk/${campaign.id}`);
        const own = await figures(sql`m.campaign_id = ${campaign.id}`);
        expect(await page.getByTestId('insight-rate').textContent()).toBe(percent(locale, own));
        const arrival = page.locator('section[aria-labelledby="campaign-arrival-title"] svg[role="img"]');
        expect(await arrival.locator('path').count()).toBe(1);
        expect(await page.locator('section[aria-labelledby="campaign-networks-title"] tbody tr').count()).toBe(own.networks);
        problems.push(...(await layoutAndAxeProblems(page, `campaign-insight-${name}`)));
        await screenshot(page, `campaign-insight-${name}`);

        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }
});
