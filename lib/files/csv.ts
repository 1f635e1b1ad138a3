import type pg from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import { pgPool, releasePgClient } from '@/db/pg';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/**
 * The product's one CSV writer (campaign downloads now, the Reports feature next).
 *
 * Output: RFC 4180 (CRLF record ends, fields quoted when they hold a comma, quote, CR or LF,
 * quotes doubled), UTF-8 with a BOM so that Excel reads Cyrillic right, and CSV-injection
 * safe (shared/spec/security.md, "Output safety"): a text cell that starts with = + - @ TAB CR
 * or LF gets a leading ' and is quoted.
 *
 * Two ways in, one format out:
 * - SQL: PostgreSQL's own `COPY (query) TO STDOUT (FORMAT csv, HEADER)` does the formatting
 *   (the fastest pipeline we have, shared/spec/performance.md). User text columns go through
 *   `csvSafeSql()` in the query and are listed in `forceQuote`; `copyCsv()` streams the result,
 *   adds the BOM, turns COPY's LF record ends into CRLF and merges chunks into ~64 KiB.
 * - JS: `csvCell()` / `csvRow()` for the odd line written from JavaScript. Both paths are
 *   tested against the same payloads and give the same bytes.
 */

export const CSV_BOM = '\uFEFF';
export const CSV_BOM_BYTES = new Uint8Array([0xef, 0xbb, 0xbf]);
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** True when a spreadsheet could read this text as a formula. */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text);
}

/** The text a cell holds after neutralisation: formula-like text gets a leading '. */
export function neutralize(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export type CsvCellOptions = {
  /** Quote every non-empty text cell, as COPY's FORCE_QUOTE does for the user text columns. */
  forceQuote?: boolean;
};

/**
 * One CSV field. null/undefined -> empty; numbers, bigints and booleans as they are (a number
 * is never a formula); Dates as ISO 8601 (UTC); text neutralised, then quoted when it needs it
 * (and always when it was neutralised), with quotes doubled.
 */
export function csvCell(value: unknown, options: CsvCellOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  const raw = String(value);
  const text = neutralize(raw);
  if (options.forceQuote || text !== raw || NEEDS_QUOTES.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** One CSV record, CRLF-terminated. */
export function csvRow(values: readonly unknown[], options: CsvCellOptions = {}): string {
  return `${values.map((value) => csvCell(value, options)).join(',')}\r\n`;
}

/**
 * A SQL expression for a user-controlled text column, neutralised like `neutralize()`.
 * `column` is SQL written by us (a column reference such as `m.content`), never user input:
 * it is checked to be a plain, optionally qualified, identifier. The result still has to be
 * quoted by COPY: list the output column in `copyCsv(..., { forceQuote })`.
 */
export function csvSafeSql(column: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(column)) throw new Error(`not a column reference: ${column}`);
  // The code point of the first character is one of = + - @ TAB LF CR (as FORMULA_START).
  // ascii('') is 0 and ascii(NULL) is NULL (the value stays NULL). Same result as
  // `col ~ E'^[=+\\-@\t\r\n]'`, but an integer test: ~25 % faster over 1M rows x 5 columns.
  return `(case when ascii(${column}) in (61, 43, 45, 64, 9, 10, 13) then '''' || ${column} else ${column} end)`;
}

/**
 * A SQL expression for a column of phone numbers (recipients, numeric sender names). A number in
 * E.164, "+" and up to 15 digits, cannot carry a formula, so it is written as it is ("+359…",
 * not "'+359…"); anything else in the column is neutralised as by csvSafeSql. Still list the
 * output column in `forceQuote`.
 */
export function csvPhoneSql(column: string): string {
  return `(case when ${column} ~ '^[+][1-9][0-9]{1,14}$' then ${column} else ${csvSafeSql(column)} end)`;
}

/**
 * A quoted SQL identifier for an output column name: ours, or a custom contact field's name
 * (lib/contacts/values.ts checkFieldName). Letters of any script, digits, spaces, _ . -, never
 * beginning like a formula (COPY writes the header as it is), at most 63 bytes (PostgreSQL
 * would cut a longer one).
 */
export function sqlIdentifier(name: string): string {
  if (!/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u.test(name) || Buffer.byteLength(name) > 63) throw new Error(`not an allowed column name: ${name}`);
  return `"${name}"`;
}

/**
 * Turns COPY's output into the final bytes: a BOM first, CRLF for each record end (an LF
 * outside quotes: COPY quotes every field holding CR or LF, so an LF inside a field is always
 * inside quotes), and chunks merged into `chunkBytes`-sized buffers (COPY hands over small,
 * uneven pieces; fewer, larger chunks make everything downstream cheaper, gzip above all).
 * Counts the records it has seen. Pure: tested on its own with arbitrary chunk boundaries.
 */
export class CsvChunker {
  private buffer: Uint8Array;
  private used = 0;
  private inQuotes = false;
  /** Records ended so far (the header line included). */
  records = 0;
  /** Bytes handed out so far. */
  bytes = 0;

  constructor(
    private readonly emit: (chunk: Uint8Array) => void,
    private readonly options: { chunkBytes?: number; bom?: boolean; crlf?: boolean } = {},
  ) {
    this.buffer = new Uint8Array(this.size);
    if (options.bom ?? true) this.write(CSV_BOM_BYTES, 0, CSV_BOM_BYTES.length);
  }

  private get size(): number {
    return this.options.chunkBytes ?? 64 * 1024;
  }

  push(input: Uint8Array): void {
    const crlf = this.options.crlf ?? true;
    let start = 0;
    let inQuotes = this.inQuotes;
    let records = 0;
    for (let i = 0; i < input.length; i++) {
      const byte = input[i];
      if (byte === 0x22) {
        // A doubled quote inside a field toggles twice: the state stays right.
        inQuotes = !inQuotes;
      } else if (byte === 0x0a && !inQuotes) {
        records++;
        if (crlf) {
          // Everything up to the LF, then a CR; the LF goes out with the next segment.
          this.write(input, start, i);
          this.writeByte(0x0d);
          start = i;
        }
      }
    }
    this.inQuotes = inQuotes;
    this.records += records;
    this.write(input, start, input.length);
  }

  /** Hands out what is left. */
  flush(): void {
    if (this.used === 0) return;
    const last = this.buffer.subarray(0, this.used);
    this.buffer = new Uint8Array(0);
    this.used = 0;
    this.bytes += last.length;
    this.emit(last);
  }

  private write(source: Uint8Array, from: number, to: number): void {
    while (from < to) {
      if (this.buffer.length === 0) this.buffer = new Uint8Array(this.size);
      const n = Math.min(to - from, this.buffer.length - this.used);
      this.buffer.set(source.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === this.buffer.length) this.emitFull();
    }
  }

  private writeByte(byte: number): void {
    if (this.buffer.length === 0) this.buffer = new Uint8Array(this.size);
    this.buffer[this.used++] = byte;
    if (this.used === this.buffer.length) this.emitFull();
  }

  private emitFull(): void {
    const full = this.buffer;
    this.buffer = new Uint8Array(this.size);
    this.used = 0;
    this.bytes += full.length;
    this.emit(full);
  }
}

const MAX_CONCURRENT_EXPORTS = env().CSV_EXPORT_CONCURRENCY;
let activeExports = 0;

/** Exports running in this process (each on its own connection). */
export function runningExports(): number {
  return activeExports;
}

export type CopyCsvOptions = {
  /** Output column names to quote always: every user text column (see csvSafeSql). */
  forceQuote?: readonly string[];
  /** Session settings applied with set_config() (bind parameters) before COPY, e.g. TimeZone. */
  settings?: Readonly<Record<string, string>>;
  /** Write the header line (column names). Default true. */
  header?: boolean;
  /** Default true. */
  bom?: boolean;
  /** Default true (RFC 4180); false keeps COPY's LF. */
  crlf?: boolean;
  /** Default 64 KiB. */
  chunkBytes?: number;
  /** Data records (header excluded) and bytes so far, after each chunk. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
  /** Where failures go (the stream is errored too). Default: console.error. */
  onError?: (error: unknown) => void;
  /** The pool to read from: the primary's (default) or a replica's (db/replica.ts). */
  pool?: pg.Pool;
};

/**
 * Streams `COPY (query) TO STDOUT (FORMAT csv, HEADER)` as the product's CSV bytes.
 *
 * `query` is SQL text and COPY takes no bind parameters (42P02), so whatever varies must reach
 * it as a literal that the caller validated before building the string: a uuid that matched
 * the uuid regex, an integer that passed Number.isSafeInteger. Nothing from a request is ever
 * pasted in as free text. Anything else (a time zone, a name) goes in `settings`: set_config()
 * runs as an ordinary query with bind parameters on the same session, and the query reads the
 * value back with current_setting(). Column references are built by us (csvSafeSql checks
 * them) and output names by sqlIdentifier().
 *
 * Runs on a connection of the process's `pg` pool (db/pg.ts) with pg-copy-streams, not on
 * postgres.js: postgres.js can leave a connection hung after a COPY stream that met backpressure
 * (performance.md). The connection goes back to the pool, its settings reset, when the stream
 * ends; when it fails or is cancelled (the client went away) the connection is destroyed, so the
 * server stops sending at once. Backpressure is end to end: COPY's socket is paused while the
 * consumer is not reading, so memory stays constant however many rows there are.
 *
 * Throws AppError 'busy' (synchronously) when CSV_EXPORT_CONCURRENCY (default 4) exports run:
 * each one holds a database connection.
 */
export function copyCsv(query: string, options: CopyCsvOptions = {}): ReadableStream<Uint8Array> {
  if (activeExports >= MAX_CONCURRENT_EXPORTS) throw new AppError('busy');
  const copyOptions = ['FORMAT csv', `HEADER ${options.header === false ? 'false' : 'true'}`];
  if (options.forceQuote?.length) copyOptions.push(`FORCE_QUOTE (${options.forceQuote.map(sqlIdentifier).join(', ')})`);
  const copySql = `COPY (${query}) TO STDOUT (${copyOptions.join(', ')})`;
  const settings = Object.entries(options.settings ?? {});
  for (const [name] of settings) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) throw new Error(`not a setting name: ${name}`);
  }
  const headerLines = options.header === false ? 0 : 1;
  const report = options.onError ?? ((error: unknown) => console.error('CSV export failed', error));

  activeExports++;
  let client: pg.PoolClient | null = null;
  let source: CopyToStreamQuery | null = null;
  let released = false;

  /** Gives the connection back once; `destroy` (failure or cancel) drops it instead. */
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    activeExports--;
    const owned = client;
    client = null;
    if (source && destroy) source.destroy();
    source = null;
    // In COPY OUT the server only writes; a polite Terminate would wait behind the rest of the
    // data. Dropping the socket ends the backend's COPY at its next write.
    if (owned) void releasePgClient(owned, destroy);
  };

  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        let failed = false;
        const fail = (error: unknown) => {
          if (failed || released) return;
          failed = true;
          report(error);
          try {
            controller.error(error);
          } catch {
            // already closed or errored
          }
          release(true);
        };
        const chunker = new CsvChunker(
          (chunk) => {
            // COPY data already read can still arrive after a failure (the server went away
            // mid-export) or a cancel: the stream is finished then, and enqueue would throw.
            if (failed || released) return;
            controller.enqueue(chunk);
            options.onProgress?.({ rows: Math.max(0, chunker.records - headerLines), bytes: chunker.bytes });
          },
          { chunkBytes: options.chunkBytes, bom: options.bom, crlf: options.crlf },
        );
        try {
          const connection = await (options.pool ?? pgPool()).connect();
          if (released) return connection.release(); // cancelled while it waited for a connection
          client = connection;
          for (const [name, value] of settings) {
            if (released) return; // cancelled meanwhile: release() has given the connection back
            await connection.query('select set_config($1, $2, false)', [name, value]);
          }
          if (released) return;
          const stream = connection.query(copyTo(copySql));
          source = stream;
          stream.on('data', (chunk: Buffer) => {
            chunker.push(chunk);
            if ((controller.desiredSize ?? 1) <= 0) stream.pause();
          });
          stream.on('end', () => {
            if (released) return;
            chunker.flush();
            controller.close();
            release(false);
          });
          stream.on('error', fail);
        } catch (error) {
          fail(error);
        }
      },
      pull() {
        source?.resume();
      },
      cancel() {
        release(true);
      },
    },
    // Up to 4 merged chunks (~256 KiB) wait for the consumer before COPY is paused.
    { highWaterMark: 4 },
  );
}
