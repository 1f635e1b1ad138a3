import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '@/db';
import { pgPool, releasePgClient } from '@/db/pg';
import { contactImportChunks, contactImports, type ContactImportMapping } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { enqueue } from '@/lib/jobs';
import { CONTROL_CHARACTERS } from '@/lib/validation';
import { listContactFields } from '../fields';
import { createContactGroup, getContactGroup } from '../groups';
import { IMPORT_CHUNK_BYTES, IMPORT_PREVIEW_ROWS, MAX_IMPORT_BYTES, MAX_IMPORT_COLUMNS } from '../limits';
import {
  IMPORT_DELIMITERS,
  IMPORT_ENCODINGS,
  looksLikeHeader,
  previewRows,
  sniffDelimiter,
  sniffEncoding,
  suggestMapping,
  type ImportDelimiter,
  type ImportEncoding,
} from './rows';

/**
 * An import's life before its job: the browser creates it, sends the file in slices of
 * IMPORT_CHUNK_BYTES (one server action each, stored as they come: the server never holds the
 * file), the user maps the columns on its first rows, and the job is queued.
 */

export type ContactImport = typeof contactImports.$inferSelect;

/** Imports of an account not finished at once (each holds its file until it is). */
const MAX_OPEN_IMPORTS = 5;
const OPEN = ['uploading', 'uploaded', 'queued', 'running'] as const;

export async function getImport(accountId: number, id: string): Promise<ContactImport | null> {
  const [row] = await db.select().from(contactImports).where(and(eq(contactImports.id, id), eq(contactImports.accountId, accountId)));
  return row ?? null;
}

export function listImports(accountId: number, limit = 20): Promise<ContactImport[]> {
  return db.select().from(contactImports).where(eq(contactImports.accountId, accountId)).orderBy(desc(contactImports.createdAt)).limit(limit);
}

export async function startImport(accountId: number, userId: number, file: { name: string; size: number }): Promise<string> {
  if (!Number.isSafeInteger(file.size) || file.size <= 0) throw new AppError('import_empty', { field: 'file' });
  if (file.size > MAX_IMPORT_BYTES) throw new AppError('import_too_large', { field: 'file', params: { mb: MAX_IMPORT_BYTES / 1024 / 1024 } });
  const name = file.name.replace(CONTROL_CHARACTERS, ' ').trim().slice(0, 200) || 'contacts.csv';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7246103, ${accountId})`);
    const [{ n }] = await tx
      .select({ n: count() })
      .from(contactImports)
      .where(and(eq(contactImports.accountId, accountId), inArray(contactImports.status, [...OPEN])));
    if (n >= MAX_OPEN_IMPORTS) throw new AppError('too_many_imports', { params: { max: MAX_OPEN_IMPORTS } });
    const [row] = await tx.insert(contactImports).values({ accountId, userId, fileName: name, sizeBytes: file.size }).returning({ id: contactImports.id });
    return row.id;
  });
}

/**
 * Stores slice `seq` of the file. Slices come in order, each IMPORT_CHUNK_BYTES but the last; a
 * slice sent again (a retried request) is taken once. With the last one the file is complete:
 * its encoding and separator are guessed for the mapping step. On the `pg` pool: the bytes go
 * as a binary parameter (postgres.js would send them as hex text, twice the size).
 */
export async function appendImportChunk(accountId: number, id: string, seq: number, data: Uint8Array): Promise<{ complete: boolean }> {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new AppError('import_chunk_out_of_order');
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const client = await pgPool().connect();
  let complete: boolean;
  try {
    await client.query('begin');
    const { rows } = await client.query<{ status: string; size_bytes: string; bytes_received: string }>(
      'select status, size_bytes, bytes_received from contact_imports where id = $1 and account_id = $2 for update',
      [id, accountId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found');
    const [size, received] = [Number(row.size_bytes), Number(row.bytes_received)];
    const offset = seq * IMPORT_CHUNK_BYTES;
    if (offset + bytes.length <= received) {
      complete = row.status !== 'uploading'; // a retry of a slice already stored
    } else {
      if (row.status !== 'uploading') throw new AppError('import_not_uploading');
      if (offset !== received || bytes.length !== Math.min(IMPORT_CHUNK_BYTES, size - offset)) throw new AppError('import_chunk_out_of_order');
      complete = received + bytes.length === size;
      await client.query('insert into contact_import_chunks (import_id, seq, data) values ($1, $2, $3)', [id, seq, bytes]);
      await client.query(
        `update contact_imports set bytes_received = $2, status = case when $3 then 'uploaded' else status end::contact_import_status where id = $1`,
        [id, received + bytes.length, complete],
      );
    }
    await client.query('commit');
  } catch (error) {
    const rolledBack = await client.query('rollback').then(
      () => true,
      () => false,
    );
    await releasePgClient(client, !rolledBack);
    throw error;
  }
  await releasePgClient(client);
  if (complete) await guessFormat(id);
  return { complete };
}

async function firstChunk(id: string): Promise<Buffer> {
  const [chunk] = await db
    .select({ data: contactImportChunks.data })
    .from(contactImportChunks)
    .where(eq(contactImportChunks.importId, id))
    .orderBy(asc(contactImportChunks.seq))
    .limit(1);
  return chunk?.data ?? Buffer.alloc(0);
}

// The mapping step reads at most this much of the file.
const SAMPLE_BYTES = 256 * 1024;

async function sample(id: string, encoding: ImportEncoding): Promise<{ text: string; complete: boolean }> {
  const bytes = await firstChunk(id);
  const slice = bytes.subarray(0, SAMPLE_BYTES);
  return { text: new TextDecoder(encoding).decode(slice), complete: slice.length === bytes.length };
}

async function guessFormat(id: string): Promise<void> {
  const bytes = (await firstChunk(id)).subarray(0, SAMPLE_BYTES);
  const encoding = sniffEncoding(bytes);
  const delimiter = sniffDelimiter(new TextDecoder(encoding).decode(bytes));
  await db.update(contactImports).set({ encoding, delimiter }).where(eq(contactImports.id, id));
}

export type ImportPreview = {
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  hasHeader: boolean;
  header: string[] | null;
  rows: string[][];
  suggested: ContactImportMapping['columns'];
};

/** The file's first rows as the chosen (or guessed) encoding and separator read them, and a first mapping. */
export async function importPreview(
  account: { id: number; country: string },
  row: ContactImport,
  choice: { encoding?: ImportEncoding; delimiter?: ImportDelimiter; hasHeader?: boolean } = {},
): Promise<ImportPreview> {
  const encoding = choice.encoding ?? (row.encoding as ImportEncoding | null) ?? 'utf-8';
  const delimiter = choice.delimiter ?? (row.delimiter as ImportDelimiter | null) ?? ',';
  const { text, complete } = await sample(row.id, encoding);
  const rows = previewRows(text, delimiter, IMPORT_PREVIEW_ROWS + 1, complete);
  const hasHeader = choice.hasHeader ?? looksLikeHeader(rows, account.country);
  const header = hasHeader ? (rows[0] ?? []) : null;
  const body = (hasHeader ? rows.slice(1) : rows).slice(0, IMPORT_PREVIEW_ROWS);
  const fields = await listContactFields(account.id);
  return { encoding, delimiter, hasHeader, header, rows: body, suggested: suggestMapping(header, body, fields, account.country) };
}

export type ImportChoices = {
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  hasHeader: boolean;
  mapping: ContactImportMapping;
  onDuplicate: 'update' | 'skip';
  /** an existing group of the account, or a new group's name, or neither */
  groupId?: string | null;
  newGroupName?: string | null;
  optOutAll: boolean;
};

/** Checks the choices and queues the import's job. */
export async function queueImport(accountId: number, id: string, choices: ImportChoices): Promise<void> {
  const found = await getImport(accountId, id);
  if (!found) throw new AppError('not_found');
  if (found.status !== 'uploaded') throw new AppError('import_not_ready');
  if (!IMPORT_ENCODINGS.includes(choices.encoding) || !IMPORT_DELIMITERS.includes(choices.delimiter)) throw new AppError('invalid_value', { params: { detail: 'format' } });
  const columns = choices.mapping.columns.slice(0, MAX_IMPORT_COLUMNS);
  const kinds = columns.filter((c) => c !== null).map((c) => (c.kind === 'field' ? `field:${c.fieldId}` : c.kind));
  if (!kinds.includes('phone')) throw new AppError('import_phone_column_required', { field: 'mapping' });
  if (new Set(kinds).size !== kinds.length) throw new AppError('import_column_twice', { field: 'mapping' });
  const fieldIds = new Set((await listContactFields(accountId)).map((f) => f.id));
  if (columns.some((c) => c?.kind === 'field' && !fieldIds.has(c.fieldId))) throw new AppError('unknown_field', { field: 'mapping' });
  let groupId: string | null = null;
  if (choices.groupId) {
    if (!(await getContactGroup(accountId, choices.groupId))) throw new AppError('unknown_group', { field: 'groupId' });
    groupId = choices.groupId;
  } else if (choices.newGroupName) {
    groupId = (await createContactGroup(accountId, choices.newGroupName)).id;
  }
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(contactImports)
      .set({
        status: 'queued',
        encoding: choices.encoding,
        delimiter: choices.delimiter,
        hasHeader: choices.hasHeader,
        mapping: { columns },
        onDuplicate: choices.onDuplicate,
        groupId,
        optOutAll: choices.optOutAll,
      })
      .where(and(eq(contactImports.id, id), eq(contactImports.accountId, accountId), eq(contactImports.status, 'uploaded')))
      .returning({ id: contactImports.id });
    if (!rows.length) throw new AppError('import_not_ready');
    await enqueue(tx, 'contacts:import', { importId: id }, { jobKey: `contacts:import:${id}`, maxAttempts: 3 });
  });
}

/** Deletes an import that has not started (or has ended): its file and its list of bad lines go with it. */
export async function deleteImport(accountId: number, id: string): Promise<void> {
  const rows = await db
    .delete(contactImports)
    .where(and(eq(contactImports.id, id), eq(contactImports.accountId, accountId), inArray(contactImports.status, ['uploading', 'uploaded', 'done', 'failed'])))
    .returning({ id: contactImports.id });
  if (!rows.length) throw new AppError('not_found');
}

/** Imports abandoned before their job (a day old) and old results (30 days): gone with their files and lists. */
export async function pruneImports(): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    delete from contact_imports
     where created_at < now() - interval '1 day'
       and (status in ('uploading', 'uploaded') or (status in ('done', 'failed') and created_at < now() - interval '30 days'))
    returning id`);
  return rows.length;
}
