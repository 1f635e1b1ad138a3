// The "max" metadata is needed for real number-range validation; the default
// ("min") metadata only checks lengths.
import {
  AsYouType,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';

export type { CountryCode };

export type NormalizeFailureReason = 'empty' | 'invalid' | 'too_long';

export type NormalizeResult =
  | { ok: true; e164: string; country: string }
  | { ok: false; input: string; reason: NormalizeFailureReason };

export interface ValidRecipient {
  e164: string;
  country: string;
  input: string;
}

export interface InvalidRecipient {
  /** 1-based position of the token among all non-empty tokens of the input. */
  line: number;
  /** 1-based line of the raw text the token is on (differs from `line` for comma lists or blank lines). */
  textLine: number;
  input: string;
  reason: NormalizeFailureReason;
}

export interface RecipientList {
  valid: ValidRecipient[];
  invalid: InvalidRecipient[];
  duplicates: number;
}

export const E164_MAX_DIGITS = 15;

/** Region reported for valid numbers of non-geographic calling codes (+800, +882, ...), as in Google's libphonenumber. */
export const NON_GEOGRAPHIC_REGION = '001';

const SEPARATORS = /[\s\-\u2010-\u2015\u2212().]/g;

type Cleaned =
  | { kind: 'empty' }
  | { kind: 'invalid' }
  | { kind: 'international'; digits: string }
  | { kind: 'national'; digits: string };

function clean(input: string): Cleaned {
  const s = input.replace(SEPARATORS, '');
  if (s === '') return { kind: 'empty' };
  if (/^\+\d+$/.test(s)) return { kind: 'international', digits: s.slice(1) };
  if (/^00\d+$/.test(s)) return { kind: 'international', digits: s.slice(2) };
  if (/^\d+$/.test(s)) return { kind: 'national', digits: s };
  return { kind: 'invalid' };
}

function parseValid(text: string, defaultCountry?: CountryCode): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isValid() ? parsed : undefined;
}

function ok(parsed: PhoneNumber): NormalizeResult {
  return { ok: true, e164: parsed.number, country: parsed.country ?? NON_GEOGRAPHIC_REGION };
}

export function normalizeNumber(input: string, defaultCountry: CountryCode): NormalizeResult {
  const fail = (reason: NormalizeFailureReason): NormalizeResult => ({ ok: false, input, reason });
  const cleaned = clean(input);
  switch (cleaned.kind) {
    case 'empty':
      return fail('empty');
    case 'invalid':
      return fail('invalid');
    case 'international': {
      if (cleaned.digits.length > E164_MAX_DIGITS) return fail('too_long');
      const parsed = parseValid(`+${cleaned.digits}`);
      return parsed ? ok(parsed) : fail('invalid');
    }
    case 'national': {
      const { digits } = cleaned;
      const national = parsePhoneNumberFromString(digits, defaultCountry);
      if (national?.isValid()) return ok(national);
      // "359888123456": a country code typed without "+" or "00".
      const canBeInternational = !digits.startsWith('0');
      if (canBeInternational && digits.length <= E164_MAX_DIGITS) {
        const international = parseValid(`+${digits}`);
        if (international) return ok(international);
      }
      const nationalLength = national
        ? national.number.length - 1
        : getCountryCallingCode(defaultCountry).length + digits.replace(/^0/, '').length;
      const internationalLength = canBeInternational ? digits.length : Infinity;
      return fail(Math.min(nationalLength, internationalLength) > E164_MAX_DIGITS ? 'too_long' : 'invalid');
    }
  }
}

// Whitespace both separates numbers and groups digits inside one ("+359 888 123 456").
function splitChunk(chunk: string, defaultCountry: CountryCode): string[] {
  const tokens = chunk.split(/\s+/).filter((t) => t !== '');
  if (tokens.length <= 1) return tokens;
  if (tokens.every((t) => normalizeNumber(t, defaultCountry).ok)) return tokens;
  if (normalizeNumber(chunk, defaultCountry).ok) return [chunk.trim()];
  return tokens;
}

export function parseRecipientList(text: string, defaultCountry: CountryCode): RecipientList {
  const tokens = text.split(/\r\n|\r|\n/).flatMap((rawLine, lineIndex) =>
    rawLine
      .split(/[,;]/)
      .flatMap((chunk) => splitChunk(chunk, defaultCountry))
      .map((token) => ({ token, textLine: lineIndex + 1 })),
  );

  const valid: ValidRecipient[] = [];
  const invalid: InvalidRecipient[] = [];
  const seen = new Set<string>();
  let duplicates = 0;

  tokens.forEach(({ token, textLine }, index) => {
    const result = normalizeNumber(token, defaultCountry);
    if (!result.ok) {
      invalid.push({ line: index + 1, textLine, input: token, reason: result.reason });
    } else if (seen.has(result.e164)) {
      duplicates++;
    } else {
      seen.add(result.e164);
      valid.push({ e164: result.e164, country: result.country, input: token });
    }
  });

  return { valid, invalid, duplicates };
}

/**
 * Turns what a user types into a history filter into an E.164 prefix for
 * `LIKE 'prefix%'`. Returns null when the input can't be the start of a number.
 *
 * - "+35988" / "0035988": international, kept as typed.
 * - "0888": national with trunk prefix: "+359888" (trunk prefix rules come from
 *   the country metadata, so e.g. Italian "06" keeps its zero: "+3906").
 * - "359888": starts with the default country's calling code: "+359888".
 * - "888": start of the national significant number: "+359888".
 */
export function numberPrefixForSearch(input: string, defaultCountry: CountryCode): string | null {
  const cleaned = clean(input);
  if (cleaned.kind === 'empty' || cleaned.kind === 'invalid') return null;
  const { digits } = cleaned;
  if (digits === '') return null;

  let prefix: string;
  const callingCode = getCountryCallingCode(defaultCountry);
  if (cleaned.kind === 'international') {
    prefix = `+${digits}`;
  } else if (!digits.startsWith('0') && digits.startsWith(callingCode)) {
    prefix = `+${digits}`;
  } else {
    const typer = new AsYouType(defaultCountry);
    typer.input(digits);
    prefix = typer.getNumberValue() ?? `+${callingCode}${digits.replace(/^0/, '')}`;
  }

  if (!/^\+[1-9]\d*$/.test(prefix) || prefix.length - 1 > E164_MAX_DIGITS) return null;
  return prefix;
}
