/**
 * A JSON Schema (2020-12) walker for the subset the API's OpenAPI document uses: type (one or
 * a list), enum, const, properties/required/additionalProperties/propertyNames, items with
 * minItems/maxItems, minLength/maxLength/pattern, minimum/maximum (and exclusive), anyOf,
 * oneOf, allOf. A keyword outside the subset throws, so the document cannot silently grow past
 * what the validator and the arbitraries (./arbitrary.ts) understand.
 */

export type Schema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'default', 'format', 'deprecated', 'readOnly', 'writeOnly']);
const KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'anyOf',
  'oneOf',
  'allOf',
]);

/** Throws on a keyword outside the subset, anywhere in the schema. */
export function assertSupported(schema: Schema, at = '#'): void {
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (!KEYWORDS.has(keyword)) throw new Error(`${at}: unsupported JSON Schema keyword "${keyword}"`);
    if (keyword === 'properties') for (const [name, inner] of Object.entries(value as Record<string, Schema>)) assertSupported(inner, `${at}/properties/${name}`);
    if ((keyword === 'items' || keyword === 'propertyNames' || keyword === 'additionalProperties') && typeof value === 'object') {
      assertSupported(value as Schema, `${at}/${keyword}`);
    }
    if (keyword === 'anyOf' || keyword === 'oneOf' || keyword === 'allOf') (value as Schema[]).forEach((inner, i) => assertSupported(inner, `${at}/${keyword}/${i}`));
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** JSON Schema's equality: structural, with 1 and 1.0 the same number. */
function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const codePoints = (text: string) => [...text].length;

/** Problems of `value` against `schema`, each "path: what"; empty when it validates. */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  assertSupported(schema);
  return check(schema, value, path);
}

function check(schema: Schema, value: unknown, path: string): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`${path}: ${what}`);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type))) return [`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).some((option) => equal(option, value))) fail(`not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && !equal(schema.const, value)) fail(`not ${JSON.stringify(schema.const)}`);

  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && codePoints(value) < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && codePoints(value) > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) fail(`not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) fail(`not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => problems.push(...check(schema.items as Schema, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) fail(`missing ${name}`);
    for (const [name, inner] of Object.entries(object)) {
      if (schema.propertyNames) problems.push(...check(schema.propertyNames as Schema, name, `${path}{${name}}`));
      if (name in properties) problems.push(...check(properties[name], inner, `${path}.${name}`));
      else if (schema.additionalProperties === false) fail(`unexpected property ${name}`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...check(schema.additionalProperties as Schema, inner, `${path}.${name}`));
    }
  }

  if (schema.allOf) for (const inner of schema.allOf as Schema[]) problems.push(...check(inner, value, path));
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((inner) => check(inner, value, path).length === 0)) fail('matches none of anyOf');
  if (schema.oneOf) {
    const matches = (schema.oneOf as Schema[]).filter((inner) => check(inner, value, path).length === 0).length;
    if (matches !== 1) fail(`matches ${matches} of oneOf, not exactly 1`);
  }
  return problems;
}
