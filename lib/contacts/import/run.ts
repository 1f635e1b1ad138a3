import { once } from 'node:events';
import Papa from 'papaparse';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { eq, sql } from 'drizzle-orm';
import { db, isConnectionError } from '@/db';
import { pgPool, releasePgClient } from '@/db/pg';
import { accounts, contactImports } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { binaryCopyField } from '@/lib/files/binary-copy';
import { isUuid } from '@/lib/validation';
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
const DECODE_BYTES = 64 * 1024;

/**
 * The stored file, a slice at a time, each as its bytes: a binary COPY of one bytea (a query's
 * result would bring it hex-encoded, twice the size; lib/files/binary-copy.ts). One COPY per
 * slice, as the job's connection writes the staging COPY in between. `importId` is a checked
 * uuid and `seq` an integer: COPY takes no parameters.
 */
async function* storedChunks(client: pg.PoolClient, importId: string, done: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  if (!isUuid(importId)) throw new Error('import id is not a uuid');
  for (let seq = 0; ; seq++) {
    const stream = client.query(
      copyTo(`copy (select data from contact_import_chunks where import_id = '${importId}' and seq = ${seq}) to stdout (format binary)`),
    );
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    const data = binaryCopyField(Buffer.concat(parts));
    if (!data) return;
    // In pieces: the text decoded from each stays small (a 4 MB slice would be 8 MB of UTF-16 at once).
    for (let at = 0; at < data.length; at += DECODE_BYTES) yield data.subarray(at, at + DECODE_BYTES);
    done(data.length);
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
const PIECE_CHARS = 64 * 1024;

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
      storedChunks(reader, row.id, (n) => (bytesDone += n)),
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
      if (bytesDone > reported) {
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
    await releasePgClient(reader);
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
  // One line per number: "update" keeps the last, "skip" the first.
  await q(`create temporary table import_rows on commit drop as
             select distinct on (phone) * from import_staging where reason is null
              order by phone, line ${row.onDuplicate === 'update' ? 'desc' : 'asc'}`);
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

  const update = row.onDuplicate === 'update';
  const params: unknown[] = [row.accountId];
  const param = (value: unknown) => `$${params.push(value)}`;
  // What an update changes: the mapped columns only (an empty cell clears its value).
  const sets = [
    kinds.has('first_name') ? 'first_name = excluded.first_name' : null,
    kinds.has('last_name') ? 'last_name = excluded.last_name' : null,
    kinds.has('email') ? 'email = excluded.email' : null,
    update && fieldIds.length ? `custom_fields = (contacts.custom_fields - ${param(fieldIds)}::text[]) || excluded.custom_fields` : null,
    'updated_at = now()',
  ].filter(Boolean);
  const conflict = update ? `do update set ${sets.join(', ')}` : 'do nothing';
  // With "update" every line's contact comes back from the upsert: it joins the chosen group in
  // the same statement. With "skip" the contacts left alone do not, and are found by number.
  const join = update && row.groupId ? param(row.groupId) : null;
  const [{ created, updated }] = await q<{ created: number; updated: number }>(
    `with up as (
       insert into contacts (account_id, phone, first_name, last_name, email, custom_fields)
       select $1::int, phone, coalesce(first_name, ''), coalesce(last_name, ''), email, fields from import_rows
       on conflict (account_id, phone) ${conflict}
       returning id, (xmax = 0) as inserted)${
         join
           ? `,
     joined as (insert into contact_group_members (group_id, contact_id) select ${join}::uuid, id from up order by id on conflict do nothing)`
           : ''
       }
     select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from up`,
    params,
  );

  if (row.groupId && !join) {
    await q(
      `insert into contact_group_members (group_id, contact_id)
       select $2::uuid, c.id from import_rows r join contacts c on c.account_id = $1 and c.phone = r.phone
       order by c.id on conflict do nothing`,
      [row.accountId, row.groupId],
    );
  }
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
