import fc from 'fast-check';
import Papa from 'papaparse';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { AppError } from '@/lib/errors';
import { CSV_PAYLOADS, parseCsv } from './csv-testing';
import { contentDisposition } from './download';
import { copyCsv, csvCell, CsvChunker, csvRow, csvSafeSql, isFormulaLike, neutralize, runningExports } from './csv';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, chunks: parts.map((p) => p.length) };
}

describe('csvCell (the JS path)', () => {
  it('neutralises every formula-like start, quotes and doubles quotes', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1+1')).toBe(`"'-1+1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('\n=1')).toBe(`"'\n=1"`);
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('Здравей')).toBe('Здравей');
    expect(csvCell(' =1')).toBe(' =1');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvCell('x', { forceQuote: true })).toBe('"x"');
    expect(csvRow(['a', '=b', 1])).toBe(`a,"'=b",1\r\n`);
  });

  it('round-trips any text through a strict RFC 4180 reader, neutralised', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const { rows: parsed } = parseCsv(rows.map((row) => csvRow(row)).join(''));
        expect(parsed).toEqual(rows.map((row) => row.map(neutralize)));
        for (const cell of parsed.flat()) expect(isFormulaLike(cell)).toBe(false);
      }),
    );
  });
});

// Text that often starts like a formula (the cells CSV injection is about), and any text at all.
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\n'];
const cellText = fc.oneof(
  fc.tuple(fc.constantFrom(...FORMULA_STARTS), fc.string({ unit: 'binary', maxLength: 30 })).map(([start, rest]) => start + rest),
  fc.constantFrom(...CSV_PAYLOADS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
/** The spec's rule, by code point: = + - @ TAB CR LF. */
const startsLikeFormula = (text: string) => [0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, 0x0a].includes(text.charCodeAt(0));

describe('csvCell properties', () => {
  it('neutralises exactly the formula-like cells: one leading apostrophe, always quoted, nothing else changed', () => {
    fc.assert(
      fc.property(cellText, (text) => {
        expect(isFormulaLike(text)).toBe(startsLikeFormula(text));
        expect(neutralize(text)).toBe(startsLikeFormula(text) ? `'${text}` : text);
        expect(startsLikeFormula(neutralize(text))).toBe(false);
        const cell = csvCell(text);
        if (startsLikeFormula(text)) expect(cell.startsWith(`"'`)).toBe(true);
        // Unquoted only when there is nothing to quote, and then the text as it is.
        if (!cell.startsWith('"')) {
          expect(cell).toBe(text);
          expect(/[",\r\n]/.test(text)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any rows through papaparse too (a third-party RFC 4180 reader), no cell starting like a formula', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cellText, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = rows.map((row) => csvRow(row)).join('');
        const parsed = Papa.parse<string[]>(text, { delimiter: ',', newline: '\r\n', quoteChar: '"', escapeChar: '"', skipEmptyLines: false });
        expect(parsed.errors).toEqual([]);
        // The CRLF that ends the last record leaves papaparse one empty row after it.
        expect(parsed.data.at(-1)).toEqual(['']);
        expect(parsed.data.slice(0, -1)).toEqual(rows.map((row) => row.map(neutralize)));
        for (const cell of parsed.data.flat()) expect(startsLikeFormula(cell)).toBe(false);
        // And the strict reader sees every neutralised field quoted.
        const { raw } = parseCsv(text);
        for (const [r, row] of rows.entries()) {
          for (const [c, cell] of row.entries()) if (startsLikeFormula(cell)) expect(raw[r][c].startsWith(`"'`)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('CsvChunker', () => {
  it('adds the BOM, turns record LFs into CRLF (not LFs inside quotes) and merges chunks, whatever the boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 64 }),
        (rows, cuts, chunkBytes) => {
          // What COPY sends: LF record ends (fields holding CR or LF are quoted).
          const copyText = rows.map((row) => row.map((cell) => csvCell(cell, { forceQuote: true })).join(',') + '\n').join('');
          const input = new TextEncoder().encode(copyText);
          const out: Uint8Array[] = [];
          const chunker = new CsvChunker((chunk) => out.push(chunk.slice()), { chunkBytes });
          let offset = 0;
          for (let i = 0; offset < input.length; i++) {
            const size = cuts[i % cuts.length];
            chunker.push(input.subarray(offset, offset + size));
            offset += size;
          }
          chunker.flush();
          const joined = Buffer.concat(out);
          expect(joined.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
          expect(decoder.decode(joined.subarray(3))).toBe(rows.map((row) => csvRow(row, { forceQuote: true })).join(''));
          expect(chunker.records).toBe(rows.length);
          expect(chunker.bytes).toBe(joined.length);
          // Every chunk but the last is full.
          for (const chunk of out.slice(0, -1)) expect(chunk.length).toBe(chunkBytes);
        },
      ),
    );
  });
});

describe('csvSafeSql + copyCsv (the SQL path)', () => {
  it('gives the same bytes as csvCell for every payload, through the real COPY', async () => {
    // The payloads travel as a session setting (a bind parameter of set_config), never as SQL text.
    const query = `select ${csvSafeSql('t.x')} as "Value", t.n as "N"
                     from jsonb_array_elements_text(current_setting('test.payloads')::jsonb) with ordinality as t(x, n)
                    order by t.n`;
    const { bytes } = await readAll(copyCsv(query, { forceQuote: ['Value'], settings: { 'test.payloads': JSON.stringify(CSV_PAYLOADS) } }));
    const expected = `\uFEFFValue,N\r\n${CSV_PAYLOADS.map((p, i) => `${csvCell(p, { forceQuote: true })},${i + 1}\r\n`).join('')}`;
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(expected);
    const { rows } = parseCsv(decoder.decode(bytes.subarray(3)));
    expect(rows.slice(1).map((r) => r[0])).toEqual(CSV_PAYLOADS.map(neutralize));
    expect(rows.slice(1).every((r) => !isFormulaLike(r[0]))).toBe(true);
  });

  it('gives the same bytes as csvCell for any text, through the real COPY', async () => {
    // PostgreSQL text holds no NUL and only well-formed UTF-16 reaches it as UTF-8.
    const pgText = cellText.filter((t) => !t.includes('\0') && t.isWellFormed());
    const query = `select ${csvSafeSql('t.x')} as "Value", t.n as "N"
                     from jsonb_array_elements_text(current_setting('test.payloads')::jsonb) with ordinality as t(x, n)
                    order by t.n`;
    await fc.assert(
      fc.asyncProperty(fc.array(pgText, { minLength: 1, maxLength: 40 }), async (payloads) => {
        const { bytes } = await readAll(copyCsv(query, { forceQuote: ['Value'], settings: { 'test.payloads': JSON.stringify(payloads) } }));
        const expected = `\uFEFFValue,N\r\n${payloads.map((p, i) => `${csvCell(p, { forceQuote: true })},${i + 1}\r\n`).join('')}`;
        expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(expected);
      }),
      { numRuns: 25 },
    );
    expect(runningExports()).toBe(0);
  });

  it('keeps NULL as an empty, unquoted field and refuses column expressions that are not plain references', async () => {
    const { bytes } = await readAll(copyCsv(`select ${csvSafeSql('t.x')} as "Value" from (values (null::text)) t(x)`, { forceQuote: ['Value'] }));
    expect(decoder.decode(bytes)).toBe('\uFEFFValue\r\n\r\n');
    expect(() => csvSafeSql("x); drop table messages; --")).toThrow();
    expect(() => copyCsv('select 1', { forceQuote: ['a"b'] })).toThrow();
    expect(() => copyCsv('select 1', { settings: { "x'; drop": 'y' } })).toThrow();
  });

  it('streams large results in ~64 KiB chunks and closes its connection at the end', async () => {
    let progress = { rows: 0, bytes: 0 };
    const { bytes, chunks } = await readAll(
      copyCsv(`select g as "N", repeat('ж', 20) as "Text" from generate_series(1, 50000) g`, { onProgress: (p) => (progress = p) }),
    );
    expect(chunks.slice(0, -1).every((n) => n === 64 * 1024)).toBe(true);
    expect(progress).toEqual({ rows: 50_000, bytes: bytes.length });
    expect(runningExports()).toBe(0);
    await expect.poll(csvBackends, { timeout: 5_000 }).toBe(0);
  });

  it('drops the connection when the reader cancels mid-stream', async () => {
    const stream = copyCsv(`select g as "N", repeat('x', 200) as "Text" from generate_series(1, 5000000) g`);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(runningExports()).toBe(1);
    await reader.cancel();
    expect(runningExports()).toBe(0);
    await expect.poll(csvBackends, { timeout: 5_000 }).toBe(0);
  });

  it('refuses a fifth concurrent export (each holds a connection) until one ends', async () => {
    // Three large exports held open by readers that do not read, and a small one.
    const held = Array.from({ length: 3 }, () => copyCsv(`select g as "N", repeat('x', 200) as "T" from generate_series(1, 5000000) g`));
    const small = copyCsv('select 1 as "X"');
    expect(runningExports()).toBe(4);
    expect(() => copyCsv('select 1 as "X"')).toThrow(AppError);
    await readAll(small);
    expect(runningExports()).toBe(3);
    expect(decoder.decode((await readAll(copyCsv('select 1 as "X"'))).bytes)).toBe('\uFEFFX\r\n1\r\n');
    await Promise.all(held.map((s) => s.cancel()));
    expect(runningExports()).toBe(0);
    await expect.poll(csvBackends, { timeout: 5_000 }).toBe(0);
  });

  it('errors the stream (and frees the connection) when the query fails', async () => {
    const errors: unknown[] = [];
    await expect(readAll(copyCsv('select 1 / 0 as "X"', { onError: (e) => errors.push(e) }))).rejects.toThrow(/division by zero/);
    expect(errors).toHaveLength(1);
    expect(runningExports()).toBe(0);
    await expect.poll(csvBackends, { timeout: 5_000 }).toBe(0);
  });
});

async function csvBackends(): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity where application_name = 'sms-portal-csv' and datname = current_database()`,
  );
  return row.n;
}

describe('contentDisposition', () => {
  it('encodes user text per RFC 5987 with an ASCII fallback, stripping CR/LF and quotes', () => {
    expect(contentDisposition('Пролет "2026"\r\nSet-Cookie: x=1', 'csv')).toBe(
      `attachment; filename="2026_Set-Cookie_x_1.csv"; filename*=UTF-8''%D0%9F%D1%80%D0%BE%D0%BB%D0%B5%D1%82%202026%20Set-Cookie%20x%3D1.csv`,
    );
    expect(contentDisposition('report (1)!~', 'pdf')).toBe(`attachment; filename="report_1.pdf"; filename*=UTF-8''report%20%281%29!~.pdf`);
    expect(contentDisposition('../../etc/passwd', 'csv')).toMatch(/^attachment; filename="etc_passwd.csv"; filename\*=UTF-8''etc%20passwd.csv$/);
    expect(contentDisposition('', 'csv')).toBe(`attachment; filename="download.csv"; filename*=UTF-8''download.csv`);
    expect(contentDisposition('x'.repeat(500), 'csv').length).toBeLessThan(300);
    expect(() => contentDisposition('a', 'c"sv')).toThrow();
  });
});
