import fc from 'fast-check';
import { assertSupported, validate, type Schema } from './json-schema';

/**
 * fast-check arbitraries derived from a JSON Schema (the subset ./json-schema.ts validates):
 * every value drawn validates against the schema. zod-fast-check does not support zod 4, so the
 * fuzz test derives its inputs from the OpenAPI document's schemas, which zod generated.
 */

export type ArbitraryOptions = {
  /** longest array drawn, whatever maxItems allows (a 200,000-number array is no better a case) */
  maxItems?: number;
  /** longest string drawn without a pattern */
  maxLength?: number;
};

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

export function arbitraryFromSchema(schema: Schema, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  assertSupported(schema);
  return derive(schema, { maxItems: options.maxItems ?? 5, maxLength: options.maxLength ?? 40 });
}

function derive(schema: Schema, options: Required<ArbitraryOptions>): fc.Arbitrary<unknown> {
  if (schema.allOf) throw new Error('allOf: no arbitrary (the document has none)');
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) {
    const any = fc.oneof(...union.map((inner) => derive(inner, options)));
    // oneOf: only a value exactly one branch accepts is valid.
    return schema.oneOf ? any.filter((value) => union.filter((inner) => validate(inner, value).length === 0).length === 1) : any;
  }
  if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => derive({ ...schema, type }, options)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integer(schema);
    case 'number':
      return fc.double({
        min: (schema.minimum as number | undefined) ?? -1e9,
        max: (schema.maximum as number | undefined) ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'string':
      return string(schema, options);
    case 'array': {
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? options.maxItems, options.maxItems));
      return fc.array(schema.items ? derive(schema.items as Schema, options) : fc.anything(), { minLength, maxLength });
    }
    case 'object':
      return object(schema, options);
    default:
      throw new Error(`no arbitrary for ${JSON.stringify(schema)}`);
  }
}

function integer(schema: Schema): fc.Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? Number.MIN_SAFE_INTEGER;
  const max = (schema.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  // fc.integer is 32-bit; a wider range mixes the 32-bit part with the extremes.
  const inner = fc.integer({ min: Math.max(min, INT32.min), max: Math.min(max, INT32.max) });
  return min >= INT32.min && max <= INT32.max ? inner : fc.oneof(inner, fc.constantFrom(min, max));
}

function string(schema: Schema, options: Required<ArbitraryOptions>): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? Infinity;
  const fits = (value: string) => [...value].length >= minLength && [...value].length <= maxLength;
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  return fc.string({ unit: 'grapheme', minLength, maxLength: Math.max(minLength, Math.min(maxLength, options.maxLength)) }).filter(fits);
}

function object(schema: Schema, options: Required<ArbitraryOptions>): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const known = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, inner]) => [name, derive(inner, options)])),
    { requiredKeys: required },
  );
  if (typeof schema.additionalProperties !== 'object') return known as fc.Arbitrary<Record<string, unknown>>;
  const names = schema.propertyNames ? (derive(schema.propertyNames as Schema, options) as fc.Arbitrary<string>) : fc.string();
  const extra = fc.dictionary(
    names.filter((name) => !(name in properties)),
    derive(schema.additionalProperties as Schema, options),
    { maxKeys: options.maxItems },
  );
  return fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a }));
}
