import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { findAccountByName } from '@/lib/accounts';
import { attemptSignIn } from '@/lib/auth/sign-in';
import { ledgerTotals } from '@/lib/ledger';
import { countParts } from '@/lib/messaging';
import { DEMO_PASSWORD, seedDemo } from './demo';

describe('demo data', () => {
  it('creates both accounts once, with every status, source and campaign state, and a consistent ledger', async () => {
    expect(await seedDemo()).toEqual(['Demo', 'Other']);
    expect(await seedDemo()).toEqual([]);

    const demo = (await findAccountByName('Demo'))!;
    expect((await attemptSignIn({ email: 'demo@example.com', password: DEMO_PASSWORD, ip: '10.1.1.1' })).ok).toBe(true);
    expect((await attemptSignIn({ email: 'other@example.com', password: DEMO_PASSWORD, ip: '10.1.1.1' })).ok).toBe(true);

    const totals = await ledgerTotals(demo.id);
    expect(totals.balance).toBe(totals.ledgerSum);
    expect(totals.balance).toBeGreaterThan(0);

    const stats = await db.execute<{ n: number; statuses: number[]; sources: string[]; idx: number; cyrillic: number; oldest_days: number }>(sql`
      select count(*)::int as n,
             array_agg(distinct status order by status) as statuses,
             array_agg(distinct source::text) as sources,
             count(idx)::int as idx,
             count(*) filter (where content ~ '[А-я]')::int as cyrillic,
             extract(day from now() - min(created_at))::int as oldest_days
      from messages where account_id = ${demo.id}`);
    const row = stats[0];
    expect(row.n).toBeGreaterThan(45_000);
    expect(row.statuses).toEqual([401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412]);
    expect(row.sources.sort()).toEqual(['api', 'portal']);
    expect(row.idx).toBeGreaterThan(1000);
    expect(row.cyrillic).toBeGreaterThan(1000);
    expect(row.oldest_days).toBeGreaterThanOrEqual(390);

    const states = await db.execute<{ status: string }>(sql`select distinct status::text from campaigns where account_id = ${demo.id} order by 1`);
    expect(states.map((s) => s.status)).toEqual(['completed', 'paused', 'scheduled', 'sending', 'stopped']);

    // Stored parts agree with the parts counter for every distinct content.
    const contents = await db.execute<{ content: string; encoding: string; parts: number }>(sql`
      select distinct content, encoding::text, parts from messages where account_id = ${demo.id} limit 500`);
    for (const m of contents) expect({ encoding: m.encoding, parts: m.parts }).toEqual({ encoding: countParts(m.content).encoding, parts: countParts(m.content).parts });

    const links = await db.execute<{ links: number; clicks: number; foreign: number }>(sql`
      select (select count(*)::int from short_links where account_id = ${demo.id}) as links,
             (select count(*)::int from short_link_clicks c join short_links l on l.id = c.short_link_id where l.account_id = ${demo.id}) as clicks,
             (select count(*)::int from short_links l join messages m on m.id = l.message_id where m.account_id <> l.account_id) as foreign`);
    expect(links[0].links).toBeGreaterThan(1000);
    expect(links[0].clicks).toBeGreaterThan(1000);
    expect(links[0].foreign).toBe(0);

    const contacts = await db.execute<{ n: number; groups: number }>(sql`
      select count(*)::int as n, (select count(*)::int from contact_groups where account_id = ${demo.id}) as groups
      from contacts where account_id = ${demo.id}`);
    expect(contacts[0]).toEqual({ n: 200, groups: 4 });
  }, 180_000); // loads the whole demo data set (46,000 messages): slow on a busy machine
});
