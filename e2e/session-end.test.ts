import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { admin } from './admin';
import { callAction, cookieHeader, header, rawRequest, sessionCookiesSet, setCookies, type RawResponse } from './raw';

// Over real HTTP against the production build: signing out ends that session on the server (a
// copied cookie stops working, the user's other sessions go on), and sign-in sends the user on
// only to a path of this site, whatever callbackUrl a link carried.

const ROOT = path.resolve(import.meta.dirname, '..');
const BASE = inject('baseUrl');
const ORIGIN = new URL(BASE).origin;
const run = randomBytes(3).toString('hex');
const EMAIL = `session-end-${run}@example.test`;
const PASSWORD = `session-end ${run} secret`;
const SENDER = 'EndShop';
let campaignId = '';
let actionIds: Record<string, string> = {};

/** A client address of its own for each sign-in, so no rate limit is touched. */
function clientIp(): string {
  const bytes = randomBytes(2);
  return `198.19.${bytes[0]}.${bytes[1]}`;
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

function describeResponse(response: RawResponse): string {
  return `${response.status} ${JSON.stringify({ location: header(response, 'location'), action: header(response, 'x-action-redirect') })} ${response.body.slice(0, 200)}`;
}

/** A sign-in through Auth.js's own endpoint, as the browser's form does it; the Cookie header of the new session. */
async function signInOverHttp(): Promise<string> {
  const csrf = await rawRequest(BASE, '/api/auth/csrf');
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const response = await rawRequest(BASE, '/api/auth/callback/credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(setCookies(csrf)), 'x-forwarded-for': clientIp() },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD }).toString(),
  });
  const [session] = sessionCookiesSet(response);
  expect(session, describeResponse(response)).toBeTruthy();
  return cookieHeader([session]);
}

/** A GET with this exact request-target (a URL would turn "//host/" into another host). */
function requestTarget(target: string): Promise<RawResponse> {
  const { hostname, port } = new URL(BASE);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname, port, path: target }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' }));
      })
      .on('error', reject);
  });
}

/** Whether the cookie still opens a page and a download of the account. */
async function works(cookie: string): Promise<{ page: number; download: number; location: string }> {
  const page = await rawRequest(BASE, '/history', { headers: { cookie } });
  const download = await rawRequest(BASE, `/bulk/${campaignId}/delivery-report.csv`, { headers: { cookie } });
  return { page: page.status, download: download.status, location: header(page, 'location') };
}

const LIVE = { page: 200, download: 200, location: '' };
const ENDED = { page: 307, download: 401, location: '/sign-in' };

beforeAll(async () => {
  type ManifestEntry = { filename: string; exportedName: string };
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, ManifestEntry>;
  };
  actionIds = Object.fromEntries(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename} ${entry.exportedName}`, id]));

  const name = `SessionEnd ${run}`;
  await admin('account:create', '--name', name, '--points', '100');
  await Promise.all([
    admin('user:create', '--account', name, '--email', EMAIL, '--password', PASSWORD, '--role', 'owner'),
    admin('sender:add', '--account', name, '--name', SENDER),
  ]);
  const { token } = (await admin('token:create', '--email', EMAIL, '--name', 'session-end')) as { token: string };
  // A campaign a week ahead: its delivery report is a download of the account, and no worker touches it.
  const created = await rawRequest(BASE, '/api/campaigns', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: SENDER, message: 'session end', to: ['+359888300001'], date: new Date(Date.now() + 7 * 86_400_000).toISOString() }),
  });
  campaignId = (JSON.parse(created.body) as { id: string }).id;
  expect(campaignId, describeResponse(created)).toMatch(/^[0-9a-f-]{36}$/);
});

describe('signing out', () => {
  it('ends that session on the server: the copied cookie is sent to sign in and refused a download; the user’s other session still works', async () => {
    const [signedOut, other] = [await signInOverHttp(), await signInOverHttp()];
    expect(await works(signedOut)).toEqual(LIVE);
    expect(await works(other)).toEqual(LIVE);

    const response = await callAction(BASE, { id: actionIds['app/(auth)/sign-out/actions.ts signOutAction'], path: '/sign-out', args: [], headers: { cookie: signedOut } });
    expect(header(response, 'x-action-redirect'), describeResponse(response)).toMatch(/^\/sign-in\?signedOut=1/);
    // The browser drops its cookie; a copy of it, sent again, opens nothing.
    expect(await works(signedOut)).toEqual(ENDED);
    expect(await works(other)).toEqual(LIVE);
  });

  it('through Auth.js’s own sign-out endpoint ends that session too', async () => {
    const [signedOut, other] = [await signInOverHttp(), await signInOverHttp()];
    const csrf = await rawRequest(BASE, '/api/auth/csrf');
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const response = await rawRequest(BASE, '/api/auth/signout', {
      method: 'POST',
      headers: { cookie: `${signedOut}; ${cookieHeader(setCookies(csrf))}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken }).toString(),
    });
    expect(response.status, describeResponse(response)).toBe(302);
    expect(await works(signedOut)).toEqual(ENDED);
    expect(await works(other)).toEqual(LIVE);
  });
});

// How a browser reads each of these as a URL matters: the WHATWG parser drops tab, CR and LF
// anywhere, trims C0 controls and spaces at the ends and takes "\" for "/".
const HOSTILE = [
  '//evil.example/',
  '/\\evil.example/',
  '\\\\evil.example/',
  '/\t/evil.example/',
  '/\n/evil.example/',
  '/\r\n/evil.example/',
  ' //evil.example/',
  '\u0000//evil.example/',
  '/\u0000/evil.example/',
  '/ /evil.example/',
  '/\u00a0/evil.example/',
  '/\u3000/evil.example/',
  '/\u200b/evil.example/',
  '/%09/evil.example/',
  '/%2F/evil.example/',
  '/%5Cevil.example/',
  '/.//evil.example/',
  '/..//evil.example/',
  '/./\\evil.example/',
  '/%2e%2e//evil.example/',
  'https://evil.example/',
  'http:evil.example',
  '/\thttps://evil.example/',
  'javascript:alert(1)',
  '\t/\t/evil.example',
];

/** A target on this site, as a browser resolves it (Auth.js names the app by the server's own host name, localhost). */
function expectOnSite(target: string, label: string) {
  expect(target, `${label}: no redirect`).not.toBe('');
  const url = new URL(target.split(';')[0], BASE);
  expect([ORIGIN, `http://localhost:${new URL(BASE).port}`], `${label} -> ${JSON.stringify(target)}`).toContain(url.origin);
  expect(url.pathname.startsWith('//'), `${label} -> ${JSON.stringify(target)}`).toBe(false);
}

describe('the page after sign-in', () => {
  it('is a path of this site for every hostile callbackUrl given to the sign-in action', async () => {
    for (const callbackUrl of HOSTILE) {
      const response = await callAction(BASE, {
        id: actionIds['app/(auth)/sign-in/actions.ts signInAction'],
        path: '/sign-in',
        args: [{}, form({ email: EMAIL, password: PASSWORD, callbackUrl })],
        headers: { 'x-forwarded-for': clientIp() },
      });
      expect(sessionCookiesSet(response), `${JSON.stringify(callbackUrl)}: ${describeResponse(response)}`).toHaveLength(1);
      expectOnSite(header(response, 'x-action-redirect'), `sign-in action ${JSON.stringify(callbackUrl)}`);
    }
  });

  it('is carried on by the sign-in page, and by the proxy’s redirect to it, only as a path of this site', async () => {
    for (const callbackUrl of HOSTILE) {
      const page = await rawRequest(BASE, `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      expect(page.status).toBe(200);
      const carried = /name="callbackUrl" value="([^"]*)"/.exec(page.body)?.[1];
      if (carried !== undefined) expectOnSite(carried.replaceAll('&amp;', '&'), `sign-in page ${JSON.stringify(callbackUrl)}`);
    }
    for (const path of ['//evil.example/', '/.//evil.example/', '/%2F/evil.example/', '/%5Cevil.example/']) {
      const response = await requestTarget(path);
      const callbackUrl = new URL(header(response, 'location') || '/', BASE).searchParams.get('callbackUrl');
      if (callbackUrl !== null) expectOnSite(callbackUrl, `proxy ${path}`);
    }
  });

  it('is a path of this site for every hostile callbackUrl given to Auth.js’s own sign-in endpoint', async () => {
    for (const callbackUrl of HOSTILE) {
      const csrf = await rawRequest(BASE, '/api/auth/csrf');
      const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
      const callback = await rawRequest(BASE, '/api/auth/callback/credentials', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(setCookies(csrf)), 'x-forwarded-for': clientIp() },
        body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl }).toString(),
      });
      expectOnSite(header(callback, 'location'), `Auth.js callback ${JSON.stringify(callbackUrl)}`);
    }
  });

  it('keeps a same-site path with its query, normalised', async () => {
    const response = await callAction(BASE, {
      id: actionIds['app/(auth)/sign-in/actions.ts signInAction'],
      path: '/sign-in',
      args: [{}, form({ email: EMAIL, password: PASSWORD, callbackUrl: `/bulk/${campaignId}/../${campaignId}?x=1#top` })],
      headers: { 'x-forwarded-for': clientIp() },
    });
    expect(header(response, 'x-action-redirect').split(';')[0]).toBe(`/bulk/${campaignId}?x=1#top`);
  });
});
