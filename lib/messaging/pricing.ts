/** Minor units per point: balances and prices are stored as integer units. */
export const POINT_UNITS = 10000;
export const POINT_DECIMALS = 4;

const POINT_UNITS_BIG = BigInt(POINT_UNITS);

function assertUnits(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** Cost in units of a message of `parts` parts at `pricePerPart` units each. */
export function messageCost(parts: number, pricePerPart: number): number {
  assertUnits(parts, 'parts');
  assertUnits(pricePerPart, 'pricePerPart');
  const cost = parts * pricePerPart;
  if (!Number.isSafeInteger(cost)) throw new RangeError(`message cost overflows: ${parts} x ${pricePerPart}`);
  return cost;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string): Intl.NumberFormat {
  let formatter = formatters.get(locale);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: POINT_DECIMALS });
    formatters.set(locale, formatter);
  }
  return formatter;
}

/** Formats integer units as points, e.g. 15000 -> "1.5" (en) / "1,5" (bg). */
export function formatPoints(units: bigint | number, locale: string): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) {
    throw new RangeError(`units must be an integer, got ${units}`);
  }
  const big = BigInt(units);
  const abs = big < 0n ? -big : big;
  const whole = abs / POINT_UNITS_BIG;
  const fraction = (abs % POINT_UNITS_BIG).toString().padStart(POINT_DECIMALS, '0');
  // A decimal string keeps bigint balances exact; a float would round past 2^53.
  const decimal = `${big < 0n ? '-' : ''}${whole}.${fraction}` as `${number}`;
  return formatterFor(locale).format(decimal);
}

/**
 * Parses a points amount typed by a user into units. Accepts "." or "," as the
 * decimal mark (no grouping separators, so "1,000" is 1 point) and at most 4 decimals.
 */
export function parsePoints(text: string): number {
  const s = text.trim();
  if (s.startsWith('-')) throw new Error(`points must not be negative: "${text}"`);
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(s);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) throw new Error(`not a points amount: "${text}"`);
  if (fraction.length > POINT_DECIMALS) {
    throw new Error(`points allow at most ${POINT_DECIMALS} decimals: "${text}"`);
  }
  const units = BigInt(whole || '0') * POINT_UNITS_BIG + BigInt(fraction.padEnd(POINT_DECIMALS, '0'));
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`points amount too large: "${text}"`);
  return Number(units);
}
