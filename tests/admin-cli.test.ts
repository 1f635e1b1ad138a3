import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { accounts, ledgerEntries, senderNames } from '@/db/schema';
import { runAdminCommand } from '@/lib/admin/commands';
import { verifyApiToken } from '@/lib/auth/api-tokens';
import { attemptSignIn } from '@/lib/auth/sign-in';
import { ledgerTotals } from '@/lib/ledger';

const run = promisify(execFile);

describe('admin CLI commands', () => {
  it('creates an account, a user, a sender name, points and an API token', async () => {
    const account = await runAdminCommand(['account:create', '--name', 'Acme', '--points', '25', '--json']);
    expect(account.json).toMatchObject({ name: 'Acme', country: 'BG', timeZone: 'Europe/Sofia', balanceUnits: 250_000 });

    const user = await runAdminCommand(['user:create', '--account', 'Acme', '--email', 'Ops@Acme.test', '--password', 'long enough pw', '--role', 'owner']);
    expect(user.lines[0]).toMatch(/Created owner ops@acme\.test/);
    expect((await attemptSignIn({ email: 'ops@acme.test', password: 'long enough pw', ip: '10.9.9.9' })).ok).toBe(true);

    const sender = await runAdminCommand(['sender:add', '--account', 'Acme', '--name', 'AcmeShop']);
    expect(sender.json).toMatchObject({ name: 'AcmeShop', created: true });
    expect((await runAdminCommand(['sender:add', '--account', 'Acme', '--name', 'AcmeShop'])).json).toMatchObject({ created: false });

    const points = await runAdminCommand(['points:add', '--account', 'Acme', '--points', '1.5']);
    expect(points.json).toMatchObject({ amountUnits: 15_000, balanceUnits: 265_000 });
    const accountId = (account.json as { id: number }).id;
    expect(await ledgerTotals(accountId)).toEqual({ balance: 265_000, ledgerSum: 265_000 });
    expect(await db.$count(ledgerEntries, eq(ledgerEntries.accountId, accountId))).toBe(2);

    const token = await runAdminCommand(['token:create', '--email', 'ops@acme.test', '--name', 'deploy']);
    const printed = token.lines.at(-1)!;
    expect(await verifyApiToken(`Bearer ${printed}`)).toMatchObject({ accountId, role: 'owner' });

    // A read-only user: the role every gate refuses anything but reading and downloading.
    const viewer = await runAdminCommand(['user:create', '--account', 'Acme', '--email', 'auditor@acme.test', '--password', 'long enough pw', '--role', 'viewer', '--json']);
    expect(viewer.json).toMatchObject({ email: 'auditor@acme.test', role: 'viewer', account: 'Acme' });
    expect((await attemptSignIn({ email: 'auditor@acme.test', password: 'long enough pw', ip: '10.9.9.9' })).ok).toBe(true);
  });

  it('rejects bad input with a clear error and changes nothing', async () => {
    await expect(runAdminCommand(['account:create'])).rejects.toThrow('--name is required');
    await expect(runAdminCommand(['account:create', '--name', 'Bad', '--timezone', 'Mars/Olympus'])).rejects.toThrow(/time zone/);
    await expect(runAdminCommand(['account:create', '--name', 'Bad', '--country', 'Bulgaria'])).rejects.toThrow(/country/);
    await expect(runAdminCommand(['account:create', '--name', 'Bad', '--bogus', 'x'])).rejects.toThrow(/bogus/);
    await expect(runAdminCommand(['user:create', '--account', 'Nope', '--email', 'a@b.cd', '--password', 'long enough pw'])).rejects.toThrow(/No account named "Nope"/);
    await expect(runAdminCommand(['launch:rockets'])).rejects.toThrow(/Unknown command/);
    expect(await db.$count(accounts, eq(accounts.name, 'Bad'))).toBe(0);

    await runAdminCommand(['account:create', '--name', 'Poor']);
    await expect(runAdminCommand(['user:create', '--account', 'Poor', '--email', 'a@b.cd', '--password', 'long enough pw', '--role', 'admin'])).rejects.toThrow(
      '--role must be owner, member, viewer',
    );
    await expect(runAdminCommand(['points:add', '--account', 'Poor', '--points=-1'])).rejects.toThrow(/Not enough points/);
    await expect(runAdminCommand(['points:add', '--account', 'Poor', '--points', 'lots'])).rejects.toThrow();
    await expect(runAdminCommand(['sender:add', '--account', 'Poor', '--name', 'WayTooLongSenderName'])).rejects.toThrow(/11/);
    const poor = (await db.select().from(accounts).where(eq(accounts.name, 'Poor')))[0];
    expect(poor.balance).toBe(0);
    expect(await db.$count(senderNames, eq(senderNames.accountId, poor.id))).toBe(0);
  });

  it('runs as `npm run admin` with --json output and a non-zero exit on errors', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'admin', '--', 'account:create', '--name', 'Spawned', '--json']);
    expect(JSON.parse(stdout.trim())).toMatchObject({ name: 'Spawned', balanceUnits: 0 });
    const failed = await run('npm', ['run', '--silent', 'admin', '--', 'account:create', '--name', 'Spawned', '--json']).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout.trim())).toEqual({ error: 'An account named "Spawned" already exists' });
  });
});
