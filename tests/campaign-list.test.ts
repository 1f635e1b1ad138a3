import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { CAMPAIGN_PAGE_SIZE, listCampaigns } from '@/lib/campaigns/list';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

async function campaignsFor(name: string, count: number) {
  const { account } = await makeAccount(name, 1000);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { campaignId } = await submitSend(
      await planSend({
        accountId: account.id,
        userId: null,
        source: i % 2 ? 'api' : 'portal',
        sender: name,
        content: `Campaign ${i}`,
        recipients: [`+35988${1_000_000 + i * 10}`, `+35988${1_000_001 + i * 10}`],
        campaign: { name: `C${i}` },
      }),
    );
    ids.push(campaignId!);
  }
  return { account, ids };
}

describe('the bulk campaign list', () => {
  it('pages newest first without gaps or repeats, forward and back, even when new campaigns arrive', async () => {
    const { account, ids } = await campaignsFor('ListA', CAMPAIGN_PAGE_SIZE + 5);
    const first = await listCampaigns(account.id);
    expect(first.items.map((c) => c.name)).toEqual(ids.slice(-CAMPAIGN_PAGE_SIZE).reverse().map((_, i) => `C${CAMPAIGN_PAGE_SIZE + 4 - i}`));
    expect(first.newer).toBeNull();
    expect(first.older).not.toBeNull();
    // A new campaign arriving between page loads does not shift the next page.
    await campaignsFor('ListA2', 1);
    const second = await listCampaigns(account.id, { before: first.older });
    expect(second.items.map((c) => c.name)).toEqual(['C4', 'C3', 'C2', 'C1', 'C0']);
    expect(second.older).toBeNull();
    const back = await listCampaigns(account.id, { after: second.newer });
    expect(back.items.map((c) => c.id)).toEqual(first.items.map((c) => c.id));
  });

  it('shows progress from the counters and only the account’s own campaigns', async () => {
    const { account, ids } = await campaignsFor('ListB', 2);
    const other = await makeAccount('ListC');
    expect((await listCampaigns(other.account.id)).items).toEqual([]);
    await db.execute(sql`update messages set status = 404 where campaign_id = ${ids[0]}`);
    const page = await listCampaigns(account.id);
    expect(page.items.find((c) => c.id === ids[0])?.counts).toEqual({ 404: 2 });
    expect(page.items.find((c) => c.id === ids[1])?.counts).toEqual({ 409: 2 });
    expect(page.items.map((c) => c.source)).toEqual(['api', 'portal']);
  });

  it('ignores a cursor that is not one', async () => {
    const { account } = await campaignsFor('ListD', 1);
    expect((await listCampaigns(account.id, { before: 'garbage!' })).items).toHaveLength(1);
  });
});
