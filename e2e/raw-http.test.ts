import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { discover, type Entry } from '@/tests/isolation/discover';
import { admin } from './admin';
import {
  actionOutcome,
  busyAccounts,
  callAction,
  changedTables,
  cookieHeader,
  encodeFormPost,
  header,
  pagePath,
  rawRequest,
  refusal,
  sessionCookiesSet,
  setCookies,
  tableChecksums,
  type RawResponse,
} from './raw';

// Browser-free attacks over plain HTTP against the production build (e2e/global-setup.ts): every
// server action the build exposes, called without a session; actions and route handlers called
// cross-origin or with only a session cookie; forged Host / X-Forwarded-Host headers. Each attack
// is checked by its answer and by checksums of every table before and after it.

const ROOT = path.resolve(import.meta.dirname, '..');
const BASE = inject('baseUrl');
const PORT = new URL(BASE).port;
const EVIL = 'evil.example';
const MIDDLEWARE_SUBREQUEST = 'middleware:middleware:middleware:middleware:middleware';
const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });

const run = randomBytes(3).toString('hex');
const EMAIL = `raw-http-${run}@example.test`;
const PASSWORD = `raw-http ${run} secret`;
const SENDER = 'RawShop';
let accountId = 0;
let timeZone = 'Europe/Sofia';
/** Set-Cookie of a real sign-in, and the Cookie header it gives. */
let sessionSetCookie = '';
let cookie = '';
/** A campaign of the account scheduled a week ahead: it can be paused, resumed and stopped, and no worker touches it. */
let campaignId = '';
/** A periodic report definition (a schedule) of the account. */
let scheduleId = '';
let apiToken = '';
let apiTokenId = '';

type ManifestEntry = { workers: Record<string, unknown>; filename: string; exportedName: string };
type Manifest = { node: Record<string, ManifestEntry>; edge: Record<string, ManifestEntry> };
type Action = { id: string; key: string; workers: string[] };
let actions: Action[] = [];
let discovered: Entry[] = [];

/** A client address of its own for each sign-in, so no other test's rate limit is touched. */
function clientIp(): string {
  const bytes = randomBytes(2);
  return `198.18.${bytes[0]}.${bytes[1]}`;
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

function actionId(key: string): string {
  const action = actions.find((a) => a.key === key);
  if (!action) throw new Error(`${key} is not in the build's server-action manifest`);
  return action.id;
}

/** A real sign-in through Auth.js's own endpoint, as the browser's form does it. */
async function signInOverHttp(email: string, password: string, extra: Record<string, string> = {}) {
  const csrf = await rawRequest(BASE, '/api/auth/csrf');
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const response = await rawRequest(BASE, '/api/auth/callback/credentials', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookieHeader(setCookies(csrf)),
      'x-forwarded-for': clientIp(),
      ...extra,
    },
    body: new URLSearchParams({ csrfToken, email, password }).toString(),
  });
  return response;
}

/** The signed-in user's e-mail as Auth.js's session endpoint reports it ('' when none). */
async function sessionEmail(cookieValue: string): Promise<string> {
  const response = await rawRequest(BASE, '/api/auth/session', { headers: { cookie: cookieValue } });
  const session = JSON.parse(response.body || 'null') as { user?: { email?: string } } | null;
  return session?.user?.email ?? '';
}

/**
 * Runs `attack` and fails if any table changed meanwhile, apart from `allowed` tables. Accounts
 * the job workers are busy with are left out (see busyAccounts in e2e/raw.ts); the test's own
 * account must not be one of them, or the check would say nothing about it.
 */
async function expectNoChange<T>(label: string, attack: () => Promise<T>, allowed: string[] = []): Promise<{ result: T; busy: number[] }> {
  const busy = await busyAccounts(sql);
  expect(busy, 'the test account must be quiet for its checksums to mean anything').not.toContain(accountId);
  const before = await tableChecksums(sql, busy);
  const result = await attack();
  const after = await tableChecksums(sql, busy);
  expect(changedTables(before, after).filter((t) => !allowed.includes(t)), `${label}: tables changed`).toEqual([]);
  return { result, busy };
}

function describeResponse(response: RawResponse): string {
  return `${response.status} ${JSON.stringify({ location: header(response, 'location'), action: header(response, 'x-action-redirect') })} ${response.body.slice(0, 200)}`;
}

/** A Location (or router redirect) that stays on this site: never on the forged host. */
function expectOnSite(target: string, label: string) {
  expect(target, `${label}: no redirect`).not.toBe('');
  expect(target, label).not.toContain(EVIL);
  const url = new URL(target.split(';')[0], BASE);
  expect([new URL(BASE).host, `localhost:${PORT}`], `${label}: ${target}`).toContain(url.host);
}

beforeAll(async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as Manifest;
  actions = [...Object.entries(manifest.node), ...Object.entries(manifest.edge)]
    .map(([id, entry]) => ({ id, key: `action ${entry.filename} ${entry.exportedName}`, workers: Object.keys(entry.workers).sort() }))
    .sort((a, b) => a.key.localeCompare(b.key));
  discovered = await discover(path.join(ROOT, 'app'));

  // An account of this test's own, made by the operators' CLI, with a sender name and points.
  const account = (await admin('account:create', '--name', `RawHttp ${run}`, '--points', '5000')) as { id: number; timeZone: string };
  accountId = account.id;
  timeZone = account.timeZone;
  await Promise.all([
    admin('user:create', '--account', `RawHttp ${run}`, '--email', EMAIL, '--password', PASSWORD, '--role', 'owner'),
    admin('sender:add', '--account', `RawHttp ${run}`, '--name', SENDER),
  ]);
  const signedIn = await signInOverHttp(EMAIL, PASSWORD);
  [sessionSetCookie] = sessionCookiesSet(signedIn);
  expect(sessionSetCookie, describeResponse(signedIn)).toBeTruthy();
  cookie = cookieHeader([sessionSetCookie]);

  // Everything else is made through the app's own server actions, with the session and the app's origin.
  const weekAhead = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const sent = await callAction(BASE, {
    id: actionId('action app/(app)/send/actions.ts sendNow'),
    path: '/send',
    args: [{ sender: SENDER, recipients: '+359888100001\n+359888100002\n+359888100003', groupIds: [], content: 'raw-http', scheduledAt: weekAhead, campaignName: `raw-http ${run}` }],
    headers: { cookie },
  });
  campaignId = /^\/bulk\/([0-9a-f-]{36});/.exec(header(sent, 'x-action-redirect'))?.[1] ?? '';
  expect(campaignId, describeResponse(sent)).not.toBe('');

  const schedule = await callAction(BASE, {
    id: actionId('action app/(app)/reports/actions.ts generateReport'),
    path: '/reports',
    args: [{ method: 'periodic', frequency: 'monthly', type: 'detailed', format: 'csv', name: `raw-http schedule ${run}`, emails: [] }],
    headers: { cookie },
  });
  expect(actionOutcome(schedule), describeResponse(schedule)).toMatchObject({ kind: 'value', value: { ok: true } });
  [{ id: scheduleId }] = await sql<{ id: string }[]>`select id from report_definitions where account_id = ${accountId}`;

  const created = await callAction(BASE, {
    id: actionId('action app/(app)/settings/actions.ts createToken'),
    path: '/settings',
    args: [{}, form({ name: 'raw-http' })],
    headers: { cookie },
  });
  const outcome = actionOutcome(created);
  expect(outcome, describeResponse(created)).toMatchObject({ kind: 'value', value: { ok: true, token: expect.stringMatching(/^smsp_/) } });
  apiToken = (outcome as { value: { token: string } }).value.token;
  [{ id: apiTokenId }] = await sql<{ id: string }[]>`select id from api_tokens where account_id = ${accountId}`;

  const [state] = await sql<{ status: string }[]>`select status from campaigns where id = ${campaignId}`;
  expect(state.status).toBe('scheduled');
}, 120_000);

afterAll(async () => {
  await sql.end();
});

describe('server actions from the build’s manifest', () => {
  it('are exactly the actions the isolation matrix discovers in app/', () => {
    expect(actions.length).toBeGreaterThan(0);
    const fromManifest = actions.map((a) => a.key);
    const fromDiscovery = discovered.filter((e) => e.kind === 'action').map((e) => e.key);
    // An action outside app/ (a 'use server' module in lib/, say) would be exposed but never
    // discovered, so never in the isolation matrix: none may exist.
    expect(
      fromManifest.filter((key) => !key.startsWith('action app/')),
      'server actions outside app/ are not covered by tests/isolation-matrix.test.ts',
    ).toEqual([]);
    expect(
      fromManifest.filter((key) => !fromDiscovery.includes(key)),
      'in the build but not found by tests/isolation/discover.ts (so not in the isolation matrix)',
    ).toEqual([]);
    expect(
      fromDiscovery.filter((key) => !fromManifest.includes(key)),
      'discovered in app/ but not in the build’s manifest',
    ).toEqual([]);
  });

  it('refuses every one without a session, with or without the middleware-subrequest header, changing nothing', async () => {
    const SIGN_IN = 'action app/(auth)/sign-in/actions.ts signInAction';
    const sendInput = { sender: SENDER, recipients: '+359888100009', groupIds: [], content: 'anonymous' };
    const reportInput = { method: 'once', period: { kind: 'last_week' }, type: 'detailed', format: 'csv', name: 'anonymous', emails: ['a@example.test'] };
    // Arguments a browser on the page would send, aimed at the test account's real objects, so a
    // missing session check would show as a change. An action not listed gets two empty objects.
    const ARGS: Record<string, unknown[]> = {
      'action app/(app)/bulk/[id]/actions.ts changeCampaign': [{ id: campaignId, action: 'stop' }],
      'action app/(app)/reports/actions.ts cancelReportRun': [{}, form({ id: scheduleId })],
      'action app/(app)/reports/actions.ts changeSchedule': [{ id: scheduleId, action: 'delete' }],
      'action app/(app)/reports/actions.ts estimateReport': [reportInput],
      'action app/(app)/reports/actions.ts generateReport': [reportInput],
      'action app/(app)/send/actions.ts previewSend': [sendInput],
      'action app/(app)/send/actions.ts sendNow': [sendInput],
      'action app/(app)/settings/actions.ts createToken': [{}, form({ name: 'anonymous' })],
      'action app/(app)/settings/actions.ts revokeToken': [{ id: apiTokenId }],
      'action app/(app)/settings/actions.ts deleteToken': [{ id: apiTokenId }],
      'action app/(app)/reports/actions.ts deleteReportRun': [{ id: scheduleId }],
      'action app/(app)/settings/actions.ts saveLanguage': [{}, form({ language: 'bg' })],
      'action app/(app)/settings/actions.ts saveTimeZone': [{}, form({ timeZone: 'Asia/Tokyo' })],
      'action app/(auth)/sign-out/actions.ts signOutAction': [],
      [SIGN_IN]: [{}, form({ email: EMAIL, password: 'not the password' })],
    };
    // A session cookie that is not one: the proxy only looks for the cookie's name, so this
    // reaches the action itself, whose own session check must refuse it.
    const forged = 'authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..forged.forged.forged';
    let requests = 0;
    let busy: number[] = [];

    for (const action of actions) {
      const args = ARGS[action.key] ?? [{}, {}];
      const page = pagePath(action.workers[0] ?? 'app/page', { id: campaignId });
      const formFields: Record<string, string> = {};
      for (const arg of args) if (arg instanceof FormData) arg.forEach((v, k) => (formFields[k] = String(v)));
      const variants: [string, () => Promise<RawResponse>][] = [
        ['no cookie', () => callAction(BASE, { id: action.id, path: page, args, headers: { 'x-forwarded-for': clientIp() } })],
        [
          'no cookie, x-middleware-subrequest',
          () => callAction(BASE, { id: action.id, path: page, args, headers: { 'x-forwarded-for': clientIp(), 'x-middleware-subrequest': MIDDLEWARE_SUBREQUEST } }),
        ],
        [
          'forged session cookie, x-middleware-subrequest',
          () =>
            callAction(BASE, {
              id: action.id,
              path: page,
              args,
              headers: { cookie: forged, 'x-forwarded-for': clientIp(), 'x-middleware-subrequest': MIDDLEWARE_SUBREQUEST },
            }),
        ],
        [
          'forged session cookie, no-JavaScript form post',
          async () => {
            const { body, contentType } = await encodeFormPost(action.id, formFields);
            return rawRequest(BASE, page, {
              method: 'POST',
              body,
              headers: { 'content-type': contentType, origin: new URL(BASE).origin, cookie: forged, 'x-forwarded-for': clientIp() },
            });
          },
        ],
      ];

      if (action.key === SIGN_IN) {
        // The exception: signing in needs no session. As nobody, with a wrong password, it answers
        // "invalid" and changes nothing but sign_in_attempts, which records each failed attempt
        // (the rate limits count them), and the audit log, which keeps each refusal for the
        // account's owner: exactly one row of each per "invalid" answer, none a success.
        const [{ last }] = await sql<{ last: number }[]>`select coalesce(max(id), 0)::int as last from sign_in_attempts`;
        const [{ lastAudit }] = await sql<{ lastAudit: number }[]>`select coalesce(max(id), 0)::int as "lastAudit" from audit_events`;
        let invalid = 0;
        await expectNoChange(
          action.key,
          async () => {
            for (const [name, send] of variants) {
              const response = await send();
              requests++;
              expect(sessionCookiesSet(response), `${action.key} (${name}) set a session`).toEqual([]);
              const outcome = actionOutcome(response);
              if (name.includes('form post')) {
                // Posted without React's state argument the action cannot read the form: a 500.
                expect(refusal(BASE, response), `${action.key} (${name}): ${describeResponse(response)}`).not.toBeNull();
                continue;
              }
              expect(outcome, `${action.key} (${name}): ${describeResponse(response)}`).toEqual({ kind: 'value', value: { error: 'invalid', email: EMAIL } });
              invalid++;
            }
          },
          ['sign_in_attempts', 'audit_events'],
        );
        const added = await sql<{ email: string; succeeded: boolean }[]>`select email, succeeded from sign_in_attempts where id > ${last} order by id`;
        expect(added).toEqual(Array.from({ length: invalid }, () => ({ email: EMAIL, succeeded: false })));
        const audited = await sql<{ action: string; userId: number | null }[]>`
          select action, user_id as "userId" from audit_events where id > ${lastAudit} order by id`;
        expect(audited).toEqual(Array.from({ length: invalid }, () => ({ action: 'auth.sign_in_failed', userId: null })));
        continue;
      }

      ({ busy } = await expectNoChange(action.key, async () => {
        for (const [name, send] of variants) {
          const response = await send();
          requests++;
          expect(refusal(BASE, response), `${action.key} (${name}) was not refused: ${describeResponse(response)}`).not.toBeNull();
          expect(sessionCookiesSet(response), `${action.key} (${name}) set a session`).toEqual([]);
        }
      }));
    }
    const [state] = await sql<{ status: string; points_refunded: number }[]>`select status, points_refunded::int from campaigns where id = ${campaignId}`;
    expect(state).toEqual({ status: 'scheduled', points_refunded: 0 });
    const [{ accounts }] = await sql<{ accounts: number }[]>`select count(*)::int as accounts from accounts`;
    console.log(
      `raw-http: ${actions.length} server actions from the manifest, all refused without a session ` +
        `(${requests} requests; rows of ${accounts - busy.length} of ${accounts} accounts compared, the job workers were busy with the others)`,
    );
  });
});

describe('a signed-in user’s session, used from another origin', () => {
  it('cannot run a server action: Next.js refuses a foreign Origin, and the same call from the app’s origin works', async () => {
    const changeCampaign = actionId('action app/(app)/bulk/[id]/actions.ts changeCampaign');
    const page = `/bulk/${campaignId}`;
    await expectNoChange('cross-origin action calls', async () => {
      for (const origin of [`https://${EVIL}`, 'null', `http://${EVIL}:${PORT}`]) {
        const calls = [
          { id: changeCampaign, path: page, args: [{ id: campaignId, action: 'stop' }] },
          { id: changeCampaign, path: page, args: [{ id: campaignId, action: 'pause' }] },
          { id: actionId('action app/(app)/settings/actions.ts saveLanguage'), path: '/settings', args: [{}, form({ language: 'bg' })] },
          { id: actionId('action app/(app)/settings/actions.ts createToken'), path: '/settings', args: [{}, form({ name: 'cross-origin' })] },
        ];
        for (const call of calls) {
          const response = await callAction(BASE, { ...call, headers: { cookie, origin, referer: `${origin}/attack` } });
          // "Invalid Server Actions request": Next.js's own CSRF check, before the action runs.
          expect(response.status, `${origin}: ${describeResponse(response)}`).toBe(500);
          expect(actionOutcome(response)).toEqual({ kind: 'error' });
        }
      }
    });
    const [unchanged] = await sql<{ status: string }[]>`select status from campaigns where id = ${campaignId}`;
    expect(unchanged.status).toBe('scheduled');

    // The same call from the app's origin pauses the campaign (and the audit log records who did),
    // and the checksums see that change.
    const busy = await busyAccounts(sql);
    const before = await tableChecksums(sql, busy);
    const response = await callAction(BASE, { id: changeCampaign, path: page, args: [{ id: campaignId, action: 'pause' }], headers: { cookie } });
    expect(actionOutcome(response), describeResponse(response)).toMatchObject({ kind: 'value', value: { ok: true } });
    expect(changedTables(before, await tableChecksums(sql, busy))).toEqual(['audit_events', 'campaigns']);
    const [paused] = await sql<{ action: string }[]>`
      select action from audit_events where target_id = ${campaignId} order by id desc limit 1`;
    expect(paused.action).toBe('campaign.pause');
    const [after] = await sql<{ status: string }[]>`select status from campaigns where id = ${campaignId}`;
    expect(after.status).toBe('paused');

    // Next.js's check reads only Origin (never Referer), and lets a request without Origin through
    // as not coming from a browser: every browser sends Origin on a cross-origin POST. The session
    // cookie is also SameSite=Lax, so a browser does not send it with a cross-site POST at all.
    expect(sessionSetCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(sessionSetCookie).toMatch(/;\s*HttpOnly/i);
  });

  it('opens no route handler that changes state: each non-GET route refuses a session cookie without its own credential', async () => {
    // How each route handler that changes state must answer a signed-in browser's cookie sent
    // cross-origin. A new non-GET route must be added here, or this test fails.
    const evilOrigin = `https://${EVIL}`;
    const CHECKS: Record<string, () => Promise<void>> = {
      // Auth.js: without its CSRF token (double-submit cookie), sign-out and sign-in do nothing.
      'route app/api/auth/[...nextauth]/route.ts POST': async () => {
        const signOut = await rawRequest(BASE, '/api/auth/signout', {
          method: 'POST',
          headers: { cookie, origin: evilOrigin, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ callbackUrl: `${evilOrigin}/` }).toString(),
        });
        expect(setCookies(signOut).filter((c) => c.includes('session-token')), describeResponse(signOut)).toEqual([]);
        expectOnSite(header(signOut, 'location'), 'sign-out without a CSRF token');
        expect(header(signOut, 'location')).toContain('error=MissingCSRF');
        expect(await sessionEmail(cookie)).toBe(EMAIL);

        const signIn = await rawRequest(BASE, '/api/auth/callback/credentials', {
          method: 'POST',
          headers: { origin: evilOrigin, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': clientIp() },
          body: new URLSearchParams({ email: EMAIL, password: PASSWORD, callbackUrl: `${evilOrigin}/` }).toString(),
        });
        expect(sessionCookiesSet(signIn), describeResponse(signIn)).toEqual([]);
        expectOnSite(header(signIn, 'location'), 'sign-in without a CSRF token');
        expect(header(signIn, 'location')).toContain('error=MissingCSRF');
      },
      // The REST API authenticates by Bearer token only (error 101 without one).
      'route app/api/campaigns/[id]/[action]/route.ts POST': async () => {
        for (const action of ['stop', 'pause', 'resume']) {
          const response = await rawRequest(BASE, `/api/campaigns/${campaignId}/${action}`, { method: 'POST', headers: { cookie, origin: evilOrigin } });
          expect(response.status, `${action}: ${describeResponse(response)}`).toBe(401);
          expect(JSON.parse(response.body)).toMatchObject({ error: 101 });
        }
      },
      'route app/api/campaigns/route.ts POST': async () => {
        const response = await rawRequest(BASE, '/api/campaigns', {
          method: 'POST',
          headers: { cookie, origin: evilOrigin, 'content-type': 'application/json' },
          body: JSON.stringify({ from: SENDER, message: 'cookie only', to: ['+359888100010', '+359888100011'] }),
        });
        expect(response.status, describeResponse(response)).toBe(401);
        expect(JSON.parse(response.body)).toMatchObject({ error: 101 });
      },
      'route app/api/sms.do/route.ts POST': async () => {
        const response = await rawRequest(BASE, '/api/sms.do', {
          method: 'POST',
          headers: { cookie, origin: evilOrigin, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ to: '+359888100012', from: SENDER, message: 'cookie only', format: 'json' }).toString(),
        });
        expect(response.status, describeResponse(response)).toBe(401);
        expect(JSON.parse(response.body)).toMatchObject({ error: 101 });
      },
      // Resend, the contacts and blacklist API: Bearer token only, like the rest of the API.
      ...Object.fromEntries(
        (
          [
            ['route app/api/campaigns/[id]/resend/route.ts POST', 'POST', `/api/campaigns/${campaignId}/resend`, {}],
            ['route app/api/contacts/route.ts POST', 'POST', '/api/contacts', { phone_number: '+359888100020' }],
            ['route app/api/contacts/[id]/route.ts PUT', 'PUT', `/api/contacts/${campaignId}`, { first_name: 'cookie' }],
            ['route app/api/contacts/[id]/route.ts DELETE', 'DELETE', `/api/contacts/${campaignId}`, null],
            ['route app/api/contacts/groups/route.ts POST', 'POST', '/api/contacts/groups', { name: 'cookie only' }],
            ['route app/api/contacts/groups/[group_id]/members/[contact_id]/route.ts PUT', 'PUT', `/api/contacts/groups/${campaignId}/members/${campaignId}`, null],
            ['route app/api/contacts/groups/[group_id]/members/[contact_id]/route.ts DELETE', 'DELETE', `/api/contacts/groups/${campaignId}/members/${campaignId}`, null],
            ['route app/api/blacklist/phone_numbers/route.ts POST', 'POST', '/api/blacklist/phone_numbers', { phone_number: '+359888100021' }],
            ['route app/api/blacklist/phone_numbers/route.ts DELETE', 'DELETE', '/api/blacklist/phone_numbers?phone_number=%2B359888100021', null],
          ] as const
        ).map(([key, method, path, body]) => [
          key,
          async () => {
            const response = await rawRequest(BASE, path, {
              method,
              headers: { cookie, origin: evilOrigin, ...(body ? { 'content-type': 'application/json' } : {}) },
              body: body ? JSON.stringify(body) : undefined,
            });
            expect(response.status, `${key}: ${describeResponse(response)}`).toBe(401);
            expect(JSON.parse(response.body)).toMatchObject({ error: 101 });
          },
        ]),
      ),
      // The provider's delivery reports need the shared secret (DLR_SECRET); a session is nothing to it.
      'route app/api/gateway/smsapi/dlr/route.ts POST': async () => {
        const [{ id }] = await sql<{ id: number }[]>`select id::int from messages where campaign_id = ${campaignId} limit 1`;
        const report = new URLSearchParams({ MsgId: `raw-${run}`, status: '404', idx: String(id) });
        for (const query of ['', '?secret=', `?secret=${run}`]) {
          const post = await rawRequest(BASE, `/api/gateway/smsapi/dlr${query}`, {
            method: 'POST',
            headers: { cookie, origin: evilOrigin, 'content-type': 'application/x-www-form-urlencoded' },
            body: report.toString(),
          });
          expect(post.status, `POST ${query}: ${describeResponse(post)}`).toBe(403);
          // Its GET form changes state too.
          const get = await rawRequest(BASE, `/api/gateway/smsapi/dlr${query}${query ? '&' : '?'}${report}`, { headers: { cookie } });
          expect(get.status, `GET ${query}: ${describeResponse(get)}`).toBe(403);
        }
      },
    };

    const routes = discovered.filter((e) => e.kind === 'route' && e.name !== 'GET' && e.name !== 'HEAD');
    expect(routes.length).toBeGreaterThan(0);
    expect(
      routes.map((r) => r.key).filter((key) => !CHECKS[key]),
      'a non-GET route handler this test does not know: add to CHECKS how it must refuse a cookie-only, cross-origin request',
    ).toEqual([]);
    for (const route of routes) await expectNoChange(route.key, CHECKS[route.key]);

    const [state] = await sql<{ status: string; points_refunded: number }[]>`select status, points_refunded::int from campaigns where id = ${campaignId}`;
    expect(state).toEqual({ status: 'paused', points_refunded: 0 });
    // With the Bearer token the same route works, so the 401s above are about the credential.
    const resumed = await rawRequest(BASE, `/api/campaigns/${campaignId}/resume`, { method: 'POST', headers: { authorization: `Bearer ${apiToken}` } });
    expect(resumed.status, describeResponse(resumed)).toBe(200);
    expect(JSON.parse(resumed.body)).toMatchObject({ status: 'scheduled' });
  });
});

describe('a forged Host or X-Forwarded-Host header', () => {
  const FORGED: Record<string, string>[] = [
    { host: EVIL },
    { 'x-forwarded-host': EVIL },
    { 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'https' },
    { host: EVIL, 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'https' },
  ];
  const originOf = (forged: Record<string, string>) => `${forged['x-forwarded-proto'] ?? 'http'}://${EVIL}`;

  it('never puts the forged host into a redirect, a page or an Auth.js answer', async () => {
    for (const forged of FORGED) {
      const label = JSON.stringify(forged);
      for (const page of ['/', '/history', `/bulk/${campaignId}`]) {
        const response = await rawRequest(BASE, page, { headers: forged });
        expect(response.status, `${label} ${page}`).toBeGreaterThanOrEqual(300);
        expectOnSite(header(response, 'location'), `${label} ${page}`);
      }
      // Past the proxy (a cookie by the right name), the page's own check redirects.
      const settings = await rawRequest(BASE, '/settings', { headers: { ...forged, cookie: 'authjs.session-token=forged' } });
      expectOnSite(header(settings, 'location'), `${label} /settings, page redirect`);

      for (const endpoint of ['/api/auth/session', '/api/auth/csrf', '/api/auth/providers', '/api/auth/signout']) {
        const response = await rawRequest(BASE, endpoint, { headers: { ...forged, cookie } });
        expect(response.status, `${label} ${endpoint}`).toBe(200);
        expect(response.body, `${label} ${endpoint}`).not.toContain(EVIL);
      }
      const signInPage = await rawRequest(BASE, '/api/auth/signin', { headers: forged });
      expectOnSite(header(signInPage, 'location'), `${label} /api/auth/signin`);

      // Auth.js's sign-in and sign-out endpoints, with their CSRF token, asked to go to the forged host.
      // Its token is fetched with the same headers: behind "https" Auth.js names its cookies __Host-/__Secure-.
      const csrf = await rawRequest(BASE, '/api/auth/csrf', { headers: forged });
      const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
      const csrfCookie = cookieHeader(setCookies(csrf));
      const callback = await rawRequest(BASE, '/api/auth/callback/credentials', {
        method: 'POST',
        headers: { ...forged, cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': clientIp() },
        body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl: `${originOf(forged)}/history` }).toString(),
      });
      expect(sessionCookiesSet(callback).length, `${label} callback: ${describeResponse(callback)}`).toBe(1);
      expectOnSite(header(callback, 'location'), `${label} callback redirect`);
      // The sign-outs below end the session they are given: this new one, not the test's own.
      const fresh = cookieHeader(sessionCookiesSet(callback));
      const signOut = await rawRequest(BASE, '/api/auth/signout', {
        method: 'POST',
        headers: { ...forged, cookie: `${fresh}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfToken, callbackUrl: `${originOf(forged)}/` }).toString(),
      });
      expectOnSite(header(signOut, 'location'), `${label} sign-out redirect`);

      // The app's sign-in and sign-out server actions, called as the forged host's own page would
      // (Origin matching the forged host, so Next.js's CSRF check lets the call through).
      const signInAction = await callAction(BASE, {
        id: actionId('action app/(auth)/sign-in/actions.ts signInAction'),
        path: '/sign-in',
        args: [{}, form({ email: EMAIL, password: PASSWORD, callbackUrl: '/history' })],
        headers: { ...forged, origin: originOf(forged), 'x-forwarded-for': clientIp() },
      });
      expect(sessionCookiesSet(signInAction).length, `${label} sign-in action: ${describeResponse(signInAction)}`).toBe(1);
      expectOnSite(header(signInAction, 'x-action-redirect'), `${label} sign-in action redirect`);
      const signOutAction = await callAction(BASE, {
        id: actionId('action app/(auth)/sign-out/actions.ts signOutAction'),
        path: '/sign-out',
        args: [],
        headers: { ...forged, origin: originOf(forged), cookie: fresh },
      });
      expectOnSite(header(signOutAction, 'x-action-redirect'), `${label} sign-out action redirect`);
    }
    // Each sign-out ended only its own session: the test's session still opens a page.
    expect((await rawRequest(BASE, '/settings', { headers: { cookie } })).status).toBe(200);
  });

  it('leaves the configured app URL in a report e-mail’s signed link when generation is asked for with forged headers', async () => {
    // A report file larger than EMAIL_ATTACH_MAX_BYTES (5 MB by default) is linked, not attached:
    // 6,000 messages of 600 Cyrillic characters, in a campaign scheduled a week ahead (not sent).
    const to = Array.from({ length: 6000 }, (_, i) => `+35988720${String(i).padStart(4, '0')}`);
    const created = await rawRequest(BASE, '/api/campaigns', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: SENDER, message: 'Ж'.repeat(600), to, date: new Date(Date.now() + 7 * 86_400_000).toISOString(), name: 'raw-http mail' }),
    });
    expect(created.status, describeResponse(created)).toBe(201);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const generated = await callAction(BASE, {
      id: actionId('action app/(app)/reports/actions.ts generateReport'),
      path: '/reports',
      args: [
        {
          method: 'once',
          period: { kind: 'custom', from: today, to: today },
          type: 'detailed',
          format: 'csv',
          includeContent: true,
          name: `raw-http mail ${run}`,
          emails: [`raw-http-${run}@example.test`],
        },
      ],
      headers: { host: EVIL, 'x-forwarded-host': EVIL, origin: `http://${EVIL}`, referer: `http://${EVIL}/reports`, cookie },
    });
    expect(actionOutcome(generated), describeResponse(generated)).toMatchObject({ kind: 'value', value: { ok: true } });

    // The worker generates the file and queues the "report ready" e-mail in the outbox.
    let mail: { to: string[]; subject: string; html: string; text: string; attachments: unknown[] } | undefined;
    const deadline = Date.now() + 45_000;
    while (!mail && Date.now() < deadline) {
      [mail] = await sql<{ to: string[]; subject: string; html: string; text: string; attachments: unknown[] }[]>`
        select "to", subject, html, text, attachments from email_outbox where account_id = ${accountId}`;
      if (!mail) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(mail, 'no report e-mail was queued').toBeDefined();
    const appUrl = (process.env.APP_URL ?? `http://localhost:${PORT}`).replace(/\/+$/, '');
    expect(mail!.attachments, 'the report was attached, not linked: it must be larger than EMAIL_ATTACH_MAX_BYTES').toEqual([]);
    for (const body of [mail!.html, mail!.text]) {
      const links = [...body.matchAll(/https?:\/\/[^\s"'<>]+\/r\/[\w.~-]+/g)].map((m) => m[0]);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link.startsWith(`${appUrl}/r/`), link).toBe(true);
    }
    expect(JSON.stringify(mail)).not.toContain(EVIL);
    // The link works: the signed report downloads without a session.
    const link = /https?:\/\/[^\s"'<>]+\/r\/[\w.~-]+/.exec(mail!.text)![0];
    const download = await rawRequest(BASE, new URL(link).pathname);
    expect(download.status).toBe(200);
    expect(Buffer.byteLength(download.body)).toBeGreaterThan(5 * 1024 * 1024);
  });
});
