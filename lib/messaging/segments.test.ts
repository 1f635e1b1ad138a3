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

// An independent reading of shared/spec/sms-parts.md, written from the spec and the 3GPP TS 23.038
// tables (by code point), walking UTF-16 code units by hand: the implementation above uses its own
// character tables and Array.from, so the two share nothing but the spec.
const REF_GSM_BASIC = new Set<number>([
  // 0x00–0x0F
  0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5,
  // 0x10–0x1F (0x1B is the escape)
  0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9,
  // 0x20–0x3F: space to "?", with ¤ where ASCII has $
  ...Array.from({ length: 0x20 }, (_, i) => (0x20 + i === 0x24 ? 0xa4 : 0x20 + i)),
  // 0x40–0x5F
  0xa1, ...Array.from({ length: 26 }, (_, i) => 0x41 + i), 0xc4, 0xd6, 0xd1, 0xdc, 0xa7,
  // 0x60–0x7F
  0xbf, ...Array.from({ length: 26 }, (_, i) => 0x61 + i), 0xe4, 0xf6, 0xf1, 0xfc, 0xe0,
]);
// Escape table: form feed ^ { } \ [ ~ ] | €
const REF_GSM_EXTENSION = new Set<number>([0x0c, 0x5e, 0x7b, 0x7d, 0x5c, 0x5b, 0x7e, 0x5d, 0x7c, 0x20ac]);

function referenceCount(text: string) {
  // Items: a surrogate pair is one character of two code units; anything else one unit.
  const items: { codePoint: number; codeUnits: number }[] = [];
  for (let i = 0; i < text.length; ) {
    const hi = text.charCodeAt(i);
    const lo = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
      items.push({ codePoint: 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00), codeUnits: 2 });
      i += 2;
    } else {
      items.push({ codePoint: hi, codeUnits: 1 });
      i += 1;
    }
  }
  const gsm = items.every(({ codePoint }) => REF_GSM_BASIC.has(codePoint) || REF_GSM_EXTENSION.has(codePoint));
  const costs = items.map(({ codePoint, codeUnits }) => (gsm ? (REF_GSM_EXTENSION.has(codePoint) ? 2 : 1) : codeUnits));
  const units = costs.reduce((a, b) => a + b, 0);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  let parts = 0;
  if (units > 0 && units <= single) parts = 1;
  else if (units > single) {
    // Fill each part up to `multi`; an item that does not fit whole starts the next part.
    parts = 1;
    let used = 0;
    for (const cost of costs) {
      if (used + cost > multi) {
        parts++;
        used = 0;
      }
      used += cost;
    }
  }
  return { encoding: gsm ? 'gsm7' : 'ucs2', characters: items.length, units, parts, perPart: parts > 1 ? multi : single };
}

describe('segment properties against the spec', () => {
  // From the reference tables, not the implementation's: a character missing there shows up here.
  const gsmChar = fc.constantFrom(...[...REF_GSM_BASIC, ...REF_GSM_EXTENSION].map((cp) => String.fromCodePoint(cp)));
  const otherChar = fc.oneof(
    fc.constantFrom('ж', 'ç', '`', 'α', 'Α', '😀', '中', '\u00a0', '\t'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  );
  // Lengths around every limit: 67/70, 134, 153/160, 306, 10 × 153.
  const aroundLimits = fc
    .tuple(
      fc.constantFrom('a', '€', 'ж', '😀'),
      fc.constantFrom(33, 35, 66, 67, 70, 76, 80, 134, 152, 153, 160, 306, 1530),
      fc.integer({ min: -3, max: 3 }),
      fc.array(fc.tuple(fc.oneof(gsmChar, otherChar), fc.nat()), { maxLength: 3 }),
    )
    .map(([base, n, delta, inserts]) => {
      const chars = Array.from(base.repeat(Math.max(0, n + delta)));
      for (const [c, at] of inserts) chars.splice(at % (chars.length + 1), 0, c);
      return chars.join('');
    });
  const text = fc.oneof(
    aroundLimits,
    fc.array(gsmChar, { maxLength: 800 }).map((cs) => cs.join('')),
    fc.array(fc.oneof({ weight: 5, arbitrary: gsmChar }, { weight: 1, arbitrary: otherChar }), { maxLength: 400 }).map((cs) => cs.join('')),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );

  it('countParts equals a reference computation from the spec, for any text', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(countParts(t)).toEqual(referenceCount(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('the reference agrees with the spec’s own examples', () => {
    expect(referenceCount('a'.repeat(160)).parts).toBe(1);
    expect(referenceCount('a'.repeat(161)).parts).toBe(2);
    expect(referenceCount('€' + 'a'.repeat(158)).parts).toBe(1);
    expect(referenceCount('ж'.repeat(70))).toMatchObject({ encoding: 'ucs2', parts: 1 });
    expect(referenceCount('ж'.repeat(71)).parts).toBe(2);
    expect(referenceCount('Здравейте, вашата поръчка е готова.')).toMatchObject({ encoding: 'ucs2', parts: 1 });
    expect(REF_GSM_BASIC.size).toBe(127);
  });

  it('is monotonic: adding a character anywhere never needs fewer parts', () => {
    fc.assert(
      fc.property(text, fc.oneof(gsmChar, otherChar), fc.nat(), (t, c, at) => {
        const chars = Array.from(t);
        const i = at % (chars.length + 1);
        const longer = [...chars.slice(0, i), c, ...chars.slice(i)].join('');
        expect(countParts(longer).parts).toBeGreaterThanOrEqual(countParts(t).parts);
        expect(countParts(t + c).parts).toBeGreaterThanOrEqual(countParts(t).parts);
      }),
      { numRuns: 1000 },
    );
  });

  it('cuts only between whole characters: the parts are consecutive slices of the text, no surrogate pair split', () => {
    fc.assert(
      fc.property(text, (t) => {
        let offset = 0;
        for (const part of splitParts(t)) {
          expect(t.slice(offset, offset + part.length)).toBe(part);
          offset += part.length;
          const before = t.charCodeAt(offset - 1);
          const after = t.charCodeAt(offset);
          expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(false);
        }
        expect(offset).toBe(t.length);
      }),
    );
  });
});
