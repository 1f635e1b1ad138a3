import { randomBytes } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { admin } from './admin';

// Downloads through the production server as a browser gets them (Next.js drops a route's
// Content-Length and Content-Encoding; scripts/start.ts compresses and passes lengths): a
// campaign's CSV gzip-compressed when accepted, the same bytes once decompressed; a stored
// report file as it is, with its Content-Length, byte for byte.

const USER = { email: 'ops@downloads.test', password: 'downloads-password-2026' };
const MESSAGES = 20_000;
let sql: postgres.Sql;
let cookie: string;
let campaignId: string;
let runId: string;
// A CSV (compressible: the server must still leave it alone) with some bytes no text has.
const file = Buffer.concat([
  Buffer.from('\uFEFF"Съобщение"\r\n'.repeat(40_000)),
  randomBytes(1000),
]);

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET read raw: not decompressed, headers as sent. */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(`${inject('baseUrl')}${pathname}`, { headers: { cookie, ...headers } }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Signs in through Auth.js's endpoints, as the sign-in form does. */
async function signIn(): Promise<string> {
  const base = inject('baseUrl');
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') },
    body: new URLSearchParams({ csrfToken, ...USER }),
  });
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

beforeAll(async () => {
  await admin('account:create', '--name', 'DownloadsCo');
  await admin('user:create', '--account', 'DownloadsCo', '--email', USER.email, '--password', USER.password, '--role', 'owner', '--language', 'en');
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  const [{ account_id: accountId, user_id: userId }] = await sql<{ account_id: number; user_id: number }[]>`
    select a.id as account_id, u.id as user_id from accounts a join users u on u.account_id = a.id where a.name = 'DownloadsCo'`;
  [{ id: campaignId }] = await sql<{ id: string }[]>`
    insert into campaigns (account_id, user_id, name, sender_name, content, encoding, parts, status, recipients, points, finished_at)
    values (${accountId}, ${userId}, 'Big', 'DownloadsCo', 'Здравейте', 'ucs2', 1, 'completed', ${MESSAGES}, ${MESSAGES * 650}, now())
    returning id`;
  await sql`
    insert into messages (account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts, points, status, source, idx, sent_at, done_at)
    select ${accountId}, ${campaignId}, ${userId}, 'DownloadsCo', '+35988' || (1000000 + g), 'BG', 'Здравейте, "клиент" № ' || g, 'ucs2', 1, 650, 404, 'portal',
           case when g % 5 = 0 then '=cmd|' || g end, now(), now()
      from generate_series(1, ${MESSAGES}) g`;
  const [definition] = await sql<{ id: string }[]>`
    insert into report_definitions (account_id, user_id, name, method, type, format, options)
    values (${accountId}, ${userId}, 'Stored', 'once', 'detailed', 'csv', '{}'::jsonb) returning id`;
  [{ id: runId }] = await sql<{ id: string }[]>`
    insert into report_runs (definition_id, account_id, status, period_start, period_end, size_bytes, file_name, content_type, finished_at, expires_at)
    values (${definition.id}, ${accountId}, 'ready', '2026-03-01', '2026-04-01', ${file.length}, 'Stored', 'text/csv; charset=utf-8', now(), now() + interval '1 day')
    returning id`;
  for (let seq = 0, offset = 0; offset < file.length; seq++, offset += 262_144) {
    await sql`insert into report_file_chunks (run_id, seq, data) values (${runId}, ${seq}, ${file.subarray(offset, offset + 262_144)})`;
  }
  cookie = await signIn();
  expect(cookie).toContain('session-token');
}, 120_000);

afterAll(async () => {
  await sql?.end();
});

describe('downloads through the server', () => {
  it('a campaign CSV comes gzip-compressed when accepted, and decompresses to exactly the plain file', async () => {
    const path = `/bulk/${campaignId}/delivery-report.csv`;
    const plain = await get(path, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(plain.body.toString('utf8').split('\r\n').length).toBe(MESSAGES + 2);

    const gzipped = await get(path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(gzipped.headers['content-disposition']).toMatch(/^attachment; /);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 4);
    expect(zlib.gunzipSync(gzipped.body)).toEqual(plain.body);
  });

  it('a stored report file goes as it is, with its Content-Length, byte for byte', async () => {
    const response = await get(`/reports/runs/${runId}/download`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(file.length));
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['x-file-length']).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toEqual(file);
  });
});
