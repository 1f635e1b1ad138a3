import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { claimQuery } from '@/lib/campaigns/dispatch';
import { campaignCsvStream } from '@/lib/campaigns/delivery-report/csv';
import { copyCsv } from '@/lib/files/csv';
import { parseCsv } from '@/lib/files/csv-testing';
import { defaultFilters } from '@/lib/history/filters';
import { getMessage, listMessages } from '@/lib/history/query';
import { planSend, submitSend } from '@/lib/messaging/send';
import { detailedQuery } from '@/lib/reports/queries';
import { makeAccount } from './fixtures/accounts';

// A campaign's text is stored once, on the campaign, not once per recipient (fewer bytes per
// message); every reader of a message's text finds it there: the history and its details, the
// campaign CSV, the detailed report, and dispatch, which hands the text to the gateway.

const TEXT = 'Пролетна разпродажба: -30% на всичко до неделя. Отказ: STOP на 1234';

describe('a campaign’s text', () => {
  it('is stored on the campaign alone, and read from it wherever a message’s text is shown or sent', async () => {
    const { account } = await makeAccount('TextOnce', 1000);
    const recipients = ['+359888500001', '+359888500002', '+359888500003'];
    const { campaignId } = await submitSend(
      await planSend({ accountId: account.id, userId: null, source: 'portal', sender: 'TextOnce', content: TEXT, recipients, campaign: { rate: 1000 } }),
    );
    const single = await submitSend(await planSend({ accountId: account.id, userId: null, source: 'api', sender: 'TextOnce', content: 'Единично', recipients: ['+359888500009'] }));

    const stored = await db.execute<{ campaign: boolean; content: string | null }>(sql`
      select campaign_id is not null as campaign, content from messages where account_id = ${account.id} order by id`);
    expect(stored).toEqual([...recipients.map(() => ({ campaign: true, content: null })), { campaign: false, content: 'Единично' }]);

    const page = await listMessages(account.id, defaultFilters());
    expect(page.rows.map((r) => r.content)).toEqual(['Единично', TEXT, TEXT, TEXT]);
    expect((await getMessage(account.id, page.rows[1].id))?.content).toBe(TEXT);

    const csv = await new Response(campaignCsvStream({ campaignId: campaignId!, accountId: account.id, timeZone: 'Europe/Sofia', locale: 'en' })).text();
    const { rows } = parseCsv(csv.replace(/^\uFEFF/, ''));
    const column = rows[0].indexOf('Text') >= 0 ? rows[0].indexOf('Text') : rows[0].findIndex((h) => /content|text/i.test(h));
    expect(column).toBeGreaterThanOrEqual(0);
    expect(rows.slice(1).map((row) => row[column])).toEqual([TEXT, TEXT, TEXT]);

    const period = { start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() + 3_600_000), fromDay: '2000-01-01', toDay: '2100-01-01' };
    const report = detailedQuery({
      accountId: account.id,
      type: 'detailed',
      options: { includeBulk: true, includeContent: true, idx: false, contacts: false, shortLinks: false },
      period,
      timeZone: 'UTC',
    });
    const reported = parseCsv((await new Response(copyCsv(report.sql, { settings: { ...report.settings, TimeZone: 'UTC' } })).text()).replace(/^\uFEFF/, '')).rows;
    const textColumn = reported[0].findIndex((h) => /content|text/i.test(h));
    expect(reported.slice(1).map((row) => row[textColumn])).toEqual([TEXT, TEXT, TEXT, 'Единично']);

    await db.execute(sql`update campaigns set status = 'sending' where id = ${campaignId}`);
    const handed = await db.execute<{ id: string; content: string }>(claimQuery(campaignId!, 10));
    expect(handed.map((r) => r.content)).toEqual([TEXT, TEXT, TEXT]);
    expect(single.messageIds.length).toBe(1);
  });
});
