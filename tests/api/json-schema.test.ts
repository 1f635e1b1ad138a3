import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '@/lib/api/openapi';
import { arbitraryFromSchema } from './arbitrary';
import { validate, type Schema } from './json-schema';

const person: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 2 },
    code: { type: 'string', pattern: '^[A-Z]{2}\\d$' },
    id: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] },
  },
  required: ['name'],
  additionalProperties: false,
};

describe('validate', () => {
  it('accepts what the schema allows', () => {
    expect(validate(person, { name: 'Ana', age: 30, tags: ['a'], code: 'BG1', id: null })).toEqual([]);
    expect(validate({ type: ['string', 'null'] }, null)).toEqual([]);
    expect(validate({ type: 'number' }, 3)).toEqual([]);
    expect(validate({ type: 'object', additionalProperties: { type: 'integer' }, propertyNames: { type: 'string' } }, { x: 1 })).toEqual([]);
    expect(validate({ const: 'json' }, 'json')).toEqual([]);
  });

  it('names each thing wrong with its path', () => {
    expect(validate(person, { age: 1.5, tags: ['a', 'c', 'b'], code: 'bg1', extra: true })).toEqual([
      '$: missing name',
      '$.age: expected integer, got number',
      '$.tags: more than 2 items',
      '$.tags[1]: not one of ["a","b"]',
      '$.code: does not match ^[A-Z]{2}\\d$',
      '$: unexpected property extra',
    ]);
    expect(validate(person, { name: '' })).toEqual(['$.name: shorter than 1']);
    expect(validate(person, { name: 'ж'.repeat(6) })).toEqual(['$.name: longer than 5']);
    expect(validate(person, { name: 'x', id: 7 })).toEqual(['$.id: matches none of anyOf']);
    expect(validate({ oneOf: [{ type: 'integer' }, { type: 'number' }] }, 2)).toEqual(['$: matches 2 of oneOf, not exactly 1']);
    expect(validate({ type: 'integer', exclusiveMinimum: 0, maximum: 3 }, 0)).toEqual(['$: not above 0']);
    expect(validate({ type: 'object', additionalProperties: { type: 'integer' } }, { x: 'y' })).toEqual(['$.x: expected integer, got string']);
  });

  it('refuses a keyword outside its subset instead of ignoring it', () => {
    expect(() => validate({ $ref: '#/components/schemas/X' }, 1)).toThrow(/unsupported JSON Schema keyword "\$ref"/);
    expect(() => validate({ type: 'object', properties: { a: { if: {} } } }, {})).toThrow(/#\/properties\/a: unsupported/);
  });
});

describe('arbitraryFromSchema', () => {
  it('draws only values the schema accepts', () => {
    fc.assert(fc.property(arbitraryFromSchema(person), (value) => validate(person, value).length === 0), { seed: 1, numRuns: 300 });
    const oneOf: Schema = { oneOf: [{ type: 'integer', minimum: 0, maximum: 10 }, { type: 'number', minimum: 0, maximum: 10 }] };
    fc.assert(fc.property(arbitraryFromSchema(oneOf), (value) => validate(oneOf, value).length === 0), { seed: 2, numRuns: 100 });
  });

  it('draws the optional properties sometimes, never an unknown one', () => {
    const drawn = fc.sample(arbitraryFromSchema(person), { seed: 3, numRuns: 200 }) as Record<string, unknown>[];
    const seen = new Set(drawn.flatMap((v) => Object.keys(v)));
    expect([...seen].sort()).toEqual(['age', 'code', 'id', 'name', 'tags']);
  });

  it('draws valid requests and answers for every schema of the API document', () => {
    const schemas: [string, Schema][] = [];
    for (const [path, item] of Object.entries(openApiDocument().paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const p of operation!.parameters) schemas.push([`${method} ${path} ${p.name}`, p.schema]);
        for (const [type, media] of Object.entries(operation!.requestBody?.content ?? {})) schemas.push([`${method} ${path} ${type}`, media!.schema]);
        for (const [status, answer] of Object.entries(operation!.responses)) schemas.push([`${method} ${path} ${status}`, answer.content['application/json'].schema]);
      }
    }
    expect(schemas.length).toBeGreaterThan(40);
    for (const [name, schema] of schemas) {
      fc.assert(
        fc.property(arbitraryFromSchema(schema), (value) => {
          expect(validate(schema, value), name).toEqual([]);
        }),
        { seed: 4, numRuns: 30 },
      );
    }
  });
});
