import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { savedViews } from '@/db/schema';
import { createUser } from '@/lib/accounts';
import { deleteView, listViews, MAX_VIEWS_PER_PAGE, normaliseViewQuery, saveView, viewOwner, type ViewOwner } from '@/lib/views/views';
import { makeAccount } from './fixtures/accounts';

// Saved views: one user's own named filters of History and Contacts, in their own account.

const ACCOUNT = { country: 'BG', timeZone: 'Europe/Sofia' };
let owner: ViewOwner;
let colleague: ViewOwner;
let other: ViewOwner;

const names = async (who: ViewOwner, page: 'history' | 'contacts') => (await listViews(who, page)).map((v) => v.name);
const rowsOf = async (who: ViewOwner) => db.select().from(savedViews).where(eq(savedViews.userId, who.userId)).orderBy(savedViews.id);

beforeAll(async () => {
  const a = await makeAccount('Views A', 0);
  const b = await makeAccount('Views B', 0);
  const member = await createUser({ accountId: a.account.id, email: 'views-member@example.com', password: 'views password 2026', role: 'member' });
  owner = viewOwner({ id: a.user.id, account: { id: a.account.id, ...ACCOUNT } });
  colleague = viewOwner({ id: member.id, account: { id: a.account.id, ...ACCOUNT } });
  other = viewOwner({ id: b.user.id, account: { id: b.account.id, ...ACCOUNT } });
});

describe('saved views', () => {
  it("are the user's own: another user of the account, or of another account, neither lists nor deletes them", async () => {
    const saved = await saveView(owner, { page: 'history', name: 'Morning', query: 'status=404&source=api' });
    expect(saved).toMatchObject({ name: 'Morning', query: 'status=404&source=api', replaced: false });
    await saveView(colleague, { page: 'history', name: 'Morning', query: 'source=portal' });
    expect(await listViews(owner, 'history')).toEqual([expect.objectContaining({ id: saved.id, name: 'Morning', query: 'status=404&source=api' })]);
    expect((await listViews(colleague, 'history')).map((v) => v.query)).toEqual(['source=portal']);
    expect(await listViews(other, 'history')).toEqual([]);
    // A page's views are that page's: History's are not in the Contacts menu.
    expect(await listViews(owner, 'contacts')).toEqual([]);
    // The same user id under another account (a forged owner) finds nothing either.
    expect(await listViews({ ...owner, account: other.account }, 'history')).toEqual([]);

    expect(await deleteView(colleague, saved.id)).toBe(false);
    expect(await deleteView(other, saved.id)).toBe(false);
    expect(await deleteView({ ...owner, account: other.account }, saved.id)).toBe(false);
    expect(await names(owner, 'history')).toEqual(['Morning']);
    expect(await deleteView(owner, saved.id)).toBe(true);
    expect(await deleteView(owner, saved.id)).toBe(false);
    expect(await names(owner, 'history')).toEqual([]);
    expect(await names(colleague, 'history')).toEqual(['Morning']);
  });

  it('replace a view of the same name (case aside) and say so; other names and pages are left alone', async () => {
    const first = await saveView(owner, { page: 'history', name: 'Failures', query: 'status=405' });
    await saveView(owner, { page: 'history', name: 'API', query: 'source=api' });
    await saveView(owner, { page: 'contacts', name: 'Failures', query: 'optedOut=yes' });
    const again = await saveView(owner, { page: 'history', name: '  failures ', query: 'status=405,406&sender=ViewsA' });
    expect(again).toMatchObject({ id: first.id, name: 'failures', query: 'sender=ViewsA&status=405%2C406', replaced: true });
    expect((await listViews(owner, 'history')).map((v) => [v.name, v.query])).toEqual([
      ['API', 'source=api'],
      ['failures', 'sender=ViewsA&status=405%2C406'],
    ]);
    expect((await listViews(owner, 'contacts')).map((v) => [v.name, v.query])).toEqual([['Failures', 'optedOut=yes']]);
  });

  it('keep only the valid filters, as the page writes them, without the paging cursor', async () => {
    // An unknown sender, a bad status and the cursor go; the recipient and the source stay.
    expect(await normaliseViewQuery('history', '?sender=NotOurs&recipient=0888&status=999&source=api&cursor=abc&dir=newer', owner.account)).toBe(
      'recipient=0888&source=api',
    );
    // A range whose ends are the wrong way round loses the end the page refuses; the other is valid alone.
    const range = new URLSearchParams(await normaliseViewQuery('history', 'from=2026-04-05&to=2026-04-01&size=100', owner.account));
    expect(range.get('to')).toBeNull();
    expect(range.get('from')).toBe('2026-04-05');
    expect(range.get('size')).toBe('100');
    expect(await normaliseViewQuery('history', 'campaign=nope&size=7', owner.account)).toBe('');
    expect(await normaliseViewQuery('contacts', 'q=0888&group=not-a-group&optedOut=maybe&size=999&cursor=abc', owner.account)).toBe('q=0888');
    const saved = await saveView(owner, { page: 'history', name: 'Cleaned', query: 'status=404&cursor=abc&sender=NotOurs' });
    expect(saved.query).toBe('status=404');
  });

  it(`are at most ${MAX_VIEWS_PER_PAGE} a page for one user; replacing one at the limit still works`, async () => {
    const user = await createUser({ accountId: owner.account.id, email: 'views-many@example.com', password: 'views password 2026', role: 'viewer' });
    const many = viewOwner({ id: user.id, account: owner.account });
    for (let i = 1; i <= MAX_VIEWS_PER_PAGE; i++) await saveView(many, { page: 'contacts', name: `View ${i}`, query: '' });
    await expect(saveView(many, { page: 'contacts', name: 'One more', query: '' })).rejects.toMatchObject({ code: 'too_many_views', field: 'name' });
    expect(await saveView(many, { page: 'contacts', name: 'view 7', query: 'optedOut=no' })).toMatchObject({ replaced: true, query: 'optedOut=no' });
    // The limit is a page's: History still has room.
    expect(await saveView(many, { page: 'history', name: 'One more', query: '' })).toMatchObject({ replaced: false });
    expect((await listViews(many, 'contacts')).length).toBe(MAX_VIEWS_PER_PAGE);
  });

  it('refuse bad input with a clear error and change nothing', async () => {
    const before = await rowsOf(owner);
    const cases: [unknown, string, string][] = [
      [{ page: 'history', name: '', query: '' }, 'text_required', 'name'],
      [{ page: 'history', name: '   ', query: '' }, 'text_required', 'name'],
      [{ page: 'history', name: 'x'.repeat(61), query: '' }, 'text_too_long', 'name'],
      [{ page: 'history', name: 'Tab\there', query: '' }, 'text_control', 'name'],
      [{ page: 'history', name: 'Long', query: 'q='.padEnd(2001, 'x') }, 'text_too_long', 'query'],
      [{ page: 'bulk', name: 'Other page', query: '' }, 'invalid_value', 'page'],
      [{ page: 'history', name: 'Extra', query: '', userId: 1 }, 'invalid_value', ''],
      [{ page: 'history', name: 42, query: '' }, 'text_required', 'name'],
    ];
    for (const [input, code, field] of cases) {
      await expect(saveView(owner, input), JSON.stringify(input)).rejects.toMatchObject({ code, ...(field ? { field } : {}) });
    }
    expect(await deleteView(owner, 'not-a-uuid')).toBe(false);
    expect(await deleteView(owner, randomUUID())).toBe(false);
    expect(await rowsOf(owner)).toEqual(before);
  });
});
