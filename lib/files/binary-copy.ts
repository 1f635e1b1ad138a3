import type pg from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import { isUuid } from '@/lib/validation';

// PostgreSQL's binary COPY format (documented with COPY): the signature PGCOPY\n\377\r\n\0, 32-bit
// flags and a 32-bit header-extension length; then each row a 16-bit field count and each field
// a 32-bit length (-1: NULL) then its bytes; a field count of -1 ends the data. Stored files are
// read this way, as they arrive: a query's result would bring their bytea hex-encoded, twice the
// bytes both ways.

const SIGNATURE = 'PGCOPY\n\xff\r\n\0';
const HEADER_BYTES = 19;

/**
 * The values of a binary COPY of one bytea column, joined in row order, as they arrive: pieces of
 * whatever size the connection gives (a value is never held whole). NULLs add nothing. Throws if
 * the data ends before its end marker.
 */
export async function* binaryCopyValues(parts: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array> {
  let pending = Buffer.alloc(0);
  // What the next bytes are: the header, a row's field count, a field's length, or `left` bytes of a value.
  let expect: 'header' | 'row' | 'length' | 'value' = 'header';
  let left = 0;
  for await (const part of parts) {
    let data = pending.length ? Buffer.concat([pending, part]) : part;
    pending = Buffer.alloc(0);
    while (data.length) {
      if (expect === 'value') {
        const piece = data.subarray(0, left);
        left -= piece.length;
        data = data.subarray(piece.length);
        yield piece;
        if (left === 0) expect = 'row';
        continue;
      }
      if (expect === 'header' && data.length >= SIGNATURE.length && data.toString('latin1', 0, SIGNATURE.length) !== SIGNATURE) {
        throw new Error('not a binary COPY');
      }
      const need = expect === 'header' ? HEADER_BYTES : expect === 'row' ? 2 : 4;
      const extension = expect === 'header' && data.length >= HEADER_BYTES ? data.readUInt32BE(15) : 0;
      if (data.length < need + extension) {
        pending = Buffer.from(data);
        break;
      }
      if (expect === 'header') {
        data = data.subarray(HEADER_BYTES + extension);
        expect = 'row';
      } else if (expect === 'row') {
        const fields = data.readInt16BE(0);
        data = data.subarray(2);
        if (fields === -1) return;
        if (fields !== 1) throw new Error(`binary COPY row with ${fields} fields`);
        expect = 'length';
      } else {
        const length = data.readInt32BE(0);
        data = data.subarray(4);
        left = Math.max(length, 0);
        expect = left ? 'value' : 'row';
      }
    }
  }
  throw new Error('binary COPY cut short');
}

/** Where each kind of stored file keeps its chunks (bytea `data`, in `seq` order), by its owner's id. */
const STORED_FILES = {
  report: { table: 'report_file_chunks', owner: 'run_id' },
  import: { table: 'contact_import_chunks', owner: 'import_id' },
} as const;

/**
 * A stored file's bytes as the connection brings them: one binary COPY of its chunks in order on
 * `client` (one statement, one snapshot: a cleanup meanwhile cannot cut it), through
 * binaryCopyValues. `copy` is the COPY's stream, for a reader that stops early to destroy.
 */
export function readStoredFile(client: pg.PoolClient, kind: keyof typeof STORED_FILES, id: string): { copy: CopyToStreamQuery; values: AsyncGenerator<Uint8Array> } {
  // COPY takes no bind parameters: the id goes in as text, so it must be a uuid.
  if (!isUuid(id)) throw new Error(`${kind} id is not a uuid`);
  const { table, owner } = STORED_FILES[kind];
  const copy = client.query(copyTo(`copy (select data from ${table} where ${owner} = '${id}' order by seq) to stdout (format binary)`));
  return { copy, values: binaryCopyValues(copy as AsyncIterable<Buffer>) };
}
