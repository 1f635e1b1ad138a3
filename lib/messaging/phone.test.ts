import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  isValidPhoneNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { E164_MAX_DIGITS, NON_GEOGRAPHIC_REGION, normalizeNumber, normalizeNumberSlowly, parseRecipientList, numberPrefixForSearch } from './phone';

const BG = 'BG' as const;

describe('normalizeNumber', () => {
  it.each([
    '+359888123456',
    '00359888123456',
    '0888123456',
    '359888123456',
    '888123456',
    '+359 888 123 456',
    '+359-888-123-456',
    '(0888) 123-456',
    '0888.123.456',
    ' 0888 12 34 56 ',
    '+359\u00a0888\u00a0123\u00a0456',
    '0888\u2013123\u2013456',
  ])('%j -> +359888123456', (input) => {
    expect(normalizeNumber(input, BG)).toEqual({ ok: true, e164: '+359888123456', country: 'BG' });
  });

  it('accepts other Bulgarian mobile ranges and Sofia landlines', () => {
    expect(normalizeNumber('0878 123 456', BG)).toMatchObject({ ok: true, e164: '+359878123456' });
    expect(normalizeNumber('0898123456', BG)).toMatchObject({ ok: true, e164: '+359898123456' });
    expect(normalizeNumber('02 812 3456', BG)).toMatchObject({ ok: true, e164: '+35928123456', country: 'BG' });
  });

  it('accepts foreign numbers in international form', () => {
    expect(normalizeNumber('+40 721 234 567', BG)).toEqual({ ok: true, e164: '+40721234567', country: 'RO' });
    expect(normalizeNumber('0040721234567', BG)).toEqual({ ok: true, e164: '+40721234567', country: 'RO' });
    expect(normalizeNumber('+49 1512 3456789', BG)).toEqual({ ok: true, e164: '+4915123456789', country: 'DE' });
  });

  it('treats a leading foreign country code as international when not valid nationally', () => {
    expect(normalizeNumber('40721234567', BG)).toEqual({ ok: true, e164: '+40721234567', country: 'RO' });
  });

  it('uses the default country for national numbers', () => {
    expect(normalizeNumber('0721 234 567', 'RO')).toEqual({ ok: true, e164: '+40721234567', country: 'RO' });
  });

  it('reports non-geographic numbers with region 001', () => {
    expect(normalizeNumber('+800 1234 5678', BG)).toEqual({ ok: true, e164: '+80012345678', country: '001' });
  });

  it.each(['', '   ', ' - ', '()', '\n'])('%j is empty', (input) => {
    expect(normalizeNumber(input, BG)).toEqual({ ok: false, input, reason: 'empty' });
  });

  it.each([
    'abc',
    '+',
    '00',
    '0888 123 456 x12',
    '+359 888 123 456 ext 2',
    '0888/123456',
    '++359888123456',
    '+0888123456',
    '0888123',
    '088812345',
    '+3598881234567',
    '12',
    '0',
    '+359000000000',
  ])('%j is invalid', (input) => {
    expect(normalizeNumber(input, BG)).toEqual({ ok: false, input, reason: 'invalid' });
  });

  it.each(['+1234567890123456', '001234567890123456', '1234567890123456', '0888123456789012', '08881234567890'])(
    '%j is too long for E.164',
    (input) => {
      expect(normalizeNumber(input, BG)).toEqual({ ok: false, input, reason: 'too_long' });
    },
  );

  it('never produces more than 15 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\+|00)?[0-9 ]{0,25}$/), (input) => {
        const r = normalizeNumber(input, BG);
        return !r.ok || /^\+[1-9]\d{1,14}$/.test(r.e164);
      }),
    );
  });
});

const bgMobileNsn = fc
  .tuple(fc.constantFrom('87', '88', '89', '98'), fc.stringMatching(/^\d{7}$/))
  .map(([range, rest]) => range + rest);

const separator = fc.constantFrom('', '', ' ', '-', '.', '  ');

function sprinkle(digits: string, seps: string[]): string {
  return Array.from(digits, (d, i) => d + (i < digits.length - 1 ? (seps[i % seps.length] ?? '') : '')).join('');
}

describe('normalizeNumber properties', () => {
  it('every BG mobile number in any input form normalises to the same E.164', () => {
    const forms: ((nsn: string, seps: string[]) => string)[] = [
      (nsn, seps) => '+359' + sprinkle(nsn, seps),
      (nsn, seps) => '+359 ' + sprinkle(nsn, seps),
      (nsn, seps) => '00359' + sprinkle(nsn, seps),
      (nsn, seps) => '00 359 ' + sprinkle(nsn, seps),
      (nsn, seps) => '0' + sprinkle(nsn, seps),
      (nsn, seps) => '359' + sprinkle(nsn, seps),
      (nsn, seps) => sprinkle(nsn, seps),
      (nsn) => `(0${nsn.slice(0, 2)}) ${nsn.slice(2, 5)}-${nsn.slice(5)}`,
      (nsn) => `+359 (${nsn.slice(0, 3)}) ${nsn.slice(3)}`,
    ];
    fc.assert(
      fc.property(
        bgMobileNsn,
        fc.constantFrom(...forms),
        fc.array(separator, { minLength: 1, maxLength: 12 }),
        (nsn, form, seps) => {
          expect(normalizeNumber(form(nsn, seps), BG)).toEqual({ ok: true, e164: '+359' + nsn, country: 'BG' });
        },
      ),
    );
  });

  it('is idempotent on its own output', () => {
    fc.assert(
      fc.property(bgMobileNsn, fc.constantFrom('0', '359', '00359', '+359'), (nsn, prefix) => {
        const first = normalizeNumber(prefix + nsn, BG);
        if (!first.ok) return false;
        const second = normalizeNumber(first.e164, 'US');
        return second.ok && second.e164 === first.e164;
      }),
    );
  });
});

describe('normalizeNumber properties, any input and any country', () => {
  const countries = getCountries();
  const country = fc.constantFrom(...countries);
  // Valid mobile numbers of every country: libphonenumber's example number with its last
  // digits replaced, kept when libphonenumber says the result is still a valid number.
  const validNumber = fc
    .tuple(country, fc.stringMatching(/^\d{1,4}$/))
    .map(([region, tail]) => {
      const example = getExampleNumber(region, mobileExamples);
      if (!example) return null;
      const nsn = example.nationalNumber.slice(0, -tail.length) + tail;
      const parsed = parsePhoneNumberFromString(`+${example.countryCallingCode}${nsn}`);
      return parsed?.isValid() ? { region, parsed } : null;
    })
    .filter((n) => n !== null);
  // Phone-like text (digits, + and 00, the separators people type), real numbers of any country
  // written as that country writes them, and some text that is anything at all.
  const phoneLike = fc.oneof(
    validNumber.map(({ parsed }) => parsed.formatInternational()),
    validNumber.map(({ parsed }) => parsed.formatNational()),
    fc.stringMatching(/^(\+|00|0)?[0-9 ()\-.]{0,22}$/),
    fc.array(fc.constantFrom(...'0123456789+ -().\t/x#*'), { maxLength: 25 }).map((cs) => cs.join('')),
    fc.string({ unit: 'binary', maxLength: 25 }),
  );

  it('gives an E.164 number of at most 15 digits with its region, or an error that echoes the input', () => {
    fc.assert(
      fc.property(phoneLike, country, (input, defaultCountry) => {
        const r = normalizeNumber(input, defaultCountry);
        if (r.ok) {
          expect(r.e164).toMatch(new RegExp(`^\\+[1-9]\\d{1,${E164_MAX_DIGITS - 1}}$`));
          expect(isValidPhoneNumber(r.e164)).toBe(true);
          expect(r.country).toBe(parsePhoneNumberFromString(r.e164)!.country ?? NON_GEOGRAPHIC_REGION);
        } else {
          expect(r.input).toBe(input);
          expect(['empty', 'invalid', 'too_long']).toContain(r.reason);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: its output normalises to itself, whatever the default country', () => {
    fc.assert(
      fc.property(phoneLike, country, country, (input, first, second) => {
        const r = normalizeNumber(input, first);
        if (!r.ok) return;
        expect(normalizeNumber(r.e164, second)).toEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  const separators = fc.constantFrom(' ', '-', '.', '  ', ' - ');

  it('writes every formatting variant of a valid number (spaces, dashes, parentheses, +, 00, national with trunk prefix) as the same E.164', () => {
    fc.assert(
      fc.property(validNumber, separators, country, ({ region, parsed }, sep, otherCountry) => {
        const cc = getCountryCallingCode(region as CountryCode);
        const nsn = parsed.nationalNumber;
        const national = parsed.formatNational();
        const half = Math.ceil(nsn.length / 2);
        // International forms mean the same number whatever the account's country.
        const international = [
          parsed.number,
          parsed.formatInternational(),
          parsed.formatInternational().replace(/ /g, sep),
          `+${cc} (${nsn.slice(0, half)}) ${nsn.slice(half)}`,
          `00${cc}${nsn}`,
          `00 ${cc}${sep}${nsn.slice(0, half)}${sep}${nsn.slice(half)}`,
          ` +${cc}${nsn}\t`,
        ];
        // National forms (as the country writes them, trunk prefix and all) with that country as the default.
        const nationalForms = [national, national.replace(/ /g, sep), national.replace(/[^\d]/g, '')];
        const expected = { ok: true, e164: parsed.number, country: parsed.country ?? NON_GEOGRAPHIC_REGION };
        for (const form of international) expect(normalizeNumber(form, otherCountry), form).toEqual(expected);
        for (const form of nationalForms) expect(normalizeNumber(form, region), `${form} in ${region}`).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normalizeNumber fast path', () => {
  // The compiled patterns answer what libphonenumber's parse answers, for every country's forms:
  // its example numbers with a digit changed, added or dropped, written nationally (with and
  // without the national prefix), internationally (+, 00, the calling code alone), and random digits.
  const countries = getCountries();
  const variants = (nsn: string, index: number) => {
    const digit = String(index % 10);
    const at = index % Math.max(1, nsn.length);
    return [nsn, nsn.slice(0, at) + digit + nsn.slice(at + 1), nsn + digit, nsn.slice(0, -1), digit + nsn, nsn.slice(1)];
  };
  const forms = (country: CountryCode, nsn: string) => {
    const code = getCountryCallingCode(country);
    return [nsn, `0${nsn}`, `8${nsn}`, `1${nsn}`, `+${code}${nsn}`, `00${code}${nsn}`, `${code}${nsn}`, `+${code}0${nsn}`, `+${code} ${nsn}`];
  };

  it('gives libphonenumber\'s answer for every country\'s example numbers and their neighbours', () => {
    let compared = 0;
    for (const [index, country] of countries.entries()) {
      const example = getExampleNumber(country, mobileExamples);
      if (!example) continue;
      for (const nsn of variants(example.nationalNumber, index)) {
        for (const input of forms(country, nsn)) {
          for (const defaultCountry of [country, BG, countries[(index * 7) % countries.length]]) {
            expect(normalizeNumber(input, defaultCountry), `${input} in ${defaultCountry}`).toEqual(normalizeNumberSlowly(input, defaultCountry));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('gives libphonenumber\'s answer for Bulgarian numbers of any range and random digits in any country', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.constantFrom('', '0', '00', '+', '359', '00359', '+359', '+3590', '+1', '+44', '+7', '+800'),
        fc.stringMatching(/^\d{1,14}$/),
        (defaultCountry, prefix, digits) => {
          const input = prefix + digits;
          expect(normalizeNumber(input, defaultCountry)).toEqual(normalizeNumberSlowly(input, defaultCountry));
          expect(normalizeNumber(input, BG)).toEqual(normalizeNumberSlowly(input, BG));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('parseRecipientList', () => {
  it('splits on newlines, commas, semicolons and whitespace', () => {
    const text = '0888123456\n+359899123456, 0878123456;0898123456\t00359888111222  0888222333\r\n0888333444';
    const r = parseRecipientList(text, BG);
    expect(r.valid.map((v) => v.e164)).toEqual([
      '+359888123456',
      '+359899123456',
      '+359878123456',
      '+359898123456',
      '+359888111222',
      '+359888222333',
      '+359888333444',
    ]);
    expect(r.invalid).toEqual([]);
    expect(r.duplicates).toBe(0);
  });

  it('keeps the first occurrence of a duplicate and counts the rest', () => {
    const r = parseRecipientList('0888123456\n+359 888 123 456\n359888123456\n0899123456', BG);
    expect(r.valid).toEqual([
      { e164: '+359888123456', country: 'BG', input: '0888123456' },
      { e164: '+359899123456', country: 'BG', input: '0899123456' },
    ]);
    expect(r.duplicates).toBe(2);
  });

  it('keeps a number written with spaces as one recipient', () => {
    const r = parseRecipientList('+359 888 123 456\n0888 12 34 57, (0899) 123-456', BG);
    expect(r.valid.map((v) => [v.e164, v.input])).toEqual([
      ['+359888123456', '+359 888 123 456'],
      ['+359888123457', '0888 12 34 57'],
      ['+359899123456', '(0899) 123-456'],
    ]);
    expect(r.invalid).toEqual([]);
  });

  it('reports invalid tokens with 1-based token position and text line', () => {
    const text = '0888123456\n\nabc, 0899123456; 12\n+1234567890123456';
    const r = parseRecipientList(text, BG);
    expect(r.invalid).toEqual([
      { line: 2, textLine: 3, input: 'abc', reason: 'invalid' },
      { line: 4, textLine: 3, input: '12', reason: 'invalid' },
      { line: 5, textLine: 4, input: '+1234567890123456', reason: 'too_long' },
    ]);
    expect(r.valid).toHaveLength(2);
  });

  it('ignores empty tokens', () => {
    expect(parseRecipientList('', BG)).toEqual({ valid: [], invalid: [], duplicates: 0 });
    expect(parseRecipientList(' ,, ;\n\n\t', BG)).toEqual({ valid: [], invalid: [], duplicates: 0 });
  });

  it('accounts for every token exactly once and never repeats an E.164', () => {
    const token = fc.oneof(
      bgMobileNsn.map((n) => '0' + n),
      bgMobileNsn.map((n) => '+359' + n),
      fc.constantFrom('0888123456', '+359888123456', 'abc', '12', '+1234567890123456'),
    );
    const sep = fc.constantFrom('\n', ',', ';', ' ', '\r\n', ', ', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(token, sep), { maxLength: 30 }), (pairs) => {
        const text = pairs.map(([t, s]) => t + s).join('');
        const r = parseRecipientList(text, BG);
        const e164s = r.valid.map((v) => v.e164);
        expect(new Set(e164s).size).toBe(e164s.length);
        expect(r.valid.length + r.invalid.length + r.duplicates).toBe(pairs.length);
        const lines = r.invalid.map((i) => i.line);
        expect(lines).toEqual([...lines].sort((x, y) => x - y));
      }),
    );
  });
});

describe('numberPrefixForSearch', () => {
  it.each([
    ['+35988', '+35988'],
    ['+359 88', '+35988'],
    ['0035988', '+35988'],
    ['0888', '+359888'],
    ['0888 123', '+359888123'],
    ['359888', '+359888'],
    ['888', '+359888'],
    ['8', '+3598'],
    ['0', '+359'],
    ['359', '+359'],
    ['0888123456', '+359888123456'],
  ])('%j -> %j', (input, expected) => {
    expect(numberPrefixForSearch(input, BG)).toBe(expected);
  });

  it.each(['', '   ', 'abc', '0888a', '+', '00', '+0888', '%', "0888'--", '1234567890123456'])('%j -> null', (input) => {
    expect(numberPrefixForSearch(input, BG)).toBeNull();
  });

  it('follows the default country trunk-prefix rules', () => {
    expect(numberPrefixForSearch('0721', 'RO')).toBe('+40721');
    expect(numberPrefixForSearch('06', 'IT')).toBe('+3906');
    expect(numberPrefixForSearch('8916', 'RU')).toBe('+7916');
  });

  it('only ever returns "+" followed by digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (input) => {
        const p = numberPrefixForSearch(input, BG);
        return p === null || /^\+[1-9]\d{0,14}$/.test(p);
      }),
    );
  });

  it('any typed prefix of a BG mobile number in any form is a prefix of its E.164', () => {
    // `min`: shortest typed prefix that is unambiguous ("35" could be the start of an NSN).
    const forms = [
      { lead: '+359', min: 2 },
      { lead: '00359', min: 3 },
      { lead: '0', min: 1 },
      { lead: '359', min: 3 },
      { lead: '', min: 1 },
    ];
    fc.assert(
      fc.property(bgMobileNsn, fc.constantFrom(...forms), fc.nat(), (nsn, { lead, min }, cut) => {
        const full = lead + nsn;
        const typed = full.slice(0, min + (cut % (full.length - min + 1)));
        const result = numberPrefixForSearch(typed, BG);
        expect(result).not.toBeNull();
        expect(('+359' + nsn).startsWith(result ?? '?')).toBe(true);
      }),
    );
  });

  it('agrees with normalizeNumber on complete numbers', () => {
    fc.assert(
      fc.property(bgMobileNsn, fc.constantFrom('+359', '00359', '0', '359', ''), (nsn, prefix) => {
        const r = normalizeNumber(prefix + nsn, BG);
        return r.ok && numberPrefixForSearch(prefix + nsn, BG) === r.e164;
      }),
    );
  });
});
