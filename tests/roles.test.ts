import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { GET as statuses, POST as smsDo } from '@/app/api/sms.do/route';
import { GET as downloadRun } from '@/app/(app)/reports/runs/[id]/download/route';
import { addUser, saveRole, setDisabled } from '@/app/(app)/settings/team/actions';
import { createToken } from '@/app/(app)/settings/actions';
import { db } from '@/db';
import { accounts, apiTokens, messages, users } from '@/db/schema';
import { createUser } from '@/lib/accounts';
import { createApiToken } from '@/lib/auth/api-tokens';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { changeRole, listTeam, setMemberDisabled } from '@/lib/team';
import { makeAccount, PASSWORD } from './fixtures/accounts';
import { session } from './fixtures/session';

// The session cookie is the one mock (tests/fixtures/session.ts); the route gate reads it too.
vi.mock('@/lib/auth', () => import('./fixtures/session'));
vi.mock('next-intl/server', () => ({ getLocale: async () => 'en' }));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.77' }) }));

const OWNER_ACTOR = (id: number) => ({ userId: id, ip: '192.0.2.77' });

async function signedIn(userId: number) {
  session.user = await loadSessionUser(userId, await startSession(userId));
  return session.user!;
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}

const send = (token: string, from: string) =>
  smsDo(
    new Request('http://localhost/api/sms.do', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ to: '+359888300001', from, message: 'hi' }),
    }),
  );

async function auditOf(accountId: number, action: string) {
  return db.execute<{ user_id: number; target_id: string; details: Record<string, unknown>; ip: string }>(
    sql`select user_id, target_id, details, ip from audit_events where account_id = ${accountId} and action = ${action} order by id`,
  );
}

describe('roles', () => {
  it("refuses a viewer's token everything but a GET, with nothing sent or charged", async () => {
    const a = await makeAccount('Roles Api', 10);
    const viewer = await createUser({ accountId: a.account.id, email: 'roles.api.viewer@example.com', password: PASSWORD, role: 'viewer' });
    // A token the viewer holds (made, say, by an operator): it reads, and sends nothing.
    const { token } = await createApiToken({ accountId: a.account.id, userId: viewer.id, name: 'viewer' });
    const before = await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, a.account.id));
    const refused = await send(token, 'RolesApi');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 101, message: expect.stringMatching(/read-only/) });
    expect(await db.$count(messages, eq(messages.accountId, a.account.id))).toBe(0);
    expect(await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, a.account.id))).toEqual(before);

    // The owner's send, which the viewer's token may read.
    const { token: ownerToken } = await createApiToken({ accountId: a.account.id, userId: a.user.id, name: 'owner' });
    const sent = await send(ownerToken, 'RolesApi');
    expect(sent.status).toBe(200);
    const [message] = await db.select({ id: messages.id }).from(messages).where(eq(messages.accountId, a.account.id));
    const read = await statuses(new Request(`http://localhost/api/sms.do?status=${message.id}`, { headers: { authorization: `Bearer ${token}` } }));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ count: 1 });
  });

  it('revokes the live tokens of a user made a viewer, and refuses a viewer a new one', async () => {
    const a = await makeAccount('Roles Demote', 10);
    const member = await createUser({ accountId: a.account.id, email: 'roles.demote.member@example.com', password: PASSWORD, role: 'member' });
    const { token } = await createApiToken({ accountId: a.account.id, userId: member.id, name: 'member' });
    expect((await send(token, 'RolesDemote')).status).toBe(200);

    await changeRole(a.account.id, member.id, 'viewer', OWNER_ACTOR(a.user.id));
    expect(await db.$count(apiTokens, and(eq(apiTokens.userId, member.id), sql`${apiTokens.revokedAt} is null`))).toBe(0);
    expect((await send(token, 'RolesDemote')).status).toBe(401);
    expect((await auditOf(a.account.id, 'user.role_change')).map((e) => e.details)).toEqual([
      { email: 'roles.demote.member@example.com', from: 'member', to: 'viewer', tokensRevoked: 1 },
    ]);

    // The session reads the role on every request: the next action is refused, and no token is made.
    await signedIn(member.id);
    expect(await createToken(null, form({ name: 'again' }))).toMatchObject({ ok: false, code: 'read_only' });
    expect(await db.$count(apiTokens, eq(apiTokens.userId, member.id))).toBe(1);
    session.user = null;
  });

  it('lets a viewer download a generated report', async () => {
    const a = await makeAccount('Roles Download', 10);
    const viewer = await createUser({ accountId: a.account.id, email: 'roles.download.viewer@example.com', password: PASSWORD, role: 'viewer' });
    const report = await createReport(a.account.id, a.user.id, { method: 'once', period: { kind: 'custom', from: '2026-03-01', to: '2026-03-02' }, type: 'short', format: 'csv', name: 'R' });
    expect(await generateRun(report.runId!)).toBe('ready');
    await signedIn(viewer.id);
    const response = await downloadRun(new Request(`http://localhost/reports/runs/${report.runId}/download`), { params: Promise.resolve({ id: report.runId! }) });
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBeGreaterThan(0);
    session.user = null;
  });

  it('keeps an enabled owner: the last one is neither demoted nor disabled, and no owner disables themselves', async () => {
    const a = await makeAccount('Roles Last', 0);
    await expect(changeRole(a.account.id, a.user.id, 'member', OWNER_ACTOR(a.user.id))).rejects.toMatchObject({ code: 'last_owner' });
    await expect(setMemberDisabled(a.account.id, a.user.id, true, OWNER_ACTOR(a.user.id))).rejects.toMatchObject({ code: 'cannot_disable_self' });
    const second = await createUser({ accountId: a.account.id, email: 'roles.last.second@example.com', password: PASSWORD, role: 'owner' });
    // Two owners demoting each other at once: one wins, the account keeps the other.
    const results = await Promise.allSettled([
      changeRole(a.account.id, a.user.id, 'member', OWNER_ACTOR(second.id)),
      changeRole(a.account.id, second.id, 'member', OWNER_ACTOR(a.user.id)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const owners = (await listTeam(a.account.id)).filter((u) => u.role === 'owner' && !u.disabled);
    expect(owners).toHaveLength(1);
    // Nothing was audited for the refusals: one entry, the change that happened.
    expect(await auditOf(a.account.id, 'user.role_change')).toHaveLength(1);
  });

  it('ends the sessions of a disabled user and revokes their token, which enabling does not bring back', async () => {
    const a = await makeAccount('Roles Off', 10);
    const member = await createUser({ accountId: a.account.id, email: 'roles.off.member@example.com', password: PASSWORD, role: 'member' });
    const sessionId = await startSession(member.id);
    const { token } = await createApiToken({ accountId: a.account.id, userId: member.id, name: 'member' });
    await signedIn(a.user.id);
    expect(await setDisabled({ userId: member.id, disabled: true })).toMatchObject({ ok: true });
    expect(await loadSessionUser(member.id, sessionId)).toBeNull();
    expect((await send(token, 'RolesOff')).status).toBe(401);
    expect(await db.$count(apiTokens, and(eq(apiTokens.userId, member.id), sql`${apiTokens.revokedAt} is null`))).toBe(0);
    expect(await setDisabled({ userId: member.id, disabled: false })).toMatchObject({ ok: true });
    // Enabled again: old sessions stay ended and the revoked token stays refused; nothing was sent.
    expect(await loadSessionUser(member.id, sessionId)).toBeNull();
    expect((await send(token, 'RolesOff')).status).toBe(401);
    expect(await db.$count(messages, eq(messages.accountId, a.account.id))).toBe(0);
    expect((await auditOf(a.account.id, 'user.disable')).map((e) => [e.user_id, e.target_id, e.ip, e.details])).toEqual([
      [a.user.id, String(member.id), '192.0.2.77', { email: 'roles.off.member@example.com', tokensRevoked: 1 }],
    ]);
    expect(await auditOf(a.account.id, 'user.enable')).toHaveLength(1);
    session.user = null;
  });

  it('lets only owners change the team, and adds a user with a clear error for bad input', async () => {
    const a = await makeAccount('Roles Team', 0);
    const member = await createUser({ accountId: a.account.id, email: 'roles.team.member@example.com', password: PASSWORD, role: 'member' });
    const viewer = await createUser({ accountId: a.account.id, email: 'roles.team.viewer@example.com', password: PASSWORD, role: 'viewer' });
    const team = () => db.select({ id: users.id, role: users.role, disabled: users.disabled }).from(users).where(eq(users.accountId, a.account.id)).orderBy(users.id);
    const unchanged = await team();
    const newUser = form({ email: 'roles.team.new@example.com', name: 'New', role: 'viewer', password: 'new password 2026' });

    for (const [who, code] of [
      [member.id, 'forbidden'],
      [viewer.id, 'read_only'],
    ] as const) {
      await signedIn(who);
      expect(await addUser(null, newUser)).toMatchObject({ ok: false, code });
      expect(await saveRole(null, form({ userId: String(viewer.id), role: 'owner' }))).toMatchObject({ ok: false, code });
      expect(await setDisabled({ userId: a.user.id, disabled: true })).toMatchObject({ ok: false, code });
    }
    expect(await team()).toEqual(unchanged);

    await signedIn(a.user.id);
    expect(await addUser(null, form({ email: 'not an e-mail', name: '', role: 'viewer', password: 'new password 2026' }))).toMatchObject({ ok: false, problems: [{ field: 'email' }] });
    expect(await addUser(null, form({ email: 'roles.team.new@example.com', name: '', role: 'admin', password: 'new password 2026' }))).toMatchObject({ ok: false, problems: [{ field: 'role' }] });
    expect(await addUser(null, form({ email: member.email.toUpperCase(), name: '', role: 'viewer', password: 'new password 2026' }))).toMatchObject({ ok: false, code: 'user_exists' });
    expect(await team()).toEqual(unchanged);

    expect(await addUser(null, newUser)).toMatchObject({ ok: true });
    expect(await saveRole(null, form({ userId: String(member.id), role: 'owner' }))).toMatchObject({ ok: true });
    const after = await listTeam(a.account.id);
    expect(after.map((u) => [u.email, u.role])).toEqual([
      ['roles.team@example.com', 'owner'],
      ['roles.team.member@example.com', 'owner'],
      ['roles.team.viewer@example.com', 'viewer'],
      ['roles.team.new@example.com', 'viewer'],
    ]);
    expect((await auditOf(a.account.id, 'user.create')).map((e) => e.details)).toEqual([{ email: 'roles.team.new@example.com', role: 'viewer' }]);
    expect(await auditOf(a.account.id, 'user.role_change')).toHaveLength(1);
    session.user = null;
  });
});
