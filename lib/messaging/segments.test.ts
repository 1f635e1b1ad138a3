import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  countParts,
  splitParts,
  isGsm7Char,
  GSM7_BASIC,
  GSM7_EXTENSION,
  MAX_PARTS,
  UI_MAX_PARTS,
} from './segments';

const a = (n: number) => 'a'.repeat(n);
const zh = (n: number) => 'ж'.repeat(n);

function unitsOf(part: string, encoding: 'gsm7' | 'ucs2'): number {
  if (encoding === 'ucs2') return part.length;
  let n = 0;
  for (const c of part) n += GSM7_EXTENSION.has(c) ? 2 : 1;
  return n;
}

describe('GSM 03.38 tables', () => {
  it('basic table has 127 characters (128 positions minus escape)', () => {
    expect(GSM7_BASIC.size).toBe(127);
  });

  it('extension table has the 10 two-septet characters', () => {
    expect([...GSM7_EXTENSION].sort()).toEqual(['\f', '[', '\\', ']', '^', '{', '|', '}', '~', '€'].sort());
  });

  it('uses real Greek capitals, not Latin look-alikes', () => {
    for (const c of 'ΔΦΓΛΩΠΨΣΘΞ') {
      expect(c.codePointAt(0)).toBeGreaterThanOrEqual(0x391);
      expect(c.codePointAt(0)).toBeLessThanOrEqual(0x3a9);
      expect(isGsm7Char(c)).toBe(true);
    }
  });

  it.each(['ç', '`', 'Ж', 'α', 'Α', '\u2126' /* ohm sign */, '😀', 'á', '\t', '\u00a0'])(
    '%j is not GSM-7',
    (c) => {
      expect(isGsm7Char(c)).toBe(false);
    },
  );

  it.each(['@', '£', '$', '¥', 'è', 'Ç', '\n', '\r', '_', '¤', '¡', '§', '¿', 'à', 'ß', 'É', '€', '\f'])(
    '%j is GSM-7',
    (c) => {
      expect(isGsm7Char(c)).toBe(true);
    },
  );
});

describe('countParts', () => {
  it('160 x "a" is one GSM-7 part', () => {
    expect(countParts(a(160))).toEqual({ encoding: 'gsm7', characters: 160, units: 160, parts: 1, perPart: 160 });
  });

  it('161 x "a" is two parts of 153', () => {
    expect(countParts(a(161))).toEqual({ encoding: 'gsm7', characters: 161, units: 161, parts: 2, perPart: 153 });
  });

  it('"€" + 158 x "a" fills exactly 160 septets in one part', () => {
    expect(countParts('€' + a(158))).toEqual({ encoding: 'gsm7', characters: 159, units: 160, parts: 1, perPart: 160 });
  });

  it('"€" + 159 x "a" needs two parts', () => {
    expect(countParts('€' + a(159))).toMatchObject({ units: 161, parts: 2 });
  });

  it('70 x "ж" is one UCS-2 part', () => {
    expect(countParts(zh(70))).toEqual({ encoding: 'ucs2', characters: 70, units: 70, parts: 1, perPart: 70 });
  });

  it('71 x "ж" is two parts of 67', () => {
    expect(countParts(zh(71))).toEqual({ encoding: 'ucs2', characters: 71, units: 71, parts: 2, perPart: 67 });
  });

  it('Bulgarian sentence is a single UCS-2 part', () => {
    const text = 'Здравейте, вашата поръчка е готова.';
    expect(countParts(text)).toEqual({ encoding: 'ucs2', characters: 35, units: 35, parts: 1, perPart: 70 });
  });

  it('empty string has zero parts', () => {
    expect(countParts('')).toEqual({ encoding: 'gsm7', characters: 0, units: 0, parts: 0, perPart: 160 });
  });

  it('a single non-GSM character switches the whole message to UCS-2', () => {
    expect(countParts(a(100) + 'ç')).toMatchObject({ encoding: 'ucs2', units: 101, parts: 2 });
    expect(countParts(a(100) + '`')).toMatchObject({ encoding: 'ucs2', parts: 2 });
  });

  it('does not split an escape pair across parts', () => {
    // 152 + (€ = 2) + 152 = 306 = 2 x 153, but € cannot start at septet 153:
    // part 1 = 152 'a' (152), part 2 = € + 151 'a' (153), part 3 = 'a' (1).
    const text = a(152) + '€' + a(152);
    expect(countParts(text)).toEqual({ encoding: 'gsm7', characters: 305, units: 306, parts: 3, perPart: 153 });
    expect(splitParts(text)).toEqual([a(152), '€' + a(151), 'a']);
  });

  it('keeps an escape pair whole when it lands exactly at the end of a part', () => {
    const text = a(151) + '€' + a(10);
    expect(splitParts(text)).toEqual([a(151) + '€', a(10)]);
  });

  it('does not split a surrogate pair across parts', () => {
    // 66 + (😀 = 2) + 66 = 134 = 2 x 67, but 😀 cannot start at unit 67:
    // part 1 = 66 'ж', part 2 = 😀 + 65 'ж' (67), part 3 = 'ж'.
    const text = zh(66) + '😀' + zh(66);
    expect(countParts(text)).toEqual({ encoding: 'ucs2', characters: 133, units: 134, parts: 3, perPart: 67 });
    expect(splitParts(text)).toEqual([zh(66), '😀' + zh(65), 'ж']);
  });

  it('counts an emoji as one character and two units', () => {
    expect(countParts('😀')).toEqual({ encoding: 'ucs2', characters: 1, units: 2, parts: 1, perPart: 70 });
    expect(countParts('😀'.repeat(35))).toMatchObject({ units: 70, parts: 1 });
    expect(countParts('😀'.repeat(36))).toMatchObject({ units: 72, parts: 2 });
  });

  it('a 10-part GSM message is the largest allowed', () => {
    expect(countParts(a(153 * MAX_PARTS)).parts).toBe(MAX_PARTS);
    expect(countParts(a(153 * MAX_PARTS + 1)).parts).toBe(MAX_PARTS + 1);
    expect(UI_MAX_PARTS).toBeLessThan(MAX_PARTS);
  });
});

describe('splitParts', () => {
  it('returns no parts for empty text and the text itself when it fits', () => {
    expect(splitParts('')).toEqual([]);
    expect(splitParts('hello')).toEqual(['hello']);
  });

  it('splits 161 x "a" into 153 + 8', () => {
    expect(splitParts(a(161)).map((p) => p.length)).toEqual([153, 8]);
  });
});

describe('segment properties', () => {
  const gsmChar = fc.constantFrom(...GSM7_BASIC, ...GSM7_EXTENSION);
  const anyChar = fc.oneof(
    gsmChar,
    fc.constantFrom('ж', 'ç', '`', 'α', '😀', '👍🏽', '中', '\u{1F4A9}'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  const text = fc.oneof(
    fc.array(gsmChar, { maxLength: 700 }).map((cs) => cs.join('')),
    fc.array(anyChar, { maxLength: 400 }).map((cs) => cs.join('')),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );

  it('joining the parts gives the text back', () => {
    fc.assert(fc.property(text, (t) => splitParts(t).join('') === t));
  });

  it('part count matches countParts', () => {
    fc.assert(fc.property(text, (t) => splitParts(t).length === countParts(t).parts));
  });

  it('no part exceeds its capacity and no part is empty', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { encoding, perPart, units } = countParts(t);
        const parts = splitParts(t);
        const perPartUnits = parts.map((p) => unitsOf(p, encoding));
        expect(perPartUnits.every((u) => u > 0 && u <= perPart)).toBe(true);
        expect(perPartUnits.reduce((s, u) => s + u, 0)).toBe(units);
      }),
    );
  });

  it('no part starts with a low surrogate', () => {
    fc.assert(
      fc.property(text, (t) => splitParts(t).every((p) => !/^[\uDC00-\uDFFF]/.test(p))),
    );
  });

  it('is gsm7 iff every character is in the GSM alphabet', () => {
    fc.assert(
      fc.property(text, (t) => {
        const allGsm = Array.from(t).every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
        return (countParts(t).encoding === 'gsm7') === allGsm;
      }),
    );
  });

  it('characters counts code points', () => {
    fc.assert(fc.property(text, (t) => countParts(t).characters === Array.from(t).length));
  });

  it('wastes at most one unit per part boundary', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { parts, units, perPart } = countParts(t);
        if (parts <= 1) return true;
        return parts >= Math.ceil(units / perPart) && parts <= Math.ceil((units + parts - 1) / perPart);
      }),
    );
  });
});
