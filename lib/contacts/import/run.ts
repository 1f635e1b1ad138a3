import { once } from 'node:events';
import Papa from 'papaparse';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { eq, sql } from 'drizzle-orm';
import { db, isConnectionError } from '@/db';
import { pgPool, releasePgClient } from '@/db/pg';
import { accounts, contactImports } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { readStoredFile } from '@/lib/files/binary-copy';
import { listContactFields } from '../fields';
import { MAX_CONTACT_GROUPS } from '../limits';
import { lineChecker, mappedKinds, type BadLine, type GoodLine, type ImportDelimiter, type ImportEncoding } from './rows';

/**
 * The import job. The stored file is read a slice at a time, decoded (UTF-8 or Windows-1251),
 * parsed by papaparse as a stream, and each line checked and normalised (./rows.ts); every line,
 * good or bad, goes by COPY into a temporary staging table. Then, in the same transaction, a few
 * set-based statements: the bad lines into contact_import_errors, one upsert of the contacts
 * (one row per number: for "update" the last line of a number wins, for "skip" the first), the
 * groups and their members, the opt-outs. Memory stays flat at any size: no line outlives its
 * slice, and numbers seen are counted by PostgreSQL, not held in a Set. A worker killed midway
 * leaves nothing (the transaction and its temporary tables go); the job runs again from the start.
 */

export type ImportOutcome = { created: number; updated: number; duplicates: number; invalid: number; lines: number };

/** CSV for COPY ... (FORMAT csv): every value quoted, null as nothing. */
function csvValue(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  return `"${value.replace(/\u0000/g, '\ufffd').replace(/"/g, '""')}"`;
}

const STAGING = `create temporary table import_staging (
  line int not null, phone text, first_name text, last_name text, email text, fields jsonb, groups jsonb,
  opted_out boolean, reason text, col text, value text, raw text) on commit drop`;
const RAW_MAX = 1000;
/** The import's progress is recorded each time this much more of the file is read. */
const PROGRESS_BYTES = 1024 * 1024;

/** The stored file as the connection brings it (no slice held whole), each piece's size told to `done`. */
async function* storedFile(client: pg.PoolClient, importId: string, done: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const piece of readStoredFile(client, 'import', importId).values) {
    yield piece;
    done(piece.length);
  }
}

/** The file as text: decoded slice by slice, a character cut between two slices joined again, the BOM dropped. */
async function* decoded(chunks: AsyncIterable<Uint8Array>, encoding: ImportEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  let first = true;
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text !== '') {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

// Records are parsed and checked this much text at a time, then the event loop gets a turn: the
// job runs inside the app's process too (WORKER=1), where a long stretch would stall requests.
// Small, so that what is alive when a young-generation collection comes (the piece, its records,
// their staging rows) is small: each collection promotes it, and the promoted garbage waits for a
// full collection (the bench's peak RSS growth 95-113 MB with 64 KiB, 79-91 MB with 8 KiB, in the
// same time).
const PIECE_CHARS = 8 * 1024;

/**
 * The text's records, a batch per piece of about PIECE_CHARS: a piece ends at a line end outside
 * quotes (a quote toggles, a doubled one twice: RFC 4180), is parsed by papaparse's string parser,
 * and what follows waits for the next piece. (papaparse's own stream mode re-reads its input on
 * every pause: quadratic on a slice of a million lines.)
 */
async function* records(texts: AsyncIterable<string>, delimiter: ImportDelimiter): AsyncGenerator<string[][]> {
  let pending = '';
  let quoted = false;
  let scanned = 0;
  for await (const text of texts) {
    pending += text;
    let start = 0;
    for (let i = scanned; i < pending.length; i++) {
      const c = pending.charCodeAt(i);
      if (c === 0x22) quoted = !quoted;
      else if (c === 0x0a && !quoted && i + 1 - start >= PIECE_CHARS) {
        yield parse(pending.slice(start, i + 1), delimiter);
        await new Promise((resolve) => setImmediate(resolve));
        start = i + 1;
      }
    }
    pending = pending.slice(start);
    scanned = pending.length;
  }
  if (pending !== '') yield parse(pending, delimiter);
}

function parse(text: string, delimiter: ImportDelimiter): string[][] {
  const rows = Papa.parse<string[]>(text, { delimiter }).data;
  // A text that ends with a line end gives papaparse an empty last record: not a line.
  if (text.endsWith('\n') && rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  return rows;
}

/** One staging row in COPY's CSV: a line that passed, or a bad one with its reason. */
function stagingLine(line: number, result: GoodLine | BadLine, cells: string[], delimiter: ImportDelimiter): string {
  if ('reason' in result) {
    const raw = Papa.unparse([cells], { delimiter }).slice(0, RAW_MAX);
    return `${line},,,,,,,,${csvValue(result.reason)},${csvValue(result.column)},${csvValue(result.value.slice(0, RAW_MAX))},${csvValue(raw)}\n`;
  }
  return (
    `${line},${csvValue(result.phone)},${csvValue(result.firstName)},${csvValue(result.lastName)},${csvValue(result.email)},` +
    `${csvValue(JSON.stringify(result.fields))},${csvValue(JSON.stringify(result.groups))},${result.optedOut},,,,\n`
  );
}

/** Claims a queued import (or one left running by a dead worker) and runs it. */
export async function runImport(importId: string): Promise<ImportOutcome | null> {
  const [row] = await db
    .update(contactImports)
    .set({ status: 'running', startedAt: sql`now()`, bytesDone: 0, rowsDone: 0 })
    .where(sql`${contactImports.id} = ${importId} and ${contactImports.status} in ('queued', 'running')`)
    .returning();
  if (!row) return null;
  try {
    return await importFile(row);
  } catch (error) {
    // A lost database is retried by the job queue; anything else ends the import with its reason.
    if (isConnectionError(error)) throw error;
    const reason = error instanceof AppError ? error.code : 'failed';
    if (!(error instanceof AppError)) console.error('contact import failed', error);
    await db
      .update(contactImports)
      .set({ status: 'failed', error: reason, finishedAt: sql`now()` })
      .where(eq(contactImports.id, importId));
    return null;
  }
}

async function importFile(row: typeof contactImports.$inferSelect): Promise<ImportOutcome> {
  const [account] = await db.select({ country: accounts.country }).from(accounts).where(eq(accounts.id, row.accountId));
  const fields = await listContactFields(row.accountId);
  const mapping = row.mapping!;
  const delimiter = (row.delimiter ?? ',') as ImportDelimiter;
  const encoding = (row.encoding ?? 'utf-8') as ImportEncoding;
  const client = await pgPool().connect();
  const reader = await pgPool().connect();
  let ok = false;
  try {
    await client.query('begin');
    await client.query(STAGING);
    let bytesDone = 0;
    let lines = 0;
    let check = row.hasHeader ? null : lineChecker(mapping, fields, account.country, null);
    const copy = client.query(copyFrom('copy import_staging from stdin (format csv)'));
    const copied = once(copy, 'finish');
    copied.catch(() => {}); // awaited below; its rejection is the copy's error
    let reported = 0;
    const texts = decoded(
      storedFile(reader, row.id, (n) => (bytesDone += n)),
      encoding,
    );
    for await (const batch of records(texts, delimiter)) {
      // Each batch's staging rows go to COPY at once, as one string: nothing of a batch outlives
      // it, so its many small strings die young (kept across batches, they were promoted to the
      // old generation and the heap grew by tens of MB before a full collection freed them).
      const out: string[] = [];
      for (const cells of batch) {
        lines++;
        if (cells.length === 1 && cells[0].trim() === '') continue; // an empty line
        if (!check) check = lineChecker(mapping, fields, account.country, cells);
        else out.push(stagingLine(lines, check(cells), cells, delimiter));
      }
      if (out.length && !copy.write(out.join(''))) await Promise.race([once(copy, 'drain'), copied]);
      if (bytesDone - reported >= PROGRESS_BYTES) {
        reported = bytesDone;
        await db.update(contactImports).set({ bytesDone, rowsDone: lines }).where(eq(contactImports.id, row.id));
      }
    }
    copy.end();
    await copied;
    const outcome = await upsert(client, row, mapping, lines - (row.hasHeader ? 1 : 0));
    await client.query('commit');
    ok = true;
    return outcome;
  } finally {
    if (!ok) await client.query('rollback').catch(() => {});
    await releasePgClient(client, !ok);
    await releasePgClient(reader, !ok);
  }
}

/** The set-based part, on the staging table, in the import's transaction. */
async function upsert(
  client: pg.PoolClient,
  row: typeof contactImports.$inferSelect,
  mapping: NonNullable<(typeof contactImports.$inferSelect)['mapping']>,
  lines: number,
): Promise<ImportOutcome> {
  const q = async <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    (await client.query<T>(text, values)).rows;
  const { kinds, fieldIds } = mappedKinds(mapping);
  await q('delete from contact_import_errors where import_id = $1', [row.id]);
  const [{ invalid }] = await q<{ invalid: number }>(
    `with bad as (insert into contact_import_errors (import_id, line, reason, "column", value, raw)
                  select $1, line, reason, col, value, raw from import_staging where reason is not null returning 1)
     select count(*)::int as invalid from bad`,
    [row.id],
  );
  // One line per number: "update" keeps the last, "skip" the first. Byte order ("C"): sorting a
  // million numbers by a language's collation costs several times as much, for the same groups.
  await q(`create temporary table import_rows on commit drop as
             select distinct on (phone collate "C") * from import_staging where reason is null
              order by phone collate "C", line ${row.onDuplicate === 'update' ? 'desc' : 'asc'}`);
  await q('analyze import_rows');
  const [{ valid }] = await q<{ valid: number }>('select count(*)::int as valid from import_staging where reason is null');

  if (kinds.has('groups')) {
    await q('select pg_advisory_xact_lock(7246102, $1)', [row.accountId]);
    const [{ total }] = await q<{ total: number }>(
      `select (select count(*) from contact_groups where account_id = $1)
            + (select count(distinct n.name) from import_rows r cross join jsonb_array_elements_text(r.groups) n(name)
                where not exists (select 1 from contact_groups g where g.account_id = $1 and g.name = n.name))::int as total`,
      [row.accountId],
    );
    if (total > MAX_CONTACT_GROUPS) throw new AppError('too_many_groups', { params: { max: MAX_CONTACT_GROUPS } });
    await q(
      `insert into contact_groups (account_id, name)
       select distinct $1::int, n.name from import_rows r cross join jsonb_array_elements_text(r.groups) n(name)
       order by n.name on conflict (account_id, name) do nothing`,
      [row.accountId],
    );
  }

  const { created, updated } = await upsertContacts(client, row, kinds, fieldIds);
  if (kinds.has('groups')) {
    await q(
      `insert into contact_group_members (group_id, contact_id)
       select distinct g.id, c.id
         from import_rows r
         cross join jsonb_array_elements_text(r.groups) n(name)
         join contact_groups g on g.account_id = $1 and g.name = n.name
         join contacts c on c.account_id = $1 and c.phone = r.phone
       on conflict do nothing`,
      [row.accountId],
    );
  }
  if (kinds.has('opted_out') || row.optOutAll) {
    await q(
      `insert into opt_outs (account_id, phone, reason, source, user_id)
       select $1, phone, $2, 'import', $3 from import_rows where opted_out or $4
       on conflict do nothing`,
      [row.accountId, `Import: ${row.fileName}`.slice(0, 200), row.userId, row.optOutAll],
    );
  }
  // A valid line that made no new contact repeats a number: an existing contact's or an earlier line's.
  const outcome = { created, updated, duplicates: valid - created, invalid, lines };
  await q(
    `update contact_imports set status = 'done', created = $2, updated = $3, duplicates = $4, invalid = $5, rows_done = $6,
            bytes_done = size_bytes, finished_at = now(), error = null where id = $1`,
    [row.id, outcome.created, outcome.updated, outcome.duplicates, outcome.invalid, lines],
  );
  await q('delete from contact_import_chunks where import_id = $1', [row.id]);
  return outcome;
}

type MappedKinds = ReturnType<typeof mappedKinds>['kinds'];

/** unique_violation, foreign_key_violation: what a writer racing the import's first statement causes. */
const RACED = new Set(['23505', '23503']);

/**
 * The contacts of import_rows: those whose number the account has are updated ("update": the
 * mapped columns only, an empty cell clears its value) or left alone ("skip"), the others
 * inserted, and all of them join the chosen group. First as one statement with a plain insert,
 * which costs about two thirds of an ON CONFLICT one (no speculative insertion per row). Its reads
 * see the contacts as they were when it began, so a writer that commits meanwhile can make it
 * wrong in three ways, each seen and undone to its savepoint, after which the ON CONFLICT upsert
 * runs instead (it waits for such writers and is right however they race): a number added (a
 * unique violation), a matched contact deleted before it joined the group (a foreign-key
 * violation), and a matched contact deleted or renumbered before "update" reached it (fewer
 * contacts updated than matched: its number would have been neither updated nor added).
 */
async function upsertContacts(
  client: pg.PoolClient,
  row: typeof contactImports.$inferSelect,
  kinds: MappedKinds,
  fieldIds: string[],
): Promise<{ created: number; updated: number }> {
  const update = row.onDuplicate === 'update';
  const params: unknown[] = [row.accountId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const fieldIdsParam = update && fieldIds.length ? param(fieldIds) : null;
  const group = row.groupId ? param(row.groupId) : null;
  // What an update changes, from `source` (the import's row or ON CONFLICT's excluded one).
  const sets = (source: string) =>
    [
      kinds.has('first_name') ? `first_name = ${source}.first_name` : null,
      kinds.has('last_name') ? `last_name = ${source}.last_name` : null,
      kinds.has('email') ? `email = ${source}.email` : null,
      fieldIds.length ? `custom_fields = (c.custom_fields - ${fieldIdsParam}::text[]) || ${source}.custom_fields` : null,
      'updated_at = now()',
    ]
      .filter(Boolean)
      .join(', ');
  const join = (ids: string) =>
    group ? `, joined as (insert into contact_group_members (group_id, contact_id) select ${group}::uuid, id from (${ids}) j order by id on conflict do nothing)` : '';
  const rows = `select $1::int as account_id, phone, coalesce(first_name, '') as first_name, coalesce(last_name, '') as last_name, email, fields as custom_fields from import_rows`;
  const byNumber = 'contacts c join import_rows r on c.account_id = $1 and c.phone = r.phone';
  const plain = `
    with matched as (${update ? `update contacts c set ${sets('r')} from (${rows}) r where c.account_id = $1 and c.phone = r.phone returning c.id` : `select c.id from ${byNumber}`}),
    added as (insert into contacts (account_id, phone, first_name, last_name, email, custom_fields)
              select * from (${rows}) r where not exists (select 1 from contacts c where c.account_id = $1 and c.phone = r.phone)
              returning id)${join('select id from matched union all select id from added')}
    select (select count(*) from added)::int as created, ${update ? '(select count(*) from matched)' : '0'}::int as updated,
           ${update ? `(select count(*) from ${byNumber})` : '0'}::int as existing`;
  const upsert = `
    with up as (insert into contacts as c (account_id, phone, first_name, last_name, email, custom_fields) ${rows}
                on conflict (account_id, phone) ${update ? `do update set ${sets('excluded')}` : 'do nothing'}
                returning id, (xmax = 0) as inserted)${update ? join('select id from up') : ''}
    select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from up`;
  await client.query('savepoint import_contacts');
  try {
    const [{ created, updated, existing }] = (await client.query<{ created: number; updated: number; existing: number }>(plain, params)).rows;
    if (updated === existing) {
      await client.query('release savepoint import_contacts');
      return { created, updated };
    }
  } catch (error) {
    if (!RACED.has((error as { code?: string }).code ?? '')) throw error;
  }
  await client.query('rollback to savepoint import_contacts');
  // ("skip" names only the account there: the group is joined below.)
  const [counted] = (await client.query<{ created: number; updated: number }>(upsert, update ? params : [row.accountId])).rows;
  // With "skip" the contacts left alone do not come back from the upsert: found by number, in a
  // statement of their own that sees what the racing writer committed.
  if (group && !update) {
    await client.query(`insert into contact_group_members (group_id, contact_id) select ${group}::uuid, c.id from ${byNumber} order by c.id on conflict do nothing`, params);
  }
  return counted;
}
