export type Encoding = 'gsm7' | 'ucs2';

export interface PartCount {
  encoding: Encoding;
  /** Code points in the message. */
  characters: number;
  /** Septets for gsm7, UTF-16 code units for ucs2. */
  units: number;
  parts: number;
  /** Capacity of each part in `units`: the single-part limit when parts <= 1. */
  perPart: number;
}

/** Hard limit on concatenated parts a message may be sent with. */
export const MAX_PARTS = 10;
/** Limit enforced by the composer UI (stricter than MAX_PARTS). */
export const UI_MAX_PARTS = 6;

export const GSM7_SINGLE_PART = 160;
export const GSM7_MULTI_PART = 153;
export const UCS2_SINGLE_PART = 70;
export const UCS2_MULTI_PART = 67;

// GSM 03.38 basic table, positions 0x00-0x7F minus the escape (0x1B). The Greek
// capitals are written as escapes so Latin look-alikes can't sneak in.
const GSM7_BASIC_CHARS =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E' +
  'ÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

const GSM7_EXTENSION_CHARS = '^{}[]~\\|€\f';

export const GSM7_BASIC: ReadonlySet<string> = new Set(GSM7_BASIC_CHARS);
export const GSM7_EXTENSION: ReadonlySet<string> = new Set(GSM7_EXTENSION_CHARS);

export function isGsm7Char(char: string): boolean {
  return GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char);
}

interface Layout {
  encoding: Encoding;
  characters: number;
  units: number;
  parts: string[];
}

function layout(text: string): Layout {
  const chars = Array.from(text);
  const encoding: Encoding = chars.every(isGsm7Char) ? 'gsm7' : 'ucs2';
  // An escape pair (gsm7) or a surrogate pair (ucs2) is one indivisible cost-2 item.
  const cost =
    encoding === 'gsm7'
      ? (c: string) => (GSM7_EXTENSION.has(c) ? 2 : 1)
      : (c: string) => c.length;
  const single = encoding === 'gsm7' ? GSM7_SINGLE_PART : UCS2_SINGLE_PART;
  const multi = encoding === 'gsm7' ? GSM7_MULTI_PART : UCS2_MULTI_PART;

  let units = 0;
  for (const c of chars) units += cost(c);

  if (units === 0) return { encoding, characters: 0, units, parts: [] };
  if (units <= single) return { encoding, characters: chars.length, units, parts: [text] };

  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const c of chars) {
    const n = cost(c);
    if (used + n > multi) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += c;
    used += n;
  }
  parts.push(current);
  return { encoding, characters: chars.length, units, parts };
}

export function splitParts(text: string): string[] {
  return layout(text).parts;
}

export function countParts(text: string): PartCount {
  const { encoding, characters, units, parts } = layout(text);
  const perPart =
    encoding === 'gsm7'
      ? parts.length > 1
        ? GSM7_MULTI_PART
        : GSM7_SINGLE_PART
      : parts.length > 1
        ? UCS2_MULTI_PART
        : UCS2_SINGLE_PART;
  return { encoding, characters, units, parts: parts.length, perPart };
}
