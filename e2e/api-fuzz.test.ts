import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import postgres from 'postgres';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { OpenApiDocument, OperationObject } from '@/lib/api/openapi';
import { arbitraryFromSchema } from '@/tests/api/arbitrary';
import { validate, type Schema } from '@/tests/api/json-schema';
import { admin } from './admin';
import { baseUrl } from './browser';
import { rawRequest, type RawResponse } from './raw';

// A property-based fuzz of the REST API against the built app: for every operation of the
// OpenAPI document the app serves, requests drawn from the document's own schemas (valid ones,
// seeded with real values, and malformed variants), with a token and without. Every answer must
// be one the document lists for the operation, with a body of that answer's schema, and never a
// 5xx. Fixed seed, bounded runs.

const SEED = 20260405;
const RUNS = { valid: 100, malformed: 200, anonymous: 60, badToken: 20 };
const PARALLEL = 4;

type Case = {
  kind: string;
  params: Record<string, unknown>;
  input: Record<string, unknown>;
  /** overrides the encoded input: text, bytes (malformed encodings) */
  rawBody?: string | Uint8Array;
  type?: string;
  query?: Record<string, unknown>;
  idempotencyKey?: string;
  auth: 'token' | 'none' | 'bad';
};
type Method = 'get' | 'post' | 'put' | 'delete';
type Operation = { path: string; method: Method; spec: OperationObject };
/** Where an operation's parameters go: the query (GET, DELETE) or the body. */
const inQuery = (operation: Operation) => operation.method === 'get' || operation.method === 'delete';

let document: OpenApiDocument;
let token = '';
const pools = { messageIds: [] as string[], campaignIds: [] as string[], contactIds: [] as string[], groupIds: [] as string[], memberIds: [] as string[] };
const SENDER = 'FuzzCo';
const NUMBERS = ['0888123456', '+359888100001', '00359888100002', '0899111222', '+12025550123'];

const isJson = (type: string | undefined) => type === 'application/json';

/** Percent-encoding; a lone surrogate (no UTF-8 exists for it) goes as the bytes a careless encoder would send. */
const percent = (text: string) => [...text].map((ch) => (ch.isWellFormed() ? encodeURIComponent(ch) : '%ED%A0%80')).join('');

function encode(values: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${percent(name)}=${percent(typeof item === 'object' ? JSON.stringify(item) : String(item))}`);
    }
  }
  return parts.join('&');
}

async function send(operation: Operation, c: Case): Promise<RawResponse> {
  let path = operation.path;
  for (const [name, value] of Object.entries(c.params)) path = path.replace(`{${name}}`, percent(String(value)));
  const query = inQuery(operation) ? { ...c.input, ...c.query } : (c.query ?? {});
  if (Object.keys(query).length) path += `?${encode(query)}`;
  const headers: Record<string, string> = {};
  if (c.auth === 'token') headers.authorization = `Bearer ${token}`;
  if (c.auth === 'bad') {
    headers.authorization = `Bearer smsp_${randomBytes(32).toString('base64url')}`;
    // A bad token counts against its address (30 per 15 minutes): each guess from its own, so the
    // good requests' address is never cut off.
    headers['x-forwarded-for'] = `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  }
  if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
  let body: string | Uint8Array | undefined;
  if (!inQuery(operation)) {
    const type = c.type ?? Object.keys(operation.spec.requestBody?.content ?? { 'application/json': {} })[0];
    body = c.rawBody ?? (Object.keys(c.input).length ? (isJson(type) ? JSON.stringify(c.input) : encode(c.input)) : undefined);
    if (body !== undefined) headers['content-type'] = type;
  }
  return rawRequest(baseUrl(), path, { method: operation.method.toUpperCase(), headers, body });
}

/** What is wrong with an answer: a 5xx, a status the document does not list, a body not of its schema. */
function problemsOf(operation: Operation, response: RawResponse): string[] {
  if (response.status >= 500) return [`a ${response.status}: ${response.body.slice(0, 200)}`];
  const documented = operation.spec.responses[String(response.status)];
  if (!documented) return [`status ${response.status} is not in the document: ${response.body.slice(0, 200)}`];
  if (!String(response.headers['content-type']).startsWith('application/json')) return [`${response.status} is not JSON: ${response.headers['content-type']}`];
  if (documented.headers?.['Retry-After'] && !response.headers['retry-after']) return [`${response.status} without Retry-After`];
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [`${response.status}: unreadable JSON ${response.body.slice(0, 200)}`];
  }
  return validate(documented.content['application/json'].schema as Schema, body).map((p) => `${response.status} ${p}`);
}

// --- drawing cases from the document ---------------------------------------------------------

const bodySchema = (operation: Operation): Schema | undefined => {
  if (inQuery(operation)) {
    const query = operation.spec.parameters.filter((p) => p.in === 'query');
    return {
      type: 'object',
      properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
      required: query.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    };
  }
  return Object.values(operation.spec.requestBody?.content ?? {})[0]?.schema as Schema | undefined;
};

/** Realistic values for some fields, mixed with what the schema alone gives, so valid requests also reach the success answers. */
function seeds(): Record<string, fc.Arbitrary<unknown>> {
  const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
  return {
    to: fc.oneof(fc.constantFrom(...NUMBERS), fc.subarray(NUMBERS, { minLength: 1 }), fc.subarray(NUMBERS, { minLength: 1 }).map((list) => list.join(','))),
    from: fc.constantFrom(SENDER, 'DemoShop', 'Stranger'),
    message: fc.oneof(fc.constantFrom('Hello', 'Здравейте!', 'a'.repeat(161), '   ', ''), fc.string({ maxLength: 200 })),
    test: fc.constantFrom('1', 1, true, '0'),
    date: fc.constantFrom(days(1), days(-1), days(200), String(Math.floor(Date.now() / 1000) + 3600), '2026-13-45T99:00:00+02:00'),
    status: fc.oneof(
      fc.constant(pools.messageIds.join('|')),
      fc.subarray(pools.messageIds, { minLength: 1 }).map((ids) => ids.join('|')),
    ),
    // An id of each kind: an operation given another kind's id answers its documented 404.
    id: fc.oneof(fc.constantFrom(...pools.campaignIds), fc.constantFrom(...pools.contactIds)),
    group_id: fc.constantFrom(...pools.groupIds),
    // Contacts kept for the group members' operations (the id pool's are deleted along the way).
    contact_id: fc.constantFrom(...pools.memberIds),
    phone_number: fc.oneof(fc.constantFrom(...NUMBERS), fc.constantFrom('0888', '+35988', '359')),
  };
}

function validInput(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  const schema = bodySchema(operation);
  if (!schema || !Object.keys(schema.properties ?? {}).length) return fc.constant({});
  const drawn = arbitraryFromSchema(schema) as fc.Arbitrary<Record<string, unknown>>;
  const seeded = seeds();
  const properties = Object.keys(schema.properties as Record<string, unknown>);
  const example = (Object.values(operation.spec.requestBody?.content ?? {})[0]?.example ?? {}) as Record<string, unknown>;
  // `from` is a sender name, except in a period (GET /api/insights: from and to are days).
  const period = /\\d\{4\}-/.test(String((schema.properties as Record<string, { pattern?: string }>).from?.pattern ?? ''));
  const day = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Sofia' }).format(new Date(Date.now() + n * 86_400_000));
  const sender = period
    ? fc.record({ from: fc.constantFrom(day(-30), day(-365), day(-2)), to: fc.constantFrom(day(-1), day(-2)) })
    : fc.constant('from' in (schema.properties as object) ? { from: SENDER } : {});
  const realistic = fc
    .tuple(fc.record(Object.fromEntries(properties.filter((name) => seeded[name]).map((name) => [name, seeded[name]])), { requiredKeys: [] }), sender)
    .map(([values, fixed]) => ({ ...example, ...fixed, ...values }));
  return fc.oneof(realistic, drawn, fc.tuple(drawn, realistic).map(([a, b]) => ({ ...a, ...b })));
}

function validParams(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  const pathParams = operation.spec.parameters.filter((p) => p.in === 'path');
  const seeded = seeds();
  return fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, p.name in seeded ? fc.oneof(seeded[p.name], arbitraryFromSchema(p.schema)) : arbitraryFromSchema(p.schema)])),
  );
}

function validCase(operation: Operation): fc.Arbitrary<Case> {
  const types = Object.keys(operation.spec.requestBody?.content ?? {});
  return fc.record({
    kind: fc.constant('valid'),
    params: validParams(operation),
    input: validInput(operation),
    type: types.length ? fc.constantFrom(...types) : fc.constant(undefined),
    idempotencyKey: operation.spec.parameters.some((p) => p.name === 'Idempotency-Key')
      ? fc.option(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), { nil: undefined })
      : fc.constant(undefined),
    auth: fc.constant('token' as const),
  }) as fc.Arbitrary<Case>;
}

const wrongValue = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const control = fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\ud800');
// Path values that stay one segment: fetch and Next resolve "." and ".." themselves.
const segment = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/^\.{1,2}$/.test(s));

/** A valid case made wrong in one way. */
function malformedCase(operation: Operation): fc.Arbitrary<Case> {
  const schema = bodySchema(operation) ?? { properties: {}, required: [] };
  const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const required = (schema.required ?? []) as string[];
  const pathNames = operation.spec.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const post = !inQuery(operation);
  const types = Object.keys(operation.spec.requestBody?.content ?? {});
  const jsonBody = types.includes('application/json');
  const mutations: fc.Arbitrary<(c: Case) => Case>[] = [
    fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !properties.includes(name)).map((name) => (c: Case) => ({ ...c, kind: 'extra field', input: { ...c.input, [name]: 'x' } })),
    fc.tuple(control, fc.nat()).map(([char, at]) => (c: Case) => {
      const names = Object.keys(c.input).filter((n) => typeof c.input[n] === 'string');
      if (!names.length) return { ...c, kind: 'control character in a name', input: { ...c.input, [`x${char}`]: 'y' } };
      const name = names[at % names.length];
      const text = String(c.input[name]);
      return { ...c, kind: `control character in ${name}`, input: { ...c.input, [name]: text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1)) } };
    }),
    fc.constantFrom('application/xml', 'text/plain', 'multipart/form-data; boundary=x').map((type) => (c: Case) => ({ ...c, kind: 'wrong content type', type, rawBody: 'a=1' })),
    fc.constantFrom('a=%', 'a=%E0%A4', 'message=%FF', 'to=1&&=&=x').map((rawBody) => (c: Case) => ({ ...c, kind: 'malformed form', type: 'application/x-www-form-urlencoded', rawBody })),
    fc.constant((c: Case) => ({ ...c, kind: 'not UTF-8', type: 'application/x-www-form-urlencoded', rawBody: new Uint8Array([0x61, 0x3d, 0xc3, 0x28, 0xff]) })),
    fc.string({ minLength: 1, maxLength: 10 }).map((name) => (c: Case) => ({ ...c, kind: 'unknown query parameter', query: { [`q${name}`]: '1' } })),
  ];
  if (required.length) {
    mutations.push(fc.constantFrom(...required).map((name) => (c: Case) => {
      const input = { ...c.input };
      delete input[name];
      return { ...c, kind: `missing ${name}`, input };
    }));
  }
  if (properties.length) {
    mutations.push(
      fc.tuple(fc.constantFrom(...properties), wrongValue).map(([name, value]) => (c: Case) => ({
        ...c,
        kind: `wrong type of ${name}`,
        input: { ...c.input, [name]: value },
        type: c.type && jsonBody ? 'application/json' : c.type,
      })),
      // In a query the URL must stay under the HTTP server's 16 KB header limit (beyond it Node answers 431 itself).
      fc.tuple(fc.constantFrom(...properties), fc.integer({ min: 1, max: post ? 30_000 : 1_500 })).map(([name, length]) => (c: Case) => ({
        ...c,
        kind: `oversized ${name}`,
        input: { ...c.input, [name]: 'ж'.repeat(length) },
      })),
    );
  }
  if (post && jsonBody) {
    mutations.push(fc.constantFrom('{', '{"to":', '[1,2]', 'null', '"text"', '{"a":1,}', '\u0000').map((rawBody) => (c: Case) => ({ ...c, kind: 'bad JSON', type: 'application/json', rawBody })));
  }
  if (post && !types.length) {
    mutations.push(fc.constant((c: Case) => ({ ...c, kind: 'unexpected body', type: 'application/json', rawBody: '{"force":true}' })));
  }
  if (pathNames.length) {
    mutations.push(fc.tuple(fc.constantFrom(...pathNames), segment).map(([name, value]) => (c: Case) => ({ ...c, kind: `bad path ${name}`, params: { ...c.params, [name]: value } })));
  }
  if (operation.spec.parameters.some((p) => p.name === 'Idempotency-Key')) {
    mutations.push(fc.constantFrom('a b', 'k'.repeat(256), 'clé', '').map((key) => (c: Case) => ({ ...c, kind: 'bad Idempotency-Key', idempotencyKey: key })));
  }
  return fc.tuple(validCase(operation), fc.oneof(...mutations)).map(([c, mutate]) => mutate(c));
}

function cases(operation: Operation, index: number): Case[] {
  const draw = <T,>(arbitrary: fc.Arbitrary<T>, numRuns: number, salt: number) => fc.sample(arbitrary, { seed: SEED + index * 10 + salt, numRuns });
  const valid = draw(validCase(operation), RUNS.valid, 1);
  const malformed = draw(malformedCase(operation), RUNS.malformed, 2);
  const anonymous = draw(fc.oneof(validCase(operation), malformedCase(operation)), RUNS.anonymous, 3).map((c) => ({ ...c, auth: 'none' as const }));
  const badToken = draw(validCase(operation), RUNS.badToken, 4).map((c) => ({ ...c, kind: 'bad token', auth: 'bad' as const }));
  const oversized: Case[] =
    !inQuery(operation)
      ? [{ kind: 'body over 4 MB', params: valid[0].params, input: {}, rawBody: `message=${'x'.repeat(4 * 1024 * 1024)}`, type: 'application/x-www-form-urlencoded', auth: 'token' }]
      : [];
  return [...valid, ...malformed, ...anonymous, ...badToken, ...oversized];
}

// --- the run --------------------------------------------------------------------------------

async function api(path: string, init: { method?: string; json?: unknown; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let body: string | undefined;
  if (init.json) [headers['content-type'], body] = ['application/json', JSON.stringify(init.json)];
  if (init.form) [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(init.form).toString()];
  const response = await rawRequest(baseUrl(), path, { method: init.method ?? 'GET', headers, body });
  return { status: response.status, body: JSON.parse(response.body) };
}

beforeAll(async () => {
  await admin('account:create', '--name', 'FuzzCo', '--points', '2000');
  await admin('user:create', '--account', 'FuzzCo', '--email', 'dev@fuzzco.test', '--password', 'fuzz-user-password');
  await admin('sender:add', '--account', 'FuzzCo', '--name', SENDER);
  await admin('sender:add', '--account', 'FuzzCo', '--name', 'DemoShop');
  token = (await admin('token:create', '--email', 'dev@fuzzco.test', '--name', 'fuzz')).token;
  // The documented example names a contact group "Clients" (the demo data's); this account has one too.
  const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  try {
    await sql`insert into contact_groups (account_id, name) select id, 'Clients' from accounts where name = 'FuzzCo'`;
  } finally {
    await sql.end();
  }
  // The description is public: fetched without a token.
  const described = await rawRequest(baseUrl(), '/api/openapi.json');
  expect(described.status).toBe(200);
  document = JSON.parse(described.body);
  // Real ids of this account, so valid requests also find what they name.
  const sent = await api('/api/sms.do', { method: 'POST', form: { to: NUMBERS.slice(0, 3).join(','), from: SENDER, message: 'fuzz seed' } });
  expect(sent.status).toBe(200);
  pools.messageIds = sent.body.list.map((m: { id: string }) => m.id);
  for (const date of [undefined, new Date(Date.now() + 86_400_000).toISOString(), undefined]) {
    const created = await api('/api/campaigns', { method: 'POST', json: { from: SENDER, message: 'fuzz campaign', to: NUMBERS, rate: 1, ...(date ? { date } : {}) } });
    expect(created.status).toBe(201);
    pools.campaignIds.push(created.body.id);
  }
  for (let i = 0; i < 40; i++) {
    const created = await api('/api/contacts', { method: 'POST', json: { phone_number: `+35988820${String(i).padStart(4, '0')}`, first_name: `Fuzz ${i}` } });
    expect(created.status).toBe(201);
    (i < 30 ? pools.contactIds : pools.memberIds).push(created.body.id);
  }
  for (const name of ['Fuzz A', 'Fuzz B']) {
    const created = await api('/api/contacts/groups', { method: 'POST', json: { name } });
    expect(created.status).toBe(201);
    pools.groupIds.push(created.body.id);
  }
});

describe('the REST API under fuzzing', () => {
  it('answers every drawn request, valid or malformed, with a token or without, as its OpenAPI document says', async () => {
    const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, spec]) => ({ path, method: method as Method, spec: spec as OperationObject })),
    );
    expect(operations.map((o) => o.spec.operationId)).toEqual(
      expect.arrayContaining(['controlCampaign', 'createCampaign', 'getCampaign', 'getStatuses', 'sendSms', 'listContacts', 'updateContact', 'removeFromBlacklist']),
    );
    const failures: string[] = [];
    const statuses = new Map<string, Map<number, number>>();
    let total = 0;
    for (const [index, operation] of operations.entries()) {
      const all = cases(operation, index);
      const seen = new Map<number, number>();
      statuses.set(operation.spec.operationId, seen);
      for (let i = 0; i < all.length; i += PARALLEL) {
        await Promise.all(
          all.slice(i, i + PARALLEL).map(async (c) => {
            const response = await send(operation, c).catch((error: Error) => error);
            if (response instanceof Error) {
              failures.push(`${operation.method.toUpperCase()} ${operation.path} [${c.kind}, ${c.auth}] no answer: ${response.message}`);
              return;
            }
            seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
            for (const problem of problemsOf(operation, response)) {
              failures.push(`${operation.method.toUpperCase()} ${operation.path} [${c.kind}, ${c.auth}] ${problem}\n  case: ${JSON.stringify(c).slice(0, 300)}`);
            }
          }),
        );
      }
      total += all.length;
    }
    for (const [id, seen] of statuses) console.log(`api fuzz: ${id}: ${[...seen].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`api fuzz: ${operations.length} operations, ${total} cases, ${failures.length} failures`);
    expect(failures.slice(0, 20)).toEqual([]);
    // Valid requests reached the success answers too, not only refusals.
    for (const operation of operations) {
      const success = Object.keys(operation.spec.responses).map(Number).find((status) => status < 300)!;
      expect(statuses.get(operation.spec.operationId)!.get(success), operation.spec.operationId).toBeGreaterThan(0);
    }
  }, 180_000);
});
