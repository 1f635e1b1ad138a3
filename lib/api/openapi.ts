import { z } from 'zod';
import type { ErrorCode } from '@/lib/errors';
import docs from '@/lib/i18n/messages/api-docs.en.json';
import { appUrl } from '@/lib/env';
import { errorAnswer, PROVIDER_ERRORS } from './errors';
import { invalidNumbers, OPERATIONS, skippedNumbers, type Operation } from './operations';
import { BODY_TYPES, type BodyType } from './request';

/**
 * The OpenAPI 3.1 document of the REST API, generated from the operations' zod schemas (the
 * request side as the gate parses it, `io: 'input'`; answers as sent) and their texts in
 * api-docs.en.json. Served at /api/openapi.json and rendered by the docs page.
 */

export type JsonSchema = { [key: string]: unknown };

export type ParameterObject = {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description: string;
  schema: JsonSchema;
  example?: unknown;
};
export type MediaTypeObject = { schema: JsonSchema; example?: unknown };
export type ResponseObject = { description: string; headers?: Record<string, unknown>; content: { 'application/json': MediaTypeObject } };
export type OperationObject = {
  operationId: Operation['id'];
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: ParameterObject[];
  requestBody?: { required: true; content: Partial<Record<BodyType, MediaTypeObject>> };
  responses: Record<string, ResponseObject>;
};

/** Every operation's gate refuses with these (lib/gates/api.ts); an operation adds its own. */
const GATE_REFUSALS: readonly ErrorCode[] = ['invalid_value', 'invalid_character', 'api_token_invalid', 'api_token_rate_limited', 'failed', 'unavailable'];

/** A status whose answer carries Retry-After (seconds). */
const RETRY_STATUSES = new Set([429, 503]);

/** The error answers an operation can give: HTTP status -> the provider's error codes. */
export function errorStatuses(operation: Operation): Map<number, number[]> {
  const codes: ErrorCode[] = [...GATE_REFUSALS, ...operation.refusals];
  if (Object.keys(operation.params.shape).length) codes.push('not_found');
  const statuses = new Map<number, Set<number>>();
  const add = (status: number, error: number) => statuses.set(status, (statuses.get(status) ?? new Set()).add(error));
  for (const code of codes) add(errorAnswer(code).status, errorAnswer(code).error);
  // withIdempotency's own answer to a key reused with other parameters.
  if (operation.idempotent) add(422, PROVIDER_ERRORS.BAD_REQUEST);
  return new Map([...statuses].sort(([a], [b]) => a - b).map(([status, errors]) => [status, [...errors].sort((a, b) => a - b)]));
}

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema; // the document names its dialect once
  return json;
}

const fieldText = (operation: Operation, name: string): string =>
  (docs.apiDocs.operations[operation.id].fields as Record<string, string>)[name] ?? '';

/** The operation's input schema with each property's description. */
function inputSchema(operation: Operation, schema: z.ZodObject): JsonSchema {
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) properties[name] = { ...property, description: fieldText(operation, name) };
  return json;
}

function parameters(operation: Operation): ParameterObject[] {
  const from = (schema: z.ZodObject, where: 'path' | 'query'): ParameterObject[] => {
    const json = inputSchema(operation, schema);
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([name, { description, ...property }]) => ({
      name,
      in: where,
      required: where === 'path' || required.has(name),
      description: String(description),
      schema: property,
      example: where === 'path' ? operation.example.params?.[name] : operation.example.input[name],
    }));
  };
  const list = from(operation.params, 'path');
  if (operation.method === 'GET' || operation.method === 'DELETE') list.push(...from(operation.input, 'query'));
  if (operation.idempotent) {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: docs.apiDocs.idempotencyKey,
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    });
  }
  return list;
}

function errorSchema(errors: number[]): JsonSchema {
  const schema: JsonSchema = {
    type: 'object',
    properties: { error: { type: 'integer', enum: errors }, message: { type: 'string' } },
    required: ['error', 'message'],
    additionalProperties: false,
  };
  if (errors.includes(PROVIDER_ERRORS.NO_NUMBERS)) {
    (schema.properties as JsonSchema).invalid_numbers = jsonSchema(invalidNumbers, 'output');
    (schema.properties as JsonSchema).skipped_numbers = jsonSchema(skippedNumbers, 'output');
  }
  return schema;
}

function operationObject(operation: Operation): OperationObject {
  const texts = docs.apiDocs.operations[operation.id];
  const { status, schema } = operation.answer;
  const responses: Record<string, ResponseObject> = {
    [status]: { description: texts.answer, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } },
  };
  for (const [code, errors] of errorStatuses(operation)) {
    responses[code] = {
      description: docs.apiDocs.statuses[String(code) as keyof typeof docs.apiDocs.statuses],
      ...(RETRY_STATUSES.has(code) ? { headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: errorSchema(errors) } },
    };
  }
  const body = (operation.method === 'POST' || operation.method === 'PUT') && Object.keys(operation.input.shape).length > 0;
  return {
    operationId: operation.id,
    summary: texts.summary,
    description: texts.description,
    tags: [operation.tag],
    security: [{ apiToken: [] }],
    parameters: parameters(operation),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (operation.bodyTypes ?? BODY_TYPES).map((type) => [type, { schema: inputSchema(operation, operation.input), example: operation.example.input }]),
            ),
          },
        }
      : {}),
    responses,
  };
}

const methodKey = (method: Operation['method']) => method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';

export function openApiDocument() {
  const paths: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', OperationObject>>> = {};
  for (const operation of OPERATIONS) (paths[operation.path] ??= {})[methodKey(operation.method)] = operationObject(operation);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'SMS Portal REST API', version: '1', description: `${docs.apiDocs.intro}\n\n${docs.apiDocs.errorsIntro}\n\n${docs.apiDocs.idempotency}` },
    servers: [{ url: appUrl() }],
    tags: [{ name: 'Messages' }, { name: 'Campaigns' }, { name: 'Insights' }, { name: 'Contacts' }, { name: 'Blacklist' }],
    components: {
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: docs.apiDocs.auth } },
    },
    paths,
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
