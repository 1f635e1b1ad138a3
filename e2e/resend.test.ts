import { describe, expect, it } from 'vitest';
import { browserAndDatabase, layoutAndAxeProblems, newContext, screenshot, signIn } from './browser';

// A user sends a stopped campaign again to those it did not reach: the check shows who and what
// it costs (equal to SQL), one click makes the linked follow-up and opens its page, and both
// campaigns link to each other. English on a phone, Bulgarian on a laptop; width and axe clean.

const opened = browserAndDatabase();
const { sql } = opened;

/** A stopped campaign of the demo account whose messages ended in a mix of outcomes. */
async function stoppedCampaign(tag: string): Promise<string> {
  const [{ account_id, sender }] = await sql<{ account_id: number; sender: string }[]>`
    select a.id as account_id, s.name as sender from accounts a join sender_names s on s.account_id = a.id where a.name = 'Demo' order by s.id limit 1`;
  const [{ id }] = await sql<{ id: string }[]>`
    insert into campaigns (account_id, name, sender_name, content, encoding, parts, status, recipients, points, started_at, finished_at)
    values (${account_id}, ${`Resend ${tag}`}, ${sender}, 'Spring sale today', 'gsm7', 1, 'stopped', 8, 8 * 650, now() - interval '1 hour', now())
    returning id`;
  // delivered x2, absent (temporary) x2, expired, unknown, not in service (permanent), rejected by sender filter
  const fates: [number, number | null][] = [[404, null], [404, null], [405, 1], [405, 1], [402, 10], [408, null], [405, 2], [407, 9]];
  for (const [i, [status, code]] of fates.entries()) {
    await sql`
      insert into messages (account_id, campaign_id, sender_name, recipient, country, content, encoding, parts, points, status, source, error_code, sent_at, done_at)
      values (${account_id}, ${id}, ${sender}, ${`+35988710${tag}${String(i).padStart(2, '0')}`}, 'BG', 'Spring sale today', 'gsm7', 1, 650, ${status}, 'portal', ${code},
              now() - interval '50 minutes', now() - interval '40 minutes')`;
  }
  return id;
}

describe('resend to the undelivered in the browser', () => {
  for (const [locale, width, tag] of [['en-US', 390, '11'], ['bg-BG', 1280, '22']] as const) {
    it(`checks, creates the follow-up and links both campaigns, ${locale} at ${width} px`, async () => {
      const origin = await stoppedCampaign(tag);
      const context = await newContext(opened.browser, locale, width);
      const page = await context.newPage();
      await signIn(page);
      const problems: string[] = [];

      await page.goto(`/bulk/${origin}`);
      await page.getByTestId('resend-check').click();
      await page.getByTestId('resend-preview').waitFor();
      // Temporary failures (absent x2, expired, unknown), less opted-out and suppressed numbers: as SQL selects them.
      const [expected] = await sql<{ n: number; delivered: number; permanent: number }[]>`
        select count(*) filter (where (m.error_code in (1, 4, 5, 6, 10) or (m.error_code is null and m.status in (402, 405, 408)))
                                  and not exists (select 1 from opt_outs o where o.account_id = m.account_id and o.phone = m.recipient)
                                  and not exists (select 1 from number_failures f where f.account_id = m.account_id and f.phone = m.recipient and f.suppressed_at is not null))::int as n,
               count(*) filter (where m.status = 404)::int as delivered,
               count(*) filter (where m.status in (405, 407) and m.error_code in (2, 9))::int as permanent
          from messages m where m.campaign_id = ${origin}`;
      expect(expected.n).toBe(4);
      const number = (n: number) => new Intl.NumberFormat(locale).format(n);
      expect(await page.getByTestId('resend-resendable').textContent()).toBe(number(expected.n));
      expect(await page.getByTestId('resend-delivered').textContent()).toBe(number(expected.delivered));
      expect(await page.getByTestId('resend-permanent').textContent()).toBe(number(expected.permanent));
      expect(await page.getByTestId('resend-cost').textContent()).toMatch(new RegExp(number(expected.n)));
      problems.push(...(await layoutAndAxeProblems(page, `resend-check-${locale}`)));
      await screenshot(page, `resend-check-${locale}-${width}`);

      const [{ before }] = await sql<{ before: string }[]>`select balance::text as before from accounts where name = 'Demo'`;
      await page.getByTestId('resend-send').click();
      await page.waitForURL((url) => url.pathname.startsWith('/bulk/') && !url.pathname.endsWith(origin));
      const followUp = page.url().split('/bulk/')[1].split(/[?#]/)[0];
      const [row] = await sql<{ follows: string; recipients: number; points: string }[]>`
        select follows_campaign_id as follows, recipients, points::text from campaigns where id = ${followUp}`;
      expect(row).toMatchObject({ follows: origin, recipients: expected.n });
      // Charged once, the follow-up's price.
      const debits = await sql`select amount from ledger_entries where campaign_id = ${followUp} and kind = 'debit'`;
      expect(debits.map((d) => -Number(d.amount))).toEqual([Number(row.points)]);
      const [{ after }] = await sql<{ after: string }[]>`select balance::text as after from accounts where name = 'Demo'`;
      expect(Number(before) - Number(after)).toBeGreaterThanOrEqual(Number(row.points));
      await expect.poll(() => page.getByTestId('origin-link').getAttribute('href')).toBe(`/bulk/${origin}`);
      problems.push(...(await layoutAndAxeProblems(page, `follow-up-${locale}`)));
      await screenshot(page, `follow-up-${locale}-${width}`);

      await page.goto(`/bulk/${origin}`);
      expect(await page.getByTestId('follow-up-link').getAttribute('href')).toBe(`/bulk/${followUp}`);
      // The resend panel gives way to the link: no second follow-up can be started here.
      expect(await page.getByTestId('resend-check').count()).toBe(0);

      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
