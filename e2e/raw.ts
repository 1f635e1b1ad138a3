import http from 'node:http';
import type { Sql } from 'postgres';

/**
 * Helpers for browser-free e2e tests that speak raw HTTP to the app: requests through node:http
 * (which, unlike fetch, sends a forged Host header as given), server-action calls encoded the way
 * React's client encodes them, and table checksums over a direct PostgreSQL connection.
 */

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };
export type RawInit = { method?: string; headers?: Record<string, string>; body?: string | Uint8Array };

export function rawRequest(baseUrl: string, path: string, init: RawInit = {}): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? 'GET', headers, setHost: !('host' in headers) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (init.body !== undefined) request.write(init.body);
    request.end();
  });
}

export function header(response: RawResponse, name: string): string {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

export function setCookies(response: RawResponse): string[] {
  return response.headers['set-cookie'] ?? [];
}

/** "name=value; name=value" from Set-Cookie lines, for a Cookie header. */
export function cookieHeader(lines: string[]): string {
  return lines.map((line) => line.split(';')[0]).join('; ');
}

/** Set-Cookie lines that give a session cookie a value (not the ones that clear it). */
export function sessionCookiesSet(response: RawResponse): string[] {
  return setCookies(response).filter((line) => {
    const [pair] = line.split(';');
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    return name.endsWith('authjs.session-token') && value !== '' && !/max-age=0\b/i.test(line);
  });
}

// ---------------------------------------------------------------------------------------------
// Server actions

/**
 * The body React's client (encodeReply) sends for these arguments: plain JSON text, or, when an
 * argument is a FormData, multipart form data whose FormData entries are named "_<n>_<key>" and
 * whose last field, "0", holds the JSON with "$K<n>" references to them.
 */
export async function encodeActionArgs(args: unknown[]): Promise<{ body: string | Uint8Array; contentType: string }> {
  if (!args.some((arg) => arg instanceof FormData)) return { body: JSON.stringify(args), contentType: 'text/plain;charset=UTF-8' };
  const form = new FormData();
  let next = 1;
  const parts: [string, FormDataEntryValue][] = [];
  const root = args.map((arg) => {
    if (!(arg instanceof FormData)) return arg;
    const id = next++;
    arg.forEach((value, key) => parts.push([`_${id}_${key}`, value]));
    return `$K${id.toString(16)}`;
  });
  // The root goes last, as React sends it: the server resolves "$K" references as soon as it reads
  // field "0", so the FormData entries must have arrived before it.
  for (const [key, value] of parts) form.append(key, value);
  form.set('0', JSON.stringify(root));
  return multipart(form);
}

/** A no-JavaScript form post of the action (`$ACTION_ID_<id>` field): Next's "MPA" action path. */
export async function encodeFormPost(actionId: string, fields: Record<string, string>): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  form.set(`$ACTION_ID_${actionId}`, '');
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return multipart(form);
}

async function multipart(form: FormData): Promise<{ body: Uint8Array; contentType: string }> {
  const request = new Request('http://encoder.invalid/', { method: 'POST', body: form });
  return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

export type ActionCall = {
  id: string;
  path: string;
  args: unknown[];
  /** Origin defaults to the app's own origin, as a browser on the app would send. */
  headers?: Record<string, string>;
};

/** One server-action call as the browser's router makes it (Next-Action header, RSC accept). */
export async function callAction(baseUrl: string, call: ActionCall): Promise<RawResponse> {
  const { body, contentType } = await encodeActionArgs(call.args);
  return rawRequest(baseUrl, call.path, {
    method: 'POST',
    body,
    headers: {
      accept: 'text/x-component',
      'next-action': call.id,
      'content-type': contentType,
      origin: new URL(baseUrl).origin,
      ...call.headers,
    },
  });
}

export type ActionOutcome = { kind: 'value'; value: unknown } | { kind: 'error' } | { kind: 'none' };

/** The action's return value from a React Flight answer: row 0's "a" points at the row holding it. */
export function actionOutcome(response: RawResponse): ActionOutcome {
  if (!header(response, 'content-type').startsWith('text/x-component')) return { kind: 'none' };
  const rows = new Map<string, string>();
  for (const line of response.body.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) rows.set(line.slice(0, colon), line.slice(colon + 1));
  }
  let root: { a?: unknown };
  try {
    root = JSON.parse(rows.get('0') ?? '') as { a?: unknown };
  } catch {
    return { kind: 'none' };
  }
  const ref = typeof root.a === 'string' ? /^\$@([0-9a-f]+)$/.exec(root.a) : null;
  if (!ref) return root.a === undefined ? { kind: 'none' } : { kind: 'value', value: root.a };
  const row = rows.get(ref[1]);
  if (row === undefined) return { kind: 'none' };
  if (row.startsWith('E')) return { kind: 'error' };
  try {
    return { kind: 'value', value: JSON.parse(row) };
  } catch {
    return { kind: 'none' };
  }
}

/** The app's actions answer a refusal with one of these shapes instead of throwing. */
export function isErrorResult(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.ok === false || typeof v.error === 'string';
}

/**
 * How the app refused an action call, or null when the answer looks like it carried out the
 * action: a redirect to the sign-in page (HTTP 3xx from the proxy or a no-JavaScript post, or
 * the router's x-action-redirect), a 4xx/5xx, a thrown error or an error result.
 */
export function refusal(baseUrl: string, response: RawResponse): string | null {
  const toSignIn = (target: string) => {
    const url = new URL(target, baseUrl);
    return url.origin === new URL(baseUrl).origin && url.pathname === '/sign-in';
  };
  if (response.status >= 300 && response.status < 400) {
    const location = header(response, 'location');
    return location && toSignIn(location) ? `${response.status} to ${location}` : null;
  }
  if (response.status >= 400) return `HTTP ${response.status}`;
  const redirect = header(response, 'x-action-redirect');
  if (redirect) return toSignIn(redirect.split(';')[0]) ? `action redirect to ${redirect}` : null;
  const outcome = actionOutcome(response);
  if (outcome.kind === 'error') return 'action threw';
  if (outcome.kind === 'value' && isErrorResult(outcome.value)) return `error result ${JSON.stringify(outcome.value)}`;
  return null;
}

/** "app/(app)/bulk/[id]/page" -> "/bulk/<params.id>": the URL of a page from its build name. */
export function pagePath(workerName: string, params: Record<string, string>): string {
  const segments = workerName.split('/').slice(1, -1);
  const parts = segments
    .filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith('@'))
    .map((s) => {
      const dynamic = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(s);
      return dynamic ? encodeURIComponent(params[dynamic[1]] ?? '00000000-0000-4000-8000-000000000000') : s;
    });
  return `/${parts.join('/')}`;
}

// ---------------------------------------------------------------------------------------------
// Table checksums

/**
 * Accounts whose rows the job workers may change at any moment, without any request: a campaign
 * sending or about to start, messages just handed to the gateway (the simulator reports within
 * 30 s at SIMULATOR_DELAY_SCALE=1, the e2e server uses 0.05) or
 * about to expire unreported, single messages waiting to be dispatched, reports being generated or
 * due, e-mails in the outbox. Comparing their rows before and after a request would be flaky, so
 * checksums leave them out; a test must make sure the account it attacks is not one of them.
 */
export async function busyAccounts(sql: Sql, validitySeconds = Number(process.env.MESSAGE_VALIDITY_SECONDS ?? 172_800)): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    select a.id from accounts a
    where exists (select 1 from campaigns c where c.account_id = a.id
                    and (c.status = 'sending' or (c.status = 'scheduled' and c.scheduled_at < now() + interval '5 minutes')))
       or exists (select 1 from messages m where m.account_id = a.id and m.status in (403, 410, 411)
                    and (m.sent_at > now() - interval '2 minutes'
                         or m.sent_at < now() - make_interval(secs => ${validitySeconds}) + interval '5 minutes'))
       or exists (select 1 from messages m where m.account_id = a.id and m.status = 409 and m.campaign_id is null
                    and coalesce(m.scheduled_at, m.created_at) < now() + interval '5 minutes')
       or exists (select 1 from report_runs r where r.account_id = a.id and r.status in ('queued', 'generating'))
       or exists (select 1 from report_definitions d where d.account_id = a.id and d.method = 'periodic' and not d.paused
                    and d.next_run_at < now() + interval '5 minutes')
       or exists (select 1 from email_outbox e where e.account_id = a.id and e.status = 'queued')
    order by a.id`;
  return rows.map((r) => r.id);
}

/**
 * One md5 per table of the public schema over all its rows (each row's text hashed, sorted),
 * leaving out the rows of `skipAccounts` (see busyAccounts). Like tests/isolation/checksum.ts, but
 * over every table and through a plain connection to the e2e database. The job queue (schema graphile_worker) is not
 * included: the workers' cron jobs change it every minute, and the app adds a job only in the same
 * transaction as the rows it works on, which are checked.
 */
export async function tableChecksums(sql: Sql, skipAccounts: number[]): Promise<Record<string, string>> {
  const columns = await sql<{ table_name: string; columns: string[] }[]>`
    select c.table_name, array_agg(c.column_name::text) as columns
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
    group by c.table_name order by c.table_name`;
  const skip = `{${skipAccounts.join(',')}}`;
  const out: Record<string, string> = {};
  for (const { table_name: table, columns: cols } of columns) {
    let where = '';
    if (table === 'accounts') where = `where not (t.id = any($1::int[]))`;
    else if (cols.includes('account_id')) where = `where t.account_id is null or not (t.account_id = any($1::int[]))`;
    else if (cols.includes('campaign_id')) {
      where = `where t.campaign_id not in (select id from campaigns where account_id = any($1::int[]))`;
    } else if (cols.includes('run_id')) where = `where t.run_id not in (select id from report_runs where account_id = any($1::int[]))`;
    // Delivery reports waiting to be applied belong to their message's account.
    else if (cols.includes('message_id')) where = `where t.message_id is null or t.message_id not in (select id from messages where account_id = any($1::int[]))`;
    const [row] = await sql.unsafe<{ sum: string; n: string }[]>(
      `select md5(coalesce(string_agg(h, ',' order by h), '')) as sum, count(*)::text as n
       from (select md5(t::text) as h from "${table}" t ${where}) rows`,
      where ? [skip] : [],
    );
    out[table] = `${row.n}:${row.sum}`;
  }
  return out;
}

/** Tables whose checksum differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
