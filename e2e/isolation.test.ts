import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, DEMO } from './browser';

const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
let cookie = '';
let otherCampaign = '';
let ownCampaign = '';

beforeAll(async () => {
  const csrf = await fetch(`${baseUrl()}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${baseUrl()}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
      'x-forwarded-for': '192.0.2.200',
    },
    body: new URLSearchParams({ csrfToken, email: DEMO.email, password: DEMO.password }),
  });
  cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  [{ id: otherCampaign }] = await sql`select c.id from campaigns c join accounts a on a.id = c.account_id where a.name = 'Other' limit 1`;
  [{ id: ownCampaign }] = await sql`select c.id from campaigns c join accounts a on a.id = c.account_id where a.name = 'Demo' limit 1`;
});
afterAll(async () => {
  await sql.end();
});

describe('another account’s campaign, asked for by a signed-in user', () => {
  it('is not found on every page and download, with no data in the answer', async () => {
    for (const path of [`/bulk/${otherCampaign}`, `/bulk/${otherCampaign}/delivery-report.csv`, `/bulk/${otherCampaign}/delivery-report.pdf`, '/bulk/not-a-uuid']) {
      const response = await fetch(`${baseUrl()}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('Launch');
    }
    // The same paths work for the account's own campaign, so the 404s above are about ownership.
    expect((await fetch(`${baseUrl()}/bulk/${ownCampaign}`, { headers: { cookie } })).status).toBe(200);
    const history = await (await fetch(`${baseUrl()}/history?campaign=${otherCampaign}`, { headers: { cookie } })).text();
    expect(history).not.toContain('OtherCo');
  });

  it('gives anonymous requests no download, only the way to sign in', async () => {
    const csv = await fetch(`${baseUrl()}/bulk/${ownCampaign}/delivery-report.csv`, { redirect: 'manual' });
    expect([307, 401]).toContain(csv.status);
    expect(csv.headers.get('content-type') ?? '').not.toContain('text/csv');
    const page = await fetch(`${baseUrl()}/bulk/${ownCampaign}`, { redirect: 'manual' });
    expect(page.headers.get('location')).toContain('/sign-in');
  });
});
