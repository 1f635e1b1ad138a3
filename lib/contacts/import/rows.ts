import Papa from 'papaparse';
import type { ContactImportMapping } from '@/db/schema';
import type { ErrorCode } from '@/lib/errors';
import type { ContactField } from '../fields';
import { MAX_IMPORT_COLUMNS } from '../limits';
import { checkEmail, checkFieldValue, checkName, checkPhone, isYes, splitGroupNames, checkGroupName } from '../values';

/**
 * The pure part of an import: the file's encoding and separator, a first guess at what each
 * column holds, and one line checked and normalised. No database: the import job
 * (./run.ts) feeds it a million lines, the mapping page its first rows, the tests anything.
 */

export const IMPORT_ENCODINGS = ['utf-8', 'windows-1251'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
export const IMPORT_DELIMITERS = [',', ';', '\t'] as const;
export type ImportDelimiter = (typeof IMPORT_DELIMITERS)[number];

export type ColumnTarget = NonNullable<ContactImportMapping['columns'][number]>;

/** UTF-8 if the bytes are (a BOM, or nothing UTF-8 refuses), else Windows-1251 (Cyrillic from Excel). */
export function sniffEncoding(bytes: Uint8Array): ImportEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  try {
    // stream: a sequence cut by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1251';
  }
}

/** The file's separator as papaparse guesses it from a sample, among , ; and TAB. */
export function sniffDelimiter(sample: string): ImportDelimiter {
  const guessed = Papa.parse<string[]>(sample, { preview: 20, skipEmptyLines: 'greedy', delimitersToGuess: [...IMPORT_DELIMITERS] }).meta.delimiter;
  return (IMPORT_DELIMITERS as readonly string[]).includes(guessed) ? (guessed as ImportDelimiter) : ',';
}

/** The first rows of a sample (its last line may be cut: dropped unless it is the only one). */
export function previewRows(sample: string, delimiter: ImportDelimiter, rows: number, complete: boolean): string[][] {
  const parsed = Papa.parse<string[]>(sample.replace(/^\uFEFF/, ''), { delimiter, preview: rows + 1, skipEmptyLines: 'greedy' }).data;
  const whole = complete || parsed.length <= rows ? parsed : parsed.slice(0, rows);
  return whole.slice(0, rows).map((row) => row.slice(0, MAX_IMPORT_COLUMNS));
}

const HEADER_GUESSES: [RegExp, ColumnTarget['kind']][] = [
  [/(phone|mobile|msisdn|number|gsm|номер|телефон|тел\b|мобилен)/i, 'phone'],
  [/(first|given|^name$|^име$|собствено)/i, 'first_name'],
  [/(last|surname|family|фамилия|презиме)/i, 'last_name'],
  [/(e-?mail|имейл|поща)/i, 'email'],
  [/(group|груп)/i, 'groups'],
  [/(opt(ed)?[\s_-]?out|blacklist|unsubscrib|отказ|отписан|черен)/i, 'opted_out'],
];

/** What each column probably holds: by its header, or (no header) the column whose values are numbers. */
export function suggestMapping(header: string[] | null, rows: string[][], fields: readonly ContactField[], country: string): ContactImportMapping['columns'] {
  const width = Math.max(header?.length ?? 0, ...rows.map((r) => r.length));
  const taken = new Set<string>();
  const columns: ContactImportMapping['columns'] = Array.from({ length: width }, (_, i) => {
    const title = header?.[i]?.trim() ?? '';
    if (title === '') return null;
    const field = fields.find((f) => f.name.toLowerCase() === title.toLowerCase());
    if (field && !taken.has(field.id)) {
      taken.add(field.id);
      return { kind: 'field', fieldId: field.id };
    }
    const kind = HEADER_GUESSES.find(([pattern, kind]) => pattern.test(title) && !taken.has(kind))?.[1];
    if (!kind) return null;
    taken.add(kind);
    return { kind } as ColumnTarget;
  });
  if (!taken.has('phone')) {
    const numbers = (i: number) => rows.filter((row) => checkPhone(row[i] ?? '', country).ok).length;
    let best = -1;
    for (let i = 0; i < width; i++) if (columns[i] === null && numbers(i) > 0 && (best < 0 || numbers(i) > numbers(best))) best = i;
    if (best >= 0) columns[best] = { kind: 'phone' };
  }
  return columns;
}

/** Whether the first row is a header: none of its cells is a phone number, while later rows have some. */
export function looksLikeHeader(rows: string[][], country: string): boolean {
  if (rows.length < 2) return rows.length === 1 && !rows[0].some((cell) => checkPhone(cell, country).ok);
  const hasNumber = (row: string[]) => row.some((cell) => checkPhone(cell, country).ok);
  return !hasNumber(rows[0]) && rows.slice(1).some(hasNumber);
}

/** A line that passed: what the contact gets. `fields` holds non-empty values only. */
export type GoodLine = {
  phone: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  fields: Record<string, string>;
  groups: string[];
  optedOut: boolean;
};
export type BadLine = { reason: ErrorCode; column: string; value: string };

/** The checks of one mapping, compiled once for all lines. */
export function lineChecker(mapping: ContactImportMapping, fields: readonly ContactField[], country: string, header: string[] | null) {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const columnName = (i: number) => header?.[i]?.trim() || `#${i + 1}`;
  const targets = mapping.columns.map((target, i) => ({ target, i, name: columnName(i) })).filter((c) => c.target !== null);
  const phoneColumn = targets.find((c) => c.target!.kind === 'phone');
  if (!phoneColumn) throw new Error('a mapping without a phone column');

  return (cells: string[]): GoodLine | BadLine => {
    if (cells.length > MAX_IMPORT_COLUMNS) return { reason: 'import_too_many_columns', column: '', value: String(cells.length) };
    const raw = cells[phoneColumn.i] ?? '';
    const phone = checkPhone(raw, country);
    if (!phone.ok) return { reason: phone.code, column: phoneColumn.name, value: raw };
    const line: GoodLine = { phone: phone.value, firstName: null, lastName: null, email: null, fields: {}, groups: [], optedOut: false };
    for (const { target, i, name } of targets) {
      const cell = cells[i] ?? '';
      switch (target!.kind) {
        case 'phone':
          break;
        case 'first_name':
        case 'last_name': {
          const checked = checkName(cell);
          if (!checked.ok) return { reason: checked.code, column: name, value: cell };
          line[target!.kind === 'first_name' ? 'firstName' : 'lastName'] = checked.value;
          break;
        }
        case 'email': {
          const checked = checkEmail(cell);
          if (!checked.ok) return { reason: checked.code, column: name, value: cell };
          line.email = checked.value;
          break;
        }
        case 'groups':
          for (const group of splitGroupNames(cell)) {
            const checked = checkGroupName(group);
            if (!checked.ok) return { reason: checked.code, column: name, value: group };
            line.groups.push(checked.value);
          }
          break;
        case 'opted_out':
          line.optedOut = isYes(cell);
          break;
        case 'field': {
          const field = byId.get((target as { fieldId: string }).fieldId);
          if (!field) break;
          const checked = checkFieldValue(field.type, cell);
          if (!checked.ok) return { reason: checked.code, column: name, value: cell };
          if (checked.value !== '') line.fields[field.id] = checked.value;
          break;
        }
      }
    }
    return line;
  };
}

/** The columns a mapping fills, for an update that leaves the others as they are. */
export function mappedKinds(mapping: ContactImportMapping): { kinds: Set<ColumnTarget['kind']>; fieldIds: string[] } {
  const kinds = new Set<ColumnTarget['kind']>();
  const fieldIds: string[] = [];
  for (const target of mapping.columns) {
    if (!target) continue;
    kinds.add(target.kind);
    if (target.kind === 'field') fieldIds.push(target.fieldId);
  }
  return { kinds, fieldIds };
}
