import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { campaigns, contactGroups, contacts, ledgerEntries, messages } from '@/db/schema';
import { createContact, deleteContacts, getContact, updateContact } from '@/lib/contacts/contacts';
import { exportQuery, contactsCsvResponse } from '@/lib/contacts/export';
import { createContactField, deleteContactField, dropFieldValues, listContactFields, renameContactField } from '@/lib/contacts/fields';
import { defaultContactFilters, parseContactFilters, parseSearch, type ContactFilters } from '@/lib/contacts/filters';
import { addToGroup, createContactGroup, deleteContactGroup, listContactGroups, removeFromGroup, renameContactGroup } from '@/lib/contacts/groups';
import { MAX_CONTACT_FIELDS } from '@/lib/contacts/limits';
import { listContacts } from '@/lib/contacts/list';
import { listOptOuts, optOutNumbers, removeOptOuts } from '@/lib/contacts/opt-outs';
import { parseCsv } from '@/lib/files/csv-testing';
import { planSend, SendError, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

type Account = Awaited<ReturnType<typeof makeAccount>>;
let A: Account;
let B: Account;
const by = (a: Account) => ({ userId: a.user.id, source: 'portal' as const });
const acct = (a: Account) => ({ id: a.account.id, country: 'BG' });
const search = (text: string, more: Partial<ContactFilters> = {}) => defaultContactFilters({ search: parseSearch(text, 'BG') as ContactFilters['search'], ...more });
/** A CSV download's rows, after its BOM. */
async function csvRows(response: Response): Promise<string[][]> {
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parseCsv(text.slice(1)).rows;
}
/** The filters of a page link: no filter but its cursor (as the page decodes it, strictly). */
function paged(cursor: string, dir: 'older' | 'newer' = 'older'): ContactFilters {
  const parsed = parseContactFilters({ cursor, dir }, 'BG');
  if (!parsed.ok) throw new Error('a cursor of ours was refused');
  return parsed.filters;
}
const phones = async (a: Account, filters: ContactFilters) => (await listContacts(a.account.id, filters)).rows.map((r) => r.phone);

beforeAll(async () => {
  A = await makeAccount('Contacts A', 100);
  B = await makeAccount('Contacts B', 100);
});

describe('contacts', () => {
  it('are created with numbers normalised per the account country, every value checked, one contact per number', async () => {
    const city = await createContactField(A.account.id, { name: 'Град', type: 'text' });
    const born = await createContactField(A.account.id, { name: 'Born', type: 'date' });
    const ivan = await createContact(acct(A), { phone: '0888 123 001', firstName: ' Иван ', lastName: 'Петров', email: 'ivan@example.bg', fields: { [city.id]: 'София', [born.id]: '01.02.1990' } }, by(A));
    expect(ivan).toMatchObject({ phone: '+359888123001', firstName: 'Иван', email: 'ivan@example.bg', customFields: { [city.id]: 'София', [born.id]: '1990-02-01' }, optOut: null });
    await expect(createContact(acct(A), { phone: '+359 888 123 001' }, by(A))).rejects.toMatchObject({ code: 'contact_exists', field: 'phone' });
    // Every problem at once, each at its field.
    const refused = await createContact(acct(A), { phone: '12', email: 'nope', fields: { [born.id]: '31.02.2020' } }, by(A)).catch((e: unknown) => e);
    expect((refused as { problems: unknown[] }).problems).toEqual([
      { code: 'contact_phone_invalid', field: 'phone' },
      { code: 'email_invalid', field: 'email' },
      { code: 'field_date_invalid', field: `fields.${born.id}` },
    ]);
    // The same number is another account's own contact.
    expect((await createContact(acct(B), { phone: '0888123001' }, by(B))).phone).toBe('+359888123001');

    const group = await createContactGroup(A.account.id, 'Клиенти');
    const updated = await updateContact(acct(A), ivan.id, { lastName: 'Петрова', fields: { [city.id]: '' }, groupIds: [group.id], optedOut: true, optOutReason: 'Поиска' }, by(A));
    expect(updated).toMatchObject({ lastName: 'Петрова', firstName: 'Иван', customFields: { [born.id]: '1990-02-01' }, groups: [{ id: group.id, name: 'Клиенти' }], optOut: { reason: 'Поиска', source: 'portal' } });
    expect((await listContactGroups(A.account.id)).find((g) => g.id === group.id)?.members).toBe(1);

    // Another account's ids change nothing.
    await expect(updateContact(acct(B), ivan.id, { firstName: 'X' }, by(B))).rejects.toMatchObject({ code: 'not_found' });
    const bGroup = await createContactGroup(B.account.id, 'B group');
    await expect(updateContact(acct(A), ivan.id, { groupIds: [bGroup.id] }, by(A))).rejects.toMatchObject({ code: 'unknown_group' });
    expect(await deleteContacts(B.account.id, [ivan.id])).toBe(0);
    expect(await getContact(B.account.id, ivan.id)).toBeNull();
    expect(await addToGroup(B.account.id, bGroup.id, [ivan.id])).toBe(0);
    await expect(addToGroup(B.account.id, group.id, [ivan.id])).rejects.toMatchObject({ code: 'not_found' });

    // Deleting the contact leaves the number opted out, and the group one member fewer.
    expect(await deleteContacts(A.account.id, [ivan.id])).toBe(1);
    expect((await listOptOuts(A.account.id, { limit: 10 })).rows.map((o) => o.phone)).toEqual(['+359888123001']);
    expect((await listContactGroups(A.account.id)).find((g) => g.id === group.id)?.members).toBe(0);
  });

  it('groups: created, renamed, deleted with their contacts staying; members added and removed', async () => {
    const g = await createContactGroup(A.account.id, 'Temp');
    await expect(createContactGroup(A.account.id, 'Temp')).rejects.toMatchObject({ code: 'group_name_taken' });
    await renameContactGroup(A.account.id, g.id, 'VIP клиенти');
    await expect(renameContactGroup(B.account.id, g.id, 'Mine')).rejects.toMatchObject({ code: 'not_found' });
    const a = await createContact(acct(A), { phone: '0888200001' }, by(A));
    const b = await createContact(acct(A), { phone: '0888200002' }, by(A));
    expect(await addToGroup(A.account.id, g.id, [a.id, b.id, a.id])).toBe(2);
    expect(await addToGroup(A.account.id, g.id, [a.id])).toBe(0);
    expect(await removeFromGroup(A.account.id, g.id, [a.id])).toBe(1);
    expect((await listContactGroups(A.account.id)).find((x) => x.id === g.id)).toMatchObject({ name: 'VIP клиенти', members: 1 });
    await expect(deleteContactGroup(B.account.id, g.id)).rejects.toMatchObject({ code: 'not_found' });
    await deleteContactGroup(A.account.id, g.id);
    expect(await getContact(A.account.id, b.id)).toMatchObject({ groups: [] });
  });

  it('custom fields: at most 20, names checked and unique, deleted with their values', async () => {
    const C = await makeAccount('Contacts C');
    await expect(createContactField(C.account.id, { name: '=cmd', type: 'text' })).rejects.toMatchObject({ code: 'field_name_invalid' });
    await expect(createContactField(C.account.id, { name: 'E-mail', type: 'text' })).rejects.toMatchObject({ code: 'field_name_reserved' });
    const fields = [];
    for (let i = 0; i < MAX_CONTACT_FIELDS; i++) fields.push(await createContactField(C.account.id, { name: `Поле ${i + 1}`, type: 'number' }));
    await expect(createContactField(C.account.id, { name: 'One more', type: 'text' })).rejects.toMatchObject({ code: 'too_many_fields' });
    await expect(createContactField(A.account.id, { name: 'град', type: 'text' })).rejects.toMatchObject({ code: 'field_name_taken' });
    await renameContactField(C.account.id, fields[0].id, 'Точки');
    await expect(renameContactField(A.account.id, fields[0].id, 'Stolen')).rejects.toMatchObject({ code: 'not_found' });
    const contact = await createContact({ id: C.account.id, country: 'BG' }, { phone: '0888300001', fields: { [fields[0].id]: '1 234,5' } }, by(C));
    expect(contact.customFields).toEqual({ [fields[0].id]: '1234.5' });
    await deleteContactField(C.account.id, fields[0].id);
    await dropFieldValues(C.account.id, fields[0].id);
    expect((await getContact(C.account.id, contact.id))!.customFields).toEqual({});
    expect((await listContactFields(C.account.id)).length).toBe(MAX_CONTACT_FIELDS - 1);
  });
});

describe('the contacts table', () => {
  let D: Account;
  beforeAll(async () => {
    D = await makeAccount('Contacts D');
    const group = await createContactGroup(D.account.id, 'Small');
    const rows = Array.from({ length: 120 }, (_, i) => ({
      accountId: D.account.id,
      phone: `+3598884${String(i).padStart(5, '0')}`,
      firstName: i % 2 ? 'Иван' : 'Мария',
      lastName: i % 3 ? 'Петров' : 'Колева',
      email: `person${i}@example.bg`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    }));
    const inserted = await db.insert(contacts).values(rows).returning({ id: contacts.id, phone: contacts.phone });
    await addToGroup(D.account.id, group.id, inserted.filter((_, i) => i % 10 === 0).map((r) => r.id));
    await optOutNumbers(D.account.id, ['+359888400003', '+359888400007'], { reason: 'stop', source: 'api', userId: null });
  });

  it('searches a number as typed: with or without +359 or the 0, or its beginning, in number order', async () => {
    for (const typed of ['0888 400 01', '+35988840001', '35988840001', '88840001', '00359 888 4000 1']) {
      expect(await phones(D, search(typed))).toEqual(Array.from({ length: 10 }, (_, i) => `+35988840001${i}`));
    }
    expect(parseContactFilters({ q: '0888-12x' }, 'BG')).toMatchObject({ ok: true, filters: { search: { kind: 'name' } } });
    expect(parseContactFilters({ q: '+0' }, 'BG')).toMatchObject({ ok: false, errors: [{ field: 'q', code: 'invalid_search' }] });
  });

  it('searches names and e-mails by the beginning of each word, any case, newest first', async () => {
    const found = await listContacts(D.account.id, search('иван колева'));
    expect(found.rows.map((r) => r.phone)).toEqual(
      Array.from({ length: 120 }, (_, i) => i)
        .filter((i) => i % 2 && !(i % 3))
        .reverse()
        .map((i) => `+3598884${String(i).padStart(5, '0')}`),
    );
    expect(await phones(D, search('PERSON11'))).toEqual(['+359888400119', '+359888400118', '+359888400117', '+359888400116', '+359888400115', '+359888400114', '+359888400113', '+359888400112', '+359888400111', '+359888400110', '+359888400011']);
    expect(await phones(D, search('%'))).toEqual([]);
  });

  it('filters by group and by opt-out, and pages by keyset both ways', async () => {
    const [group] = await db.select().from(contactGroups).where(eq(contactGroups.accountId, D.account.id));
    expect((await phones(D, defaultContactFilters({ groupId: group.id }))).length).toBe(12);
    expect(await phones(D, defaultContactFilters({ optedOut: true }))).toEqual(['+359888400007', '+359888400003']);
    expect((await phones(D, defaultContactFilters({ optedOut: false }))).length).toBe(50);
    // A group of another account finds nothing here.
    const other = await createContactGroup(A.account.id, 'Not D');
    expect(await phones(D, defaultContactFilters({ groupId: other.id }))).toEqual([]);

    const first = await listContacts(D.account.id, defaultContactFilters());
    expect(first.rows[0].phone).toBe('+359888400119');
    expect(first.newerCursor).toBeNull();
    const second = await listContacts(D.account.id, paged(first.olderCursor!));
    expect(second.rows[0].phone).toBe('+359888400069');
    const third = await listContacts(D.account.id, paged(second.olderCursor!));
    expect(third.rows.map((r) => r.phone)).toEqual(Array.from({ length: 20 }, (_, i) => `+3598884${String(19 - i).padStart(5, '0')}`));
    expect(third.olderCursor).toBeNull();
    const back = await listContacts(D.account.id, paged(third.newerCursor!, 'newer'));
    expect(back.rows.map((r) => r.phone)).toEqual(second.rows.map((r) => r.phone));
    // Number search pages go on from the cursor's number.
    const byNumber = await listContacts(D.account.id, search('0888 4000', { pageSize: 50 }));
    const next = await listContacts(D.account.id, { ...search('0888 4000'), cursor: paged(byNumber.olderCursor!).cursor });
    expect(next.rows.map((r) => r.phone)).toEqual(Array.from({ length: 50 }, (_, i) => `+3598884000${String(50 + i).padStart(2, '0')}`));
    // A crafted cursor is refused, never a failing query.
    expect(parseContactFilters({ cursor: 'AAAA' }, 'BG')).toMatchObject({ ok: false, errors: [{ field: 'cursor', code: 'invalid_cursor' }] });
  });
});

describe('a name search on a table larger than its probe', () => {
  // 3,000 contacts, newest first by their number i: every 40th is "Рядко Редки", every 500th's
  // e-mail begins "single", and first and last names otherwise cycle. Whichever way a search
  // reads (the probe of the newest, a walk on along the keyset, or its matches collected), its
  // pages are the matching contacts newest first, 50 at a time.
  let G: Account;
  const TOTAL = 3_000;
  const FIRST = ['Иван', 'Мария', 'Петър'];
  const LAST = ['Петров', 'Колева', 'Иванова', 'Стоянов'];
  const person = (i: number) =>
    i % 40 === 0
      ? { first: 'Рядко', last: 'Редки', email: `${i % 500 === 0 ? 'single' : 'rare'}${i}@example.bg` }
      : { first: FIRST[i % 3], last: LAST[i % 4], email: `${i % 500 === 0 ? 'single' : 'p'}${i}@example.bg` };
  const number = (i: number) => `+3598885${String(i).padStart(5, '0')}`;
  beforeAll(async () => {
    G = await makeAccount('Contacts G');
    const rows = Array.from({ length: TOTAL }, (_, i) => ({
      accountId: G.account.id,
      phone: number(i),
      firstName: person(i).first,
      lastName: person(i).last,
      email: person(i).email,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    }));
    for (let at = 0; at < rows.length; at += 1000) await db.insert(contacts).values(rows.slice(at, at + 1000));
  });
  /** Every page of a search, followed by its older cursor. */
  async function allPages(text: string): Promise<string[]> {
    const found: string[] = [];
    let filters = search(text);
    for (;;) {
      const page = await listContacts(G.account.id, filters);
      found.push(...page.rows.map((r) => r.phone));
      if (!page.olderCursor) return found;
      filters = { ...search(text), cursor: paged(page.olderCursor).cursor };
    }
  }
  const expected = (match: (p: ReturnType<typeof person>) => boolean) =>
    Array.from({ length: TOTAL }, (_, i) => TOTAL - 1 - i)
      .filter((i) => match(person(i)))
      .map(number);
  const begins = (p: ReturnType<typeof person>, word: string) => [p.first, p.last, p.email].some((v) => v.toLowerCase().startsWith(word));

  it('finds the same contacts whether the probe, the walk or the collection reads them', async () => {
    // 1 in 40: a few among the newest 1,000, a page further along.
    expect(await allPages('рядко')).toEqual(expected((p) => begins(p, 'рядко')));
    expect(await allPages('Редки Рядко')).toEqual(expected((p) => begins(p, 'редки') && begins(p, 'рядко')));
    // 1 in 500: collected.
    expect(await allPages('single')).toEqual(expected((p) => begins(p, 'single')));
    expect(await allPages('рядко single')).toEqual(expected((p) => begins(p, 'рядко') && begins(p, 'single')));
    // Common words, two and three of them, in any order of first name, last name and e-mail.
    expect(await allPages('иван')).toEqual(expected((p) => begins(p, 'иван')));
    expect(await allPages('иванова мария')).toEqual(expected((p) => begins(p, 'иванова') && begins(p, 'мария')));
    expect(await allPages('петр p1 иван')).toEqual(expected((p) => begins(p, 'петр') && begins(p, 'p1') && begins(p, 'иван')));
    expect(await allPages('иван иван')).toEqual(expected((p) => begins(p, 'иван')));
    expect(await allPages('мария петър')).toEqual([]);
    // Back from the second page of a walked search: the first page again.
    const first = await listContacts(G.account.id, search('рядко'));
    const second = await listContacts(G.account.id, { ...search('рядко'), cursor: paged(first.olderCursor!).cursor });
    const back = await listContacts(G.account.id, { ...search('рядко'), cursor: paged(second.newerCursor!, 'newer').cursor, direction: 'newer' });
    expect(back.rows.map((r) => r.phone)).toEqual(first.rows.map((r) => r.phone));
  });
});

describe('opt-outs in a send', () => {
  it('are never sent to nor charged: the plan skips them, the campaign counts them, the ledger moves by the others only', async () => {
    const E = await makeAccount('Contacts E', 100);
    const group = await createContactGroup(E.account.id, 'All');
    const made = await Promise.all(Array.from({ length: 5 }, (_, i) => createContact({ id: E.account.id, country: 'BG' }, { phone: `0888600${String(i).padStart(3, '0')}`, groupIds: [group.id] }, by(E))));
    await optOutNumbers(E.account.id, [made[1].phone, made[3].phone, '+359888600999'], { reason: 'stop', source: 'portal', userId: E.user.id });
    const input = { accountId: E.account.id, userId: E.user.id, source: 'portal' as const, sender: 'ContactsE', content: 'Hi', recipients: ['0888 600 999', '0888600001'], groupIds: [group.id], campaign: { rate: 10 } };
    const plan = await planSend(input);
    expect(plan.valid.map((m) => m.recipient).sort()).toEqual([made[0].phone, made[2].phone, made[4].phone]);
    expect(plan.skipped.map((s) => [s.input, s.reason])).toEqual([
      ['0888 600 999', 'opted_out'],
      ['0888600001', 'opted_out'],
      [made[3].phone, 'opted_out'],
    ]);
    expect(plan.duplicates).toBe(1); // the typed 0888600001 is also in the group
    const [{ balance: before }] = await db.execute<{ balance: string }>(sql`select balance::text from accounts where id = ${E.account.id}`);
    const result = await submitSend(plan);
    const [{ balance: after }] = await db.execute<{ balance: string }>(sql`select balance::text from accounts where id = ${E.account.id}`);
    expect(Number(before) - Number(after)).toBe(plan.totalPoints);
    expect(plan.totalPoints).toBe(3 * plan.valid[0].points);
    const sent = await db.select({ recipient: messages.recipient }).from(messages).where(eq(messages.campaignId, result.campaignId!));
    expect(sent.map((m) => m.recipient).sort()).toEqual([made[0].phone, made[2].phone, made[4].phone]);
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, result.campaignId!));
    expect(campaign).toMatchObject({ recipients: 3, skippedOptedOut: 3, points: plan.totalPoints });
    const [debit] = await db.select().from(ledgerEntries).where(eq(ledgerEntries.campaignId, result.campaignId!));
    expect(debit.amount).toBe(-plan.totalPoints);

    // Everyone opted out: refused, nothing charged.
    await removeOptOuts(E.account.id, []);
    const refused = await planSend({ ...input, recipients: ['0888600999'], groupIds: [] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ code: 'all_opted_out', skipped: [{ input: '0888600999', recipient: '+359888600999', reason: 'opted_out' }] });
  });
});

describe('the contacts export', () => {
  it('is the filter as CSV through the one writer, custom fields as columns, every formula payload neutralised', async () => {
    const F = await makeAccount('Contacts F');
    const note = await createContactField(F.account.id, { name: 'Бележка', type: 'text' });
    const group = await createContactGroup(F.account.id, '=HYPERLINK("x")');
    const payloads = ['=1+1', '+SUM(A1)', '-2', '@cmd', '\t=x'];
    for (const [i, payload] of payloads.entries()) {
      await createContact(
        { id: F.account.id, country: 'BG' },
        { phone: `0888700${String(i).padStart(3, '0')}`, firstName: payload, lastName: payload, fields: { [note.id]: payload.trim() }, groupIds: [group.id], optedOut: i === 0, optOutReason: '=reason' },
        by(F),
      ).catch(async (error: unknown) => {
        // A tab is a control character in a name: store that one by SQL, as an old import might have.
        if (!(error instanceof Error)) throw error;
        await db.insert(contacts).values({ accountId: F.account.id, phone: `+359888700${String(i).padStart(3, '0')}`, firstName: payload, lastName: payload, customFields: { [note.id]: payload } });
      });
    }
    const response = contactsCsvResponse({ id: F.account.id, timeZone: 'Europe/Sofia' }, defaultContactFilters(), [note]);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = await csvRows(response);
    expect(rows[0]).toEqual(['Number', 'First name', 'Last name', 'E-mail', 'Groups', 'Бележка', 'Opted out', 'Opted out at', 'Opt-out reason', 'Created']);
    expect(rows.length).toBe(1 + payloads.length);
    for (const row of rows.slice(1)) {
      for (const cell of row) if (/^[=+\-@\t\r\n]/.test(cell)) expect(cell).toMatch(/^\+[1-9]\d+$/);
      expect(row[1].startsWith("'")).toBe(true);
      expect(row[5].startsWith("'")).toBe(true);
      expect(row[4]).toBe(`'=HYPERLINK("x")`);
    }
    expect(rows.find((r) => r[0] === '+359888700000')!.slice(6, 9)).toEqual(['yes', expect.stringMatching(/^\d{4}-/), "'=reason"]);
    // The export's filter is the table's: a number search narrows it.
    const { query } = exportQuery(F.account.id, search('0888700001'), [note]);
    expect(query).toBeTruthy();
    const narrowed = await csvRows(contactsCsvResponse({ id: F.account.id, timeZone: 'UTC' }, search('0888700001'), [note]));
    expect(narrowed.map((r) => r[0])).toEqual(['Number', '+359888700001']);
    // Another account's export holds none of F's contacts.
    const other = await csvRows(contactsCsvResponse({ id: A.account.id, timeZone: 'UTC' }, defaultContactFilters(), []));
    expect(other.flat()).not.toContain('+359888700001');
  });
});
