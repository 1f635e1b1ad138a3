// Test material for the CSV writer, shared by lib/reports/csv.test.ts and
// tests/delivery-report.test.ts. Not used by the app.

/**
 * CSV injection and escaping payloads (OWASP CSV Injection, shared/spec/security.md), shared by
 * the unit tests of both CSV paths (SQL through COPY, and csvCell) and the route tests.
 */
export const CSV_PAYLOADS: readonly string[] = [
  '=HYPERLINK("http://x","y")',
  '=1+1',
  '+1',
  '-1+1',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '\n=1',
  '=cmd|\' /C calc\'!A0',
  'say "hi"',
  '"',
  '""',
  'a,b',
  'line1\nline2',
  'line1\r\nline2',
  'ends with CR\r',
  'Здравейте, поръчката ви е готова',
  '=Здравей',
  "'already quoted",
  ' =1 (leading space)',
  'plain',
  '',
];

/** A strict RFC 4180 reader: CRLF record ends only, quotes doubled; also returns each raw field. */
export function parseCsv(text: string): { rows: string[][]; raw: string[][] } {
  const rows: string[][] = [];
  const raw: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    const rawRow: string[] = [];
    for (;;) {
      const start = i;
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else value += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`stray quote at ${i}`);
          value += text[i++];
        }
      }
      row.push(value);
      rawRow.push(text.slice(start, i));
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      }
      throw new Error(`record not ended by CRLF at ${i}: ${JSON.stringify(text.slice(i, i + 10))}`);
    }
    rows.push(row);
    raw.push(rawRow);
  }
  return { rows, raw };
}
