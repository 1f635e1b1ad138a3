import postgres from 'postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { admin } from './admin';
import { launchBrowser, newContext, screenshot, signIn } from './browser';

// The contacts database as a user meets it: a Windows-1251 CSV of 1,000 rows (";" separated,
// Cyrillic names, a custom field, 20 bad rows, 10 numbers twice) imported through the mapping
// step, three of the group's members opted out from the table, then a send to the group that
// skips them and charges only for the others.

const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
const USER = { email: 'contacts@e2e.test', password: 'contacts e2e password' };
const ACCOUNT = 'ContactsCo';
const GROUP = 'Импорт e2e';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  await admin('account:create', '--name', ACCOUNT, '--points', '500');
  await admin('user:create', '--account', ACCOUNT, '--email', USER.email, '--password', USER.password, '--role', 'owner');
  await admin('sender:add', '--account', ACCOUNT, '--name', 'ContactsCo');
});
afterAll(async () => {
  await browser?.close();
  await sql.end();
});

/** Windows-1251 bytes of Cyrillic and ASCII text, as Excel saves a Bulgarian CSV. */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      throw new Error(`not in the test's table: ${ch}`);
    }),
  );
}

const FIRST = ['Иван', 'Мария', 'Георги', 'Елена', 'Петър'];
const LAST = ['Иванов', 'Петрова', 'Георгиев', 'Димитрова'];
const phoneOf = (i: number) => `0888 7${String(i).padStart(5, '0')}`;
const isBad = (i: number) => i % 49 === 5 && i < 980;

/** 1,000 data rows: 990 numbers, 20 of their rows bad (four kinds), and 10 numbers given twice. */
function file(): Buffer {
  const lines = ['Телефон;Име;Фамилия;Град'];
  for (let i = 0; i < 1000; i++) {
    const number = i < 990 ? i : (i - 990) * 11; // rows 990..999 repeat good numbers
    let phone = phoneOf(number);
    let city = ['София', 'Варна', 'Пловдив'][i % 3];
    if (isBad(i)) {
      if (i % 2) phone = `12${i}`;
      else city = 'а'.repeat(501);
    }
    lines.push([phone, FIRST[i % FIRST.length], LAST[i % LAST.length], city].join(';'));
  }
  return cp1251(`${lines.join('\r\n')}\r\n`);
}

const balance = async (page: Page) => Number((await page.getByTestId('balance').innerText()).replace(/[^\d.]/g, ''));

describe('the contacts database', () => {
  it('imports a 1,000-row CSV, lists its bad rows, and a send to the group skips and does not charge 3 opted-out members', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, USER);

    // A custom field, for the file's "Град" column.
    await page.goto('/contacts/fields');
    await page.getByLabel('Name').fill('Град');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByText('The field is added.').waitFor();

    // Upload: the browser sends the file in slices, then the mapping step shows its first rows.
    await page.goto('/contacts/import');
    await page.getByLabel('CSV file').setInputFiles({ name: 'клиенти.csv', mimeType: 'text/csv', buffer: file() });
    await page.getByRole('button', { name: 'Upload and continue' }).click();
    await page.waitForURL(/\/contacts\/import\/[0-9a-f-]{36}$/);
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByLabel('Encoding').inputValue()).toBe('windows-1251');
    expect(await page.getByLabel('Separator').inputValue()).toBe('semicolon');
    expect(await page.getByTestId('import-preview').innerText()).toContain('Иван');
    // The columns are guessed from the header; the mapping is checked, then changed as a user would.
    expect(await page.getByTestId('map-0').inputValue()).toBe('phone');
    expect(await page.getByTestId('map-2').inputValue()).toBe('last_name');
    expect(await page.getByTestId('map-3').inputValue()).toMatch(/^field:/);
    await page.getByTestId('map-1').selectOption('first_name');
    await page.getByTestId('import-group').selectOption('new');
    await page.getByTestId('import-new-group').fill(GROUP);
    await screenshot(page, 'contacts-import-mapping');
    await page.getByTestId('start-import').click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('result-created').innerText()).toBe('970');
    expect(await page.getByTestId('result-duplicates').innerText()).toBe('10');
    expect(await page.getByTestId('result-invalid').innerText()).toBe('20');
    const badRows = page.getByTestId('bad-lines').locator('tbody tr');
    expect(await badRows.count()).toBe(20);
    expect(await badRows.first().innerText()).toMatch(/^7\s+Not a valid phone number\.\s+Телефон\s+125/);
    const download = await page.request.get((await page.getByTestId('download-errors').getAttribute('href'))!);
    expect(download.status()).toBe(200);
    const badCsv = (await download.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(badCsv[0]).toBe('Row,Reason,Column,Value,Line as read');
    expect(badCsv.filter(Boolean).length).toBe(21);
    await screenshot(page, 'contacts-import-done');

    // The group's contacts: three of them opted out from the table.
    await page.getByRole('link', { name: "Show the group's contacts" }).click();
    await page.getByTestId('contacts-table').waitFor();
    const rows = page.getByTestId('contacts-table').locator('tbody tr');
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    expect(await page.getByTestId('selected-count').innerText()).toBe('3 selected');
    const optedOut = await Promise.all([0, 1, 2].map(async (i) => (await rows.nth(i).getAttribute('data-contact'))!));
    await page.getByLabel('Why (optional)').fill('Поискаха да спрем');
    await page.getByRole('button', { name: 'Opt out', exact: true }).click();
    await page.getByText('3 numbers opted out.').waitFor();
    await page.getByTestId('opted-out').nth(2).waitFor();
    expect(await page.getByTestId('opted-out').count()).toBe(3);
    await screenshot(page, 'contacts-opted-out');

    // The send: the check says 3 are skipped; the campaign counts them; the balance moves by the others only.
    await page.goto('/send');
    await page.getByLabel(new RegExp(`^${GROUP}`)).check();
    await page.locator('#message-text').fill('Здравейте!');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('check-result').waitFor();
    expect(await page.getByTestId('check-skipped').innerText()).toBe('3');
    expect(await page.getByTestId('skipped-list').innerText()).toContain('Opted out');
    const sendButton = page.getByRole('button', { name: /^Send to 967 recipients for [\d.]+ points$/ });
    await sendButton.waitFor();
    const price = Number((await sendButton.innerText()).match(/for ([\d.]+) points/)![1]);
    await screenshot(page, 'contacts-send-checked');
    const before = await balance(page);
    await sendButton.click();
    await page.waitForURL(/\/bulk\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('skipped-opted-out').innerText()).toBe('3');
    const campaignId = page.url().split('/').pop()!;
    await page.reload();
    expect(await balance(page)).toBeCloseTo(before - price, 4);

    const [campaign] = await sql<{ points: string; recipients: number; skipped: number }[]>`
      select points::text, recipients, skipped_opted_out as skipped from campaigns where id = ${campaignId}`;
    expect(campaign).toMatchObject({ recipients: 967, skipped: 3 });
    const [{ debit }] = await sql<{ debit: string }[]>`select (-sum(amount))::text as debit from ledger_entries where campaign_id = ${campaignId} and kind = 'debit'`;
    expect(Number(debit)).toBe(Number(campaign.points));
    expect(Number(debit) / 10_000).toBeCloseTo(price, 4);
    const e164 = optedOut.map((n) => n.replace(/\s/g, ''));
    const [{ sent }] = await sql<{ sent: number }[]>`select count(*)::int as sent from messages where campaign_id = ${campaignId} and recipient = any(${e164})`;
    expect(sent).toBe(0);
    await context.close();
  }, 240_000);
});
