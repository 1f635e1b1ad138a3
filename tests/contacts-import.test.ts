import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { contactGroups, contactImportChunks, contactImportErrors, contactImports, contacts, optOuts } from '@/db/schema';
import { createContactField, type ContactField } from '@/lib/contacts/fields';
import { createContactGroup } from '@/lib/contacts/groups';
import { runImport } from '@/lib/contacts/import/run';
import { appendImportChunk, getImport, importPreview, queueImport, startImport, type ImportChoices } from '@/lib/contacts/import/upload';
import { IMPORT_CHUNK_BYTES } from '@/lib/contacts/limits';
import { makeAccount } from './fixtures/accounts';

type Account = Awaited<ReturnType<typeof makeAccount>>;
let A: Account;
let B: Account;
let city: ContactField;
let points: ContactField;
let since: ContactField;

/** Windows-1251 bytes of text (Cyrillic, Latin and ASCII punctuation), as Excel saves a Bulgarian CSV. */
function cp1251(text: string): Buffer {
  const bytes = [...text].map((ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    if (code === 0x401) return 0xa8;
    if (code === 0x451) return 0xb8;
    throw new Error(`not in the test's Windows-1251 table: ${ch}`);
  });
  return Buffer.from(bytes);
}

/** Uploads a file the way the browser does: in IMPORT_CHUNK_BYTES slices, one call each. */
async function upload(account: Account, bytes: Buffer, name = 'contacts.csv'): Promise<string> {
  const id = await startImport(account.account.id, account.user.id, { name, size: bytes.length });
  for (let seq = 0; seq * IMPORT_CHUNK_BYTES < bytes.length; seq++) {
    await appendImportChunk(account.account.id, id, seq, bytes.subarray(seq * IMPORT_CHUNK_BYTES, (seq + 1) * IMPORT_CHUNK_BYTES));
  }
  return id;
}

async function importFile(account: Account, bytes: Buffer, choices: Partial<ImportChoices> = {}) {
  const id = await upload(account, bytes);
  const row = (await getImport(account.account.id, id))!;
  const preview = await importPreview({ id: account.account.id, country: 'BG' }, row);
  await queueImport(account.account.id, id, {
    encoding: preview.encoding,
    delimiter: preview.delimiter,
    hasHeader: preview.hasHeader,
    mapping: { columns: preview.suggested },
    onDuplicate: 'update',
    optOutAll: false,
    ...choices,
  });
  const outcome = await runImport(id);
  return { id, preview, outcome, row: (await getImport(account.account.id, id))! };
}

beforeAll(async () => {
  A = await makeAccount('Import A');
  B = await makeAccount('Import B');
  city = await createContactField(A.account.id, { name: 'Град', type: 'text' });
  points = await createContactField(A.account.id, { name: 'Points', type: 'number' });
  since = await createContactField(A.account.id, { name: 'Client since', type: 'date' });
});

describe('a CSV import', () => {
  it('imports 1,000 lines of a ;-separated Windows-1251 file: Cyrillic names, a custom field, 20 bad lines listed, 10 duplicates', async () => {
    // Ten numbers are contacts already: those lines are the duplicates.
    const existing = Array.from({ length: 10 }, (_, i) => `+35988812${String(i).padStart(4, '0')}`);
    await db.insert(contacts).values(existing.map((phone) => ({ accountId: A.account.id, phone, firstName: 'Стар', lastName: 'Контакт' })));
    const group = await createContactGroup(A.account.id, 'Импорт 1');
    const lines = ['Телефон;Име;Фамилия;Имейл;Град;Points'];
    const bad = new Map<number, string>();
    for (let i = 0; i < 1000; i++) {
      const fileLine = i + 2; // the header is line 1
      let phone = i < 10 ? `0888 12 ${String(i).padStart(4, '0')}` : `0888${String(300000 + i).padStart(6, '0')}`;
      let email = `user${i}@example.bg`;
      let pointsValue = String(i % 50);
      if (i % 50 === 27) {
        // 20 bad lines, four kinds.
        const kind = Math.floor(i / 50) % 4;
        if (kind === 0) [phone] = [`12${i}`];
        if (kind === 1) [phone] = [''];
        if (kind === 2) email = `not-an-email-${i}`;
        if (kind === 3) pointsValue = `много`;
        bad.set(fileLine, ['contact_phone_invalid', 'contact_phone_required', 'email_invalid', 'field_number_invalid'][kind]);
      }
      lines.push([phone, 'Иван', `Петров${i % 3 === 0 ? 'а' : ''}`, email, i % 2 ? 'София' : 'Пловдив', pointsValue].join(';'));
    }
    const { outcome, preview, row, id } = await importFile(A, cp1251(lines.join('\r\n') + '\r\n'), { groupId: group.id });
    expect(preview).toMatchObject({ encoding: 'windows-1251', delimiter: ';', hasHeader: true });
    expect(preview.header).toEqual(['Телефон', 'Име', 'Фамилия', 'Имейл', 'Град', 'Points']);
    expect(preview.suggested).toEqual([
      { kind: 'phone' },
      { kind: 'first_name' },
      { kind: 'last_name' },
      { kind: 'email' },
      { kind: 'field', fieldId: city.id },
      { kind: 'field', fieldId: points.id },
    ]);
    expect(outcome).toEqual({ created: 970, updated: 10, duplicates: 10, invalid: 20, lines: 1000 });
    expect(row).toMatchObject({ status: 'done', created: 970, updated: 10, duplicates: 10, invalid: 20, bytesDone: row.sizeBytes });

    const errors = await db.select().from(contactImportErrors).where(eq(contactImportErrors.importId, id)).orderBy(contactImportErrors.line);
    expect(errors.map((e) => [e.line, e.reason])).toEqual([...bad.entries()]);
    expect(errors[0]).toMatchObject({ column: "Телефон", value: "1227" });
    expect(errors[0].raw).toBe("1227;Иван;Петрова;user27@example.bg;София;27");

    const [ivan] = await db.select().from(contacts).where(and(eq(contacts.accountId, A.account.id), eq(contacts.phone, '+359888300011')));
    expect(ivan).toMatchObject({ firstName: 'Иван', lastName: 'Петров', email: 'user11@example.bg', customFields: { [city.id]: 'София', [points.id]: '11' } });
    // A duplicate's line updated the contact that had the number.
    const [updated] = await db.select().from(contacts).where(and(eq(contacts.accountId, A.account.id), eq(contacts.phone, existing[3])));
    expect(updated).toMatchObject({ firstName: 'Иван', lastName: 'Петрова', email: 'user3@example.bg' });
    const [{ members }] = await db.select({ members: contactGroups.members }).from(contactGroups).where(eq(contactGroups.id, group.id));
    expect(members).toBe(980);
    // The file is gone once imported; the list of bad lines stays.
    expect(await db.select().from(contactImportChunks).where(eq(contactImportChunks.importId, id))).toEqual([]);
  });
});

describe('import choices', () => {
  it('"skip" leaves an existing contact as it is; a groups column makes its groups; an opted-out column opts numbers out', async () => {
    await db.insert(contacts).values({ accountId: A.account.id, phone: '+359888400001', firstName: 'Keep', lastName: 'Me' });
    const file = [
      '\uFEFFphone,first name,groups,opted out,Client since',
      '+359888400001,Changed,"Клиенти, VIP",,01.02.2023',
      // A quoted cell over two lines is one row; a line break is not allowed in a name.
      '0888400002,"Multi',
      'line",VIP,,2023-12-31',
      '0888400002,Second,VIP|Нова група,да,2023-12-31',
      '0888400003,Bad date,,,31.02.2023',
    ].join('\n');
    const { outcome, id } = await importFile(A, Buffer.from(file, 'utf8'), { onDuplicate: 'skip' });
    expect(outcome).toEqual({ created: 1, updated: 0, duplicates: 1, invalid: 2, lines: 4 });
    const rows = await db.select().from(contacts).where(eq(contacts.accountId, A.account.id));
    const byPhone = new Map(rows.map((r) => [r.phone, r]));
    expect(byPhone.get('+359888400001')).toMatchObject({ firstName: 'Keep', lastName: 'Me' });
    expect(byPhone.get('+359888400002')).toMatchObject({ firstName: 'Second', customFields: { [since.id]: '2023-12-31' } });
    const groups = await db.select({ name: contactGroups.name, members: contactGroups.members }).from(contactGroups).where(eq(contactGroups.accountId, A.account.id));
    expect(groups.filter((g) => ['Клиенти', 'VIP', 'Нова група'].includes(g.name)).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'VIP', members: 2 },
      { name: 'Клиенти', members: 1 },
      { name: 'Нова група', members: 1 },
    ]);
    const opted = await db.select({ phone: optOuts.phone, source: optOuts.source, reason: optOuts.reason }).from(optOuts).where(eq(optOuts.accountId, A.account.id));
    expect(opted).toEqual([{ phone: '+359888400002', source: 'import', reason: 'Import: contacts.csv' }]);
    const errors = await db.select().from(contactImportErrors).where(eq(contactImportErrors.importId, id)).orderBy(contactImportErrors.line);
    expect(errors).toMatchObject([
      { line: 3, reason: 'text_control', column: 'first name', value: 'Multi\nline' },
      { line: 5, reason: 'field_date_invalid', column: 'Client since', value: '31.02.2023' },
    ]);
  });

  it('"opt out every number" opts out the file, contacts or not', async () => {
    const { outcome } = await importFile(B, Buffer.from('0888500001\n0888500002\n', 'utf8'), { optOutAll: true });
    expect(outcome).toMatchObject({ created: 2, invalid: 0, lines: 2 });
    const opted = await db.select({ phone: optOuts.phone }).from(optOuts).where(eq(optOuts.accountId, B.account.id)).orderBy(optOuts.phone);
    expect(opted.map((o) => o.phone)).toEqual(['+359888500001', '+359888500002']);
  });
});

describe('a writer racing the import on one of its numbers', () => {
  // The other writer's change is uncommitted when the import reaches the number, so the import
  // waits for it; then it commits. The contact the file's second line names ends as if the two
  // had run one after the other.
  const cases = [
    { onDuplicate: 'update', writer: 'adds', contact: 'Imported', created: 1, updated: 1 },
    { onDuplicate: 'skip', writer: 'adds', contact: 'Other', created: 1, updated: 0 },
    { onDuplicate: 'update', writer: 'deletes', contact: 'Imported', created: 2, updated: 0 },
    { onDuplicate: 'skip', writer: 'deletes', contact: 'Imported', created: 2, updated: 0 },
  ] as const;
  it.each(cases)(
    '"$onDuplicate" while another writer $writer that contact: no error, one contact per number, both in the group',
    async ({ onDuplicate, writer, contact, created, updated }) => {
      const account = await makeAccount(`Import race ${onDuplicate} ${writer}`);
      const group = await createContactGroup(account.account.id, 'Race');
      if (writer === 'deletes') await db.insert(contacts).values({ accountId: account.account.id, phone: '+359888600002', firstName: 'Other' });
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(
          writer === 'adds'
            ? `insert into contacts (account_id, phone, first_name) values ($1, '+359888600002', 'Other')`
            : `delete from contacts where account_id = $1 and phone = '+359888600002'`,
          [account.account.id],
        );
        const running = importFile(account, Buffer.from('phone,first name\n0888600001,New\n0888600002,Imported\n', 'utf8'), { onDuplicate, groupId: group.id });
        await expect
          .poll(async () => (await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%import_rows%'`))[0].n, { timeout: 20_000 })
          .toBe(1);
        await other.query('commit');
        const { outcome, row } = await running;
        expect(row.status).toBe('done');
        expect(outcome).toEqual({ created, updated, duplicates: 2 - created, invalid: 0, lines: 2 });
      } finally {
        await other.end();
      }
      const rows = await db.select().from(contacts).where(eq(contacts.accountId, account.account.id)).orderBy(contacts.phone);
      expect(rows.map((r) => [r.phone, r.firstName])).toEqual([
        ['+359888600001', 'New'],
        ['+359888600002', contact],
      ]);
      const [{ members }] = await db.select({ members: contactGroups.members }).from(contactGroups).where(eq(contactGroups.id, group.id));
      expect(members).toBe(2);
    },
  );
});

describe('an upload', () => {
  it('takes its slices in order once each, and only for its own account', async () => {
    const bytes = Buffer.alloc(IMPORT_CHUNK_BYTES + 10, 0x41);
    const id = await startImport(A.account.id, A.user.id, { name: 'big.csv', size: bytes.length });
    // Another account's user cannot add to it, nor see it.
    await expect(appendImportChunk(B.account.id, id, 0, bytes.subarray(0, IMPORT_CHUNK_BYTES))).rejects.toMatchObject({ code: 'not_found' });
    expect(await getImport(B.account.id, id)).toBeNull();
    await expect(appendImportChunk(A.account.id, id, 1, bytes.subarray(IMPORT_CHUNK_BYTES))).rejects.toMatchObject({ code: 'import_chunk_out_of_order' });
    expect(await appendImportChunk(A.account.id, id, 0, bytes.subarray(0, IMPORT_CHUNK_BYTES))).toEqual({ complete: false });
    // A retried slice is taken once.
    expect(await appendImportChunk(A.account.id, id, 0, bytes.subarray(0, IMPORT_CHUNK_BYTES))).toEqual({ complete: false });
    expect(await appendImportChunk(A.account.id, id, 1, bytes.subarray(IMPORT_CHUNK_BYTES))).toEqual({ complete: true });
    const chunks = await db.select({ seq: contactImportChunks.seq }).from(contactImportChunks).where(eq(contactImportChunks.importId, id));
    expect(chunks.map((c) => c.seq).sort()).toEqual([0, 1]);
    expect(await getImport(A.account.id, id)).toMatchObject({ status: 'uploaded', bytesReceived: bytes.length });
    await expect(
      queueImport(B.account.id, id, { encoding: 'utf-8', delimiter: ',', hasHeader: false, mapping: { columns: [{ kind: 'phone' }] }, onDuplicate: 'update', optOutAll: false }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      queueImport(A.account.id, id, { encoding: 'utf-8', delimiter: ',', hasHeader: false, mapping: { columns: [{ kind: 'first_name' }] }, onDuplicate: 'update', optOutAll: false }),
    ).rejects.toMatchObject({ code: 'import_phone_column_required' });
    const [row] = await db.select({ status: contactImports.status }).from(contactImports).where(eq(contactImports.id, id));
    expect(row.status).toBe('uploaded');
  });
});

describe('a big file', () => {
  it('reads records whole across every slice and piece boundary: quoted line breaks, separators and two-byte letters cut in two', async () => {
    const C = await makeAccount('Import C');
    const note = await createContactField(C.account.id, { name: 'Бележка', type: 'text' });
    // Each row ~ 120 bytes of UTF-8 with a quoted cell holding a separator, a quote and a line break.
    const rows = Array.from({ length: 80_000 }, (_, i) => `0888${String(600000 + i)},Йордан,"Ъгъл, ""${i}""\nред ${i}"`);
    const text = `телефон,име,Бележка\n${rows.join('\n')}\n`;
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(IMPORT_CHUNK_BYTES);
    const { outcome } = await importFile(C, bytes);
    expect(outcome).toEqual({ created: 80_000, updated: 0, duplicates: 0, invalid: 0, lines: 80_000 });
    const sample = await db.select().from(contacts).where(and(eq(contacts.accountId, C.account.id), eq(contacts.phone, '+359888679999')));
    expect(sample[0]).toMatchObject({ firstName: 'Йордан', customFields: { [note.id]: 'Ъгъл, "79999"\nред 79999' } });
  }, 120_000);
});
