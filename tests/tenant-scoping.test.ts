import { describe, expect, it } from 'vitest';
import { isApprovedSender, listSenderNames } from '@/lib/accounts';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from '@/lib/auth/api-tokens';
import { makeAccount } from './fixtures/accounts';

describe('tenant scoping', () => {
  it('shows each account only its own sender names', async () => {
    const a = await makeAccount('ScopeA');
    const b = await makeAccount('ScopeB');
    expect((await listSenderNames(a.account.id)).map((s) => s.name)).toEqual(['ScopeA']);
    expect((await listSenderNames(b.account.id)).map((s) => s.name)).toEqual(['ScopeB']);
    expect(await isApprovedSender(a.account.id, 'ScopeB')).toBe(false);
    expect(await isApprovedSender(a.account.id, 'ScopeA')).toBe(true);
  });

  it('never lists or revokes another account’s API token', async () => {
    const a = await makeAccount('TokenA');
    const b = await makeAccount('TokenB');
    const tokenA = await createApiToken({ accountId: a.account.id, userId: a.user.id, name: 'a' });
    expect((await listApiTokens(b.account.id, null)).rows).toEqual([]);
    expect(await revokeApiToken(b.account.id, tokenA.id, null)).toBe(false);
    expect(await verifyApiToken(`Bearer ${tokenA.token}`)).toMatchObject({ accountId: a.account.id, userId: a.user.id });
  });
});

describe('API tokens', () => {
  it('stores only a hash, is accepted only as a Bearer header, and stops working when revoked', async () => {
    const a = await makeAccount('TokenC');
    const { id, token } = await createApiToken({ accountId: a.account.id, userId: a.user.id, name: 'ci' });
    expect(token).toMatch(/^smsp_[A-Za-z0-9_-]{43}$/);
    const [listed] = (await listApiTokens(a.account.id, null)).rows;
    expect(listed).toMatchObject({ id, name: 'ci', lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token.slice(12));

    expect(await verifyApiToken(token)).toBeNull();
    expect(await verifyApiToken(`Bearer ${token}x`)).toBeNull();
    expect(await verifyApiToken(null)).toBeNull();
    expect(await verifyApiToken(`bearer ${token}`)).not.toBeNull();
    expect((await listApiTokens(a.account.id, null)).rows[0].lastUsedAt).toBeInstanceOf(Date);

    expect(await revokeApiToken(a.account.id, id, null)).toBe(true);
    expect(await revokeApiToken(a.account.id, id, null)).toBe(false);
    expect(await verifyApiToken(`Bearer ${token}`)).toBeNull();
  });

  it('lets a member revoke only their own tokens', async () => {
    const a = await makeAccount('TokenD');
    const owned = await createApiToken({ accountId: a.account.id, userId: a.user.id, name: 'owner' });
    expect(await revokeApiToken(a.account.id, owned.id, a.user.id + 1000)).toBe(false);
    expect((await listApiTokens(a.account.id, a.user.id + 1000)).rows).toEqual([]);
  });
});
