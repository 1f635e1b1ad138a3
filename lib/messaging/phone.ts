// The "max" metadata is needed for real number-range validation; the default
// ("min") metadata only checks lengths.
import {
  AsYouType,
  getCountryCallingCode,
  Metadata,
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

/**
 * The part of libphonenumber's parse and validation that a number of a country of its own
 * calling code goes through, with the metadata's patterns compiled once: libphonenumber builds
 * a metadata object and a RegExp per pattern on every call (about 5 µs a number, seconds on a
 * million-line import). It answers only when the number is valid by those patterns and no other
 * rule of the parse could apply (an IDD prefix, a calling code typed without '+', a national
 * prefix that is a pattern or is rewritten, a calling code shared by several countries, a
 * non-geographic one); everything else goes through libphonenumber. phone.test.ts compares
 * the two over every country's forms.
 */
type FastPlan = {
  callingCode: string;
  country: string;
  /** the national prefix for parsing, a plain string of digits, or null when there is none */
  nationalPrefix: string | null;
  idd: RegExp;
  general: RegExp;
  lengths: number[] | undefined;
  types: { pattern: RegExp; lengths: number[] | undefined }[];
};
type NumberingPlanApi = {
  callingCode(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  IDDPrefix(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
};
type MetadataApi = {
  selectNumberingPlan(country: string): MetadataApi;
  numberingPlan: NumberingPlanApi;
  hasCountry(country: string): boolean;
  hasCallingCode(code: string): boolean;
  getCountryCodesForCallingCode(code: string): string[] | undefined;
};
// getNumberType's order: a number is valid when its country's pattern and one of these match.
const NUMBER_TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];
const metadata = new Metadata() as unknown as MetadataApi;
const plansByCountry = new Map<string, FastPlan | null>();
const plansByCallingCode = new Map<string, FastPlan | null>();

function fastPlanOf(country: string): FastPlan | null {
  if (plansByCountry.has(country)) return plansByCountry.get(country)!;
  let plan: FastPlan | null = null;
  if (/^[A-Z]{2}$/.test(country) && metadata.hasCountry(country)) {
    const numbering = metadata.selectNumberingPlan(country).numberingPlan;
    const callingCode = numbering.callingCode();
    const prefix = numbering.nationalPrefixForParsing();
    const idd = numbering.IDDPrefix();
    const shorter = Array.from({ length: callingCode.length - 1 }, (_, i) => callingCode.slice(0, i + 1));
    if (
      numbering.hasTypes() &&
      metadata.getCountryCodesForCallingCode(callingCode)?.length === 1 &&
      !shorter.some((code) => metadata.hasCallingCode(code)) &&
      !numbering.nationalPrefixTransformRule() &&
      (prefix === undefined || /^\d+$/.test(prefix)) &&
      idd
    ) {
      const types = NUMBER_TYPES.flatMap((name) => {
        const type = numbering.type(name);
        return type && type.pattern() ? [{ pattern: new RegExp(`^(?:${type.pattern()})$`), lengths: type.possibleLengths() }] : [];
      });
      plan = {
        callingCode,
        country,
        nationalPrefix: prefix ?? null,
        idd: new RegExp(idd),
        general: new RegExp(`^(?:${numbering.nationalNumberPattern()})$`),
        lengths: numbering.possibleLengths(),
        types,
      };
    }
  }
  plansByCountry.set(country, plan);
  return plan;
}

function fastPlanOfCallingCode(code: string): FastPlan | null {
  if (plansByCallingCode.has(code)) return plansByCallingCode.get(code)!;
  const countries = metadata.hasCallingCode(code) ? metadata.getCountryCodesForCallingCode(code) : undefined;
  const plan = countries?.length === 1 ? fastPlanOf(countries[0]) : null;
  plansByCallingCode.set(code, plan);
  return plan;
}

function fastValid(plan: FastPlan, nationalNumber: string): boolean {
  if (!plan.general.test(nationalNumber)) return false;
  return plan.types.some((type) => (!type.lengths || type.lengths.includes(nationalNumber.length)) && type.pattern.test(nationalNumber));
}

/** A national number (digits only) of the default country, valid as typed: its E.164, or null for libphonenumber to decide. */
function fastNational(digits: string, country: string): string | null {
  const plan = fastPlanOf(country);
  if (!plan || digits.search(plan.idd) === 0 || digits.startsWith(plan.callingCode)) return null;
  if (plan.nationalPrefix !== null && digits.startsWith(plan.nationalPrefix)) {
    const rest = digits.slice(plan.nationalPrefix.length);
    if (plan.lengths && !plan.lengths.includes(rest.length)) return null;
    return fastValid(plan, rest) ? `+${plan.callingCode}${rest}` : null;
  }
  return fastValid(plan, digits) ? `+${plan.callingCode}${digits}` : null;
}

/** An international number's digits (after '+' or '00'): its plan and E.164 when valid, or null for libphonenumber to decide. */
function fastInternational(digits: string): FastPlan | null {
  if (digits.startsWith('0')) return null;
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const code = digits.slice(0, length);
    if (!metadata.hasCallingCode(code)) continue;
    const plan = fastPlanOfCallingCode(code);
    const rest = digits.slice(length);
    if (!plan || (plan.nationalPrefix !== null && rest.startsWith(plan.nationalPrefix))) return null;
    return fastValid(plan, rest) ? plan : null;
  }
  return null;
}

/** libphonenumber's answer for the forms the fast path takes, for the test that compares the two. */
export function normalizeNumberSlowly(input: string, defaultCountry: CountryCode): NormalizeResult {
  return normalize(input, defaultCountry, false);
}

export function normalizeNumber(input: string, defaultCountry: CountryCode): NormalizeResult {
  return normalize(input, defaultCountry, true);
}

function normalize(input: string, defaultCountry: CountryCode, fast: boolean): NormalizeResult {
  const fail = (reason: NormalizeFailureReason): NormalizeResult => ({ ok: false, input, reason });
  const cleaned = clean(input);
  switch (cleaned.kind) {
    case 'empty':
      return fail('empty');
    case 'invalid':
      return fail('invalid');
    case 'international': {
      if (cleaned.digits.length > E164_MAX_DIGITS) return fail('too_long');
      const plan = fast ? fastInternational(cleaned.digits) : null;
      if (plan) return { ok: true, e164: `+${cleaned.digits}`, country: plan.country };
      const parsed = parseValid(`+${cleaned.digits}`);
      return parsed ? ok(parsed) : fail('invalid');
    }
    case 'national': {
      const { digits } = cleaned;
      const e164 = fast ? fastNational(digits, defaultCountry) : null;
      if (e164) return { ok: true, e164, country: defaultCountry };
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
