import { beforeAll, describe, expect, it } from 'vitest';
import * as blacklist from '@/app/api/blacklist/phone_numbers/route';
import * as campaignsApi from '@/app/api/campaigns/route';
import * as contact from '@/app/api/contacts/[id]/route';
import * as groups from '@/app/api/contacts/groups/route';
import * as members from '@/app/api/contacts/groups/[group_id]/members/[contact_id]/route';
import * as contacts from '@/app/api/contacts/route';
import * as smsDo from '@/app/api/sms.do/route';
import { openApiDocument } from '@/lib/api/openapi';
import { createApiToken } from '@/lib/auth/api-tokens';
import { createContactField } from '@/lib/contacts/fields';
import { makeAccount } from './fixtures/accounts';

// The contacts and blacklist API through its route handlers, as the provider's clients call it:
// a bearer token, JSON or form bodies, the provider's { error, message } on refusals.

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let token = '';
let other = '';

async function call(route: Route, method: string, path: string, init: { json?: unknown; form?: Record<string, string>; params?: Record<string, string>; as?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${init.as ?? token}` };
  let body: string | undefined;
  if (init.json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(init.json)];
  if (init.form) [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(init.form).toString()];
  const response = await route(new Request(`http://localhost${path}`, { method, headers, body }), { params: Promise.resolve(init.params ?? {}) });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  const A = await makeAccount('Api Contacts', 100);
  const B = await makeAccount('Api Other', 100);
  await createContactField(A.account.id, { name: 'Град', type: 'text' });
  token = (await createApiToken({ accountId: A.account.id, userId: A.user.id, name: 'api' })).token;
  other = (await createApiToken({ accountId: B.account.id, userId: B.user.id, name: 'other' })).token;
});

describe('the contacts API', () => {
  it('creates, finds, changes and deletes contacts; groups and members; refusals in the provider’s shape', async () => {
    const group = await call(groups.POST, 'POST', '/api/contacts/groups', { form: { name: 'Клиенти' } });
    expect(group).toMatchObject({ status: 201, body: { name: 'Клиенти', contacts_count: 0 } });
    expect((await call(groups.POST, 'POST', '/api/contacts/groups', { form: { name: 'Клиенти' } })).body).toMatchObject({ error: 8 });

    const created = await call(contacts.POST, 'POST', '/api/contacts', {
      json: { phone_number: '0888 111 222', first_name: 'Иван', email: 'ivan@example.bg', groups: [group.body.id], custom_fields: { град: 'Варна' } },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { phone_number: '359888111222', first_name: 'Иван', groups: [{ id: group.body.id, name: 'Клиенти' }], custom_fields: { Град: 'Варна' }, opted_out: false },
    });
    const id = created.body.id as string;
    expect((await call(contacts.POST, 'POST', '/api/contacts', { form: { phone_number: '+359888111222' } })).status).toBe(409);
    expect((await call(contacts.POST, 'POST', '/api/contacts', { json: { phone_number: '12', custom_fields: { Nope: 'x' } } }))).toMatchObject({ status: 400, body: { error: 8 } });

    const found = await call(contacts.GET, 'GET', '/api/contacts?phone_number=0888%2011');
    expect(found.body).toMatchObject({ size: 1, collection: [{ id }], next_cursor: null });
    expect((await call(contacts.GET, 'GET', `/api/contacts?group_id=${group.body.id}&name=ива`)).body.size).toBe(1);
    expect((await call(contacts.GET, 'GET', '/api/contacts?cursor=broken')).body).toMatchObject({ error: 8 });

    const changed = await call(contact.PUT, 'PUT', `/api/contacts/${id}`, { json: { last_name: 'Петров', opted_out: true, opt_out_reason: 'STOP' }, params: { id } });
    expect(changed.body).toMatchObject({ first_name: 'Иван', last_name: 'Петров', opted_out: true });
    expect((await call(groups.GET, 'GET', '/api/contacts/groups')).body).toMatchObject({ size: 1, collection: [{ contacts_count: 1 }] });

    const left = await call(members.DELETE, 'DELETE', `/api/contacts/groups/${group.body.id}/members/${id}`, { params: { group_id: group.body.id, contact_id: id } });
    expect(left.body.groups).toEqual([]);
    const joined = await call(members.PUT, 'PUT', `/api/contacts/groups/${group.body.id}/members/${id}`, { params: { group_id: group.body.id, contact_id: id } });
    expect(joined.body.groups).toEqual([{ id: group.body.id, name: 'Клиенти' }]);

    // Another account's token: its ids name nothing here, and nothing changes.
    for (const [route, method] of [
      [contact.GET, 'GET'],
      [contact.PUT, 'PUT'],
      [contact.DELETE, 'DELETE'],
    ] as const) {
      const answer = await call(route, method, `/api/contacts/${id}`, { params: { id }, as: other, ...(method === 'PUT' ? { json: { first_name: 'B' } } : {}) });
      expect(answer, method).toMatchObject({ status: 404, body: { error: 301 } });
    }
    expect((await call(members.PUT, 'PUT', '/', { params: { group_id: group.body.id, contact_id: id }, as: other })).status).toBe(404);
    expect((await call(contacts.GET, 'GET', '/api/contacts', { as: other })).body).toMatchObject({ size: 0 });
    expect((await call(contact.GET, 'GET', `/api/contacts/${id}`, { params: { id } })).body.last_name).toBe('Петров');

    expect((await call(contact.DELETE, 'DELETE', `/api/contacts/${id}`, { params: { id } })).body).toEqual({ id, deleted: true });
    expect((await call(contact.GET, 'GET', `/api/contacts/${id}`, { params: { id } })).status).toBe(404);
  });

  it('the blacklist: numbers added, listed and removed; a send skips them, says so and charges nothing for them', async () => {
    expect((await call(blacklist.POST, 'POST', '/api/blacklist/phone_numbers', { form: { phone_number: '0888 333 444', reason: 'STOP' } })).body).toMatchObject({
      phone_number: '359888333444',
      reason: 'STOP',
      source: 'api',
    });
    expect((await call(blacklist.GET, 'GET', '/api/blacklist/phone_numbers?phone_number=0888333')).body).toMatchObject({ size: 1, collection: [{ phone_number: '359888333444' }] });
    expect((await call(blacklist.GET, 'GET', '/api/blacklist/phone_numbers', { as: other })).body.size).toBe(0);

    const sent = await call(smsDo.POST, 'POST', '/api/sms.do', { form: { to: '0888333444,0888333445', from: 'ApiContacts', message: 'Hi', test: '1' } });
    expect(sent.body).toMatchObject({ count: 1, list: [{ number: '359888333445' }], skipped_numbers: [{ submitted_number: '0888333444', number: '359888333444', message: 'opted_out' }] });
    const refused = await call(smsDo.POST, 'POST', '/api/sms.do', { form: { to: '0888333444', from: 'ApiContacts', message: 'Hi' } });
    expect(refused).toMatchObject({ status: 400, body: { error: 13, skipped_numbers: [{ submitted_number: '0888333444', message: 'opted_out' }] } });
    const campaign = await call(campaignsApi.POST, 'POST', '/api/campaigns', { json: { from: 'ApiContacts', message: 'Hi', to: ['0888333444', '0888333446', '0888333447'] } });
    expect(campaign.body).toMatchObject({ recipients: 2, skipped_opted_out: 1, skipped_numbers: [{ number: '359888333444' }] });

    expect((await call(blacklist.DELETE, 'DELETE', '/api/blacklist/phone_numbers?phone_number=0888333444', { as: other })).status).toBe(404);
    expect((await call(blacklist.DELETE, 'DELETE', '/api/blacklist/phone_numbers?phone_number=0888333444')).body).toEqual({ phone_number: '359888333444', removed: true });
    expect((await call(blacklist.DELETE, 'DELETE', '/api/blacklist/phone_numbers?phone_number=0888333444')).body).toMatchObject({ error: 301 });
  });

  it('is in the OpenAPI document, PUT and DELETE included', () => {
    const paths = openApiDocument().paths;
    expect(Object.keys(paths['/api/contacts/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(paths['/api/contacts/groups/{group_id}/members/{contact_id}']).sort()).toEqual(['delete', 'put']);
    expect(Object.keys(paths['/api/blacklist/phone_numbers']).sort()).toEqual(['delete', 'get', 'post']);
    expect(paths['/api/blacklist/phone_numbers'].delete!.parameters.map((p) => p.name)).toEqual(['phone_number']);
    expect(paths['/api/contacts/{id}'].put!.requestBody).toBeDefined();
  });
});
