// Requirement lines of shared/spec/security.md that no feature test asserts on its own:
// framework versions, password hashing parameters, API token entropy and storage, the sender
// name format, and the database backstop for "refund exactly once".
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiTokens, campaigns, ledgerEntries, senderNames, users } from '@/db/schema';
import { addSenderName, listSenderNames, senderNameSchema, setUserPassword } from '@/lib/accounts';
import { AppError } from '@/lib/errors';
import { runAdminCommand } from '@/lib/admin/commands';
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from '@/lib/auth/api-tokens';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { ledgerTotals, postEntry } from '@/lib/ledger';
import { makeAccount, PASSWORD } from './fixtures/accounts';

// ---------------------------------------------------------------------------------------------
// Framework versions

type Version = { numbers: number[]; prerelease: string[] };

function parseVersion(text: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text);
  if (!match) throw new Error(`not a semver version: ${text}`);
  return { numbers: match.slice(1, 4).map(Number), prerelease: match[4]?.split('.') ?? [] };
}

/** Semver precedence (semver.org §11): numbers compared as numbers; a prerelease is lower than its release. */
function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x.numbers[i] !== y.numbers[i]) return x.numbers[i] - y.numbers[i];
  if (!x.prerelease.length || !y.prerelease.length) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const [p, q] = [x.prerelease[i], y.prerelease[i]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

const installedVersion = (pkg: string): string =>
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'node_modules', pkg, 'package.json'), 'utf8')).version;

describe('framework versions (fixes for the 2025-26 advisories)', () => {
  it('compares versions as semver, not as text', () => {
    expect(compareVersions('16.10.0', '16.2.6')).toBeGreaterThan(0);
    expect(compareVersions('16.2.10', '16.2.6')).toBeGreaterThan(0);
    expect(compareVersions('16.2.5', '16.2.6')).toBeLessThan(0);
    expect(compareVersions('16.2.6', '16.2.6')).toBe(0);
    expect(compareVersions('16.2.6-canary.3', '16.2.6')).toBeLessThan(0);
    expect(compareVersions('16.2.6-canary.10', '16.2.6-canary.9')).toBeGreaterThan(0);
    expect(compareVersions('19.2.6', '19.10.0')).toBeLessThan(0);
    expect(() => compareVersions('latest', '1.0.0')).toThrow();
  });

  it('has next >= 16.2.6, react >= 19.2.6 and react-dom the same version as react', () => {
    const next = installedVersion('next');
    const react = installedVersion('react');
    const reactDom = installedVersion('react-dom');
    expect(compareVersions(next, '16.2.6'), `next ${next}`).toBeGreaterThanOrEqual(0);
    expect(compareVersions(react, '19.2.6'), `react ${react}`).toBeGreaterThanOrEqual(0);
    expect(compareVersions(reactDom, '19.2.6'), `react-dom ${reactDom}`).toBeGreaterThanOrEqual(0);
    expect(reactDom).toBe(react);
    // Nothing nested under next may bring an older copy along.
    for (const pkg of ['react', 'react-dom']) {
      const nested = path.join(process.cwd(), 'node_modules', 'next', 'node_modules', pkg, 'package.json');
      if (fs.existsSync(nested)) expect(compareVersions(JSON.parse(fs.readFileSync(nested, 'utf8')).version, '19.2.6')).toBeGreaterThanOrEqual(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Passwords

/** A PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash (base64 without padding). */
function parsePhc(phc: string) {
  const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) throw new Error(`not an Argon2 PHC string: ${phc}`);
  const [, algorithm, version, m, t, p, salt, hash] = match;
  return {
    algorithm,
    version: Number(version),
    memoryKiB: Number(m),
    iterations: Number(t),
    parallelism: Number(p),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
}

describe('password hashing (Argon2id, m=19 MiB, t=2, p=1)', () => {
  const OWASP = { algorithm: 'argon2id', version: 19, memoryKiB: 19_456, iterations: 2, parallelism: 1 };

  it('hashes with Argon2id m=19456 KiB, t=2, p=1, a fresh 16-byte salt each time and a 32-byte hash', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    for (const phc of [first, second]) {
      const parsed = parsePhc(phc);
      expect(parsed).toMatchObject(OWASP);
      expect(parsed.salt.length).toBeGreaterThanOrEqual(16);
      expect(parsed.hash.length).toBeGreaterThanOrEqual(32);
    }
    expect(first).not.toBe(second);
    expect(parsePhc(first).salt.equals(parsePhc(second).salt)).toBe(false);
  });

  it('verifies the right password only; a broken hash verifies nothing', async () => {
    const password = 'Пароля с кирилица 2026!';
    const phc = await hashPassword(password);
    expect(await verifyPassword(phc, password)).toBe(true);
    expect(await verifyPassword(phc, `${password} `)).toBe(false);
    expect(await verifyPassword(phc, password.toLowerCase())).toBe(false);
    expect(await verifyPassword(phc, '')).toBe(false);
    expect(await verifyPassword(await hashPassword(''), password)).toBe(false);
    const parsed = parsePhc(phc);
    const flipped = Buffer.from(parsed.hash);
    flipped[0] ^= 1;
    expect(await verifyPassword(phc.replace(parsed.hash.toString('base64').replace(/=+$/, ''), flipped.toString('base64').replace(/=+$/, '')), password)).toBe(false);
    expect(await verifyPassword('not a hash', password)).toBe(false);
    expect(await verifyPassword('', password)).toBe(false);
  });

  it('stores users’ passwords that way, on creation and on a password change', async () => {
    const { user } = await makeAccount('Argon User');
    const stored = async () => (await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, user.id)))[0].h;
    const created = await stored();
    expect(parsePhc(created)).toMatchObject(OWASP);
    expect(created).not.toContain(PASSWORD);
    expect(await verifyPassword(created, PASSWORD)).toBe(true);

    await setUserPassword(user.id, 'a brand new password');
    const changed = await stored();
    expect(parsePhc(changed)).toMatchObject(OWASP);
    expect(await verifyPassword(changed, 'a brand new password')).toBe(true);
    expect(await verifyPassword(changed, PASSWORD)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// API tokens

const TOKEN_FORMAT = /^smsp_([A-Za-z0-9_-]+)$/;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Every row of every table of the app's schema, as text: where a token could have been kept. */
async function everyStoredRowMentioning(text: string): Promise<string[]> {
  const tables = await db.execute<{ name: string }>(
    sql`select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await db.execute<{ row: string }>(
      sql`select to_jsonb(t)::text as row from ${sql.raw(name)} t where strpos(to_jsonb(t)::text, ${text}) > 0`,
    );
    found.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return found;
}

describe('API tokens', () => {
  it('carry at least 128 random bits: 1000 tokens are all distinct and every bit varies', async () => {
    const { account, user } = await makeAccount('Token Entropy');
    const tokens: string[] = [];
    for (let batch = 0; batch < 50; batch++) {
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => createApiToken({ accountId: account.id, userId: user.id, name: `t${batch}-${i}` })));
      tokens.push(...created.map((c) => c.token));
    }
    expect(new Set(tokens).size).toBe(1000);
    const randomParts = tokens.map((token) => {
      const match = TOKEN_FORMAT.exec(token);
      expect(match, token).not.toBeNull();
      const bytes = Buffer.from(match![1], 'base64url');
      // Canonical base64url: the text is exactly the encoding of its bytes (no padding, no slack bits).
      expect(bytes.toString('base64url')).toBe(match![1]);
      return bytes;
    });
    const bits = Math.min(...randomParts.map((b) => b.length * 8));
    expect(bits).toBeGreaterThanOrEqual(128);
    // Each bit position is set in about half of the tokens (a counter, a timestamp or a constant
    // would leave bits that never change); 400–600 of 1000 is over 6 standard deviations wide.
    for (let bit = 0; bit < bits; bit++) {
      const ones = randomParts.filter((b) => (b[bit >> 3] >> (7 - (bit & 7))) & 1).length;
      expect(ones, `bit ${bit}`).toBeGreaterThan(400);
      expect(ones, `bit ${bit}`).toBeLessThan(600);
    }
  });

  it('are stored only as a SHA-256 hash, shown once by createApiToken and never readable again', async () => {
    const { account, user } = await makeAccount('Token Storage');
    const { id, token } = await createApiToken({ accountId: account.id, userId: user.id, name: 'deploy' });
    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row.tokenHash.equals(sha256(token))).toBe(true);

    // What the list shows is a short prefix for recognising the token; the rest stays secret
    // and alone still has well over 128 bits.
    expect(token.startsWith(row.displayPrefix)).toBe(true);
    const secret = token.slice(row.displayPrefix.length);
    expect(secret.length * 6).toBeGreaterThanOrEqual(128);
    expect(await everyStoredRowMentioning(secret)).toEqual([]);
    expect(await everyStoredRowMentioning(token)).toEqual([]);

    // Nothing that reads tokens back gives the token: the list has no such field, verification
    // answers with ids and the role only.
    const listed = (await listApiTokens(account.id, null)).rows;
    expect(listed).toHaveLength(1);
    expect(Object.keys(listed[0]).sort()).toEqual(['createdAt', 'displayPrefix', 'id', 'lastUsedAt', 'name', 'owner', 'revokedAt']);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const principal = await verifyApiToken(`Bearer ${token}`);
    expect(principal).toEqual({ tokenId: id, userId: user.id, accountId: account.id, role: 'owner' });
    expect(JSON.stringify(await listApiTokens(account.id, user.id))).not.toContain(secret);

    // The operators' CLI prints it once, as the last line, and stores only its hash as well.
    const cli = await runAdminCommand(['token:create', '--email', user.email, '--name', 'cli']);
    const printed = cli.lines.at(-1)!;
    expect(printed).toMatch(TOKEN_FORMAT);
    expect(await everyStoredRowMentioning(printed.slice(row.displayPrefix.length))).toEqual([]);

    expect(await revokeApiToken(account.id, id, null)).toBe(true);
    expect(await verifyApiToken(`Bearer ${token}`)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Sender names

describe('sender names: alphanumeric up to 11 characters, or numeric up to 16 digits', () => {
  const accepted = ['ABCDEFGHIJK', 'Shop12345AB', 'Acme Shop.1', 'A', '1234567890123456', '+1234567890123456', '359888123456'];
  const refused = ['ABCDEFGHIJKL', 'Shop12345ABC', 'Acme Shop.12', '12345678901234567', '+12345678901234567', '', ' ', 'Магазин', 'Shop!', '-Shop'];

  it('the format rule takes 11 characters / 16 digits and refuses 12 / 17', () => {
    for (const name of accepted) expect(senderNameSchema.safeParse(name).success, name).toBe(true);
    for (const name of refused) expect(senderNameSchema.safeParse(name).success, name).toBe(false);
  });

  it('is enforced when operators approve a name (lib and CLI) and by the database itself', async () => {
    const { account } = await makeAccount('Senders');
    const before = await db.$count(senderNames, eq(senderNames.accountId, account.id));
    for (const name of refused) {
      await expect(addSenderName(account.id, name), name).rejects.toBeInstanceOf(AppError);
      await expect(runAdminCommand(['sender:add', '--account', 'Senders', '--name', name]), name).rejects.toThrow();
    }
    expect(await db.$count(senderNames, eq(senderNames.accountId, account.id))).toBe(before);

    // The CHECK constraint refuses a bad name even when the app is bypassed.
    for (const name of ['ABCDEFGHIJKL', '12345678901234567']) {
      const error = await db.insert(senderNames).values({ accountId: account.id, name }).then(() => null, (e: unknown) => e);
      expect(pgError(error), name).toMatchObject({ code: '23514', constraint_name: 'sender_names_format' });
    }

    await addSenderName(account.id, 'ABCDEFGHIJK');
    await runAdminCommand(['sender:add', '--account', 'Senders', '--name', '1234567890123456']);
    const names = (await listSenderNames(account.id)).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['ABCDEFGHIJK', '1234567890123456']));
    expect(names.every((n) => senderNameSchema.safeParse(n).success)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The refund backstop

/** The PostgreSQL error under whatever the driver or the ORM wrapped it in. */
function pgError(error: unknown): { code?: string; constraint_name?: string } | null {
  const seen = new Set<unknown>();
  for (let e = error as { code?: string; constraint_name?: string; cause?: unknown } | null; e && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return null;
}

describe('refund backstop: one refund entry per campaign', () => {
  it('is a unique partial index on the refund entries’ campaign_id', async () => {
    const [index] = await db.execute<{ indexdef: string }>(
      sql`select indexdef from pg_indexes where schemaname = 'public' and tablename = 'ledger_entries' and indexname = 'ledger_entries_campaign_refund_key'`,
    );
    expect(index?.indexdef).toMatch(/^CREATE UNIQUE INDEX ledger_entries_campaign_refund_key ON public\.ledger_entries USING btree \(campaign_id\) WHERE \(\(kind = 'refund'::ledger_kind\) AND \(campaign_id IS NOT NULL\)\)$/);
  });

  it('refuses a second refund entry for the same campaign at the database, leaving balance == sum(entries)', async () => {
    const { account, user } = await makeAccount('Refund Twice', 10);
    const newCampaign = async () =>
      (
        await db
          .insert(campaigns)
          .values({ accountId: account.id, userId: user.id, senderName: 'RefundTwice', content: 'x', encoding: 'gsm7', parts: 1, status: 'stopped', recipients: 2, points: 1300 })
          .returning({ id: campaigns.id })
      )[0].id;
    const campaignId = await newCampaign();
    const refund = (id: string, amount = 650) =>
      db.transaction((tx) => postEntry(tx, { accountId: account.id, kind: 'refund', amount, campaignId: id, note: 'test refund' }));

    await refund(campaignId);
    const after = await ledgerTotals(account.id);
    const entries = await db.$count(ledgerEntries, eq(ledgerEntries.accountId, account.id));

    // Through the app's ledger (balance and entry in one transaction), and straight into the table.
    for (const attempt of [
      () => refund(campaignId),
      () => refund(campaignId, 1),
      () => db.execute(sql`insert into ledger_entries (account_id, kind, amount, campaign_id) values (${account.id}, 'refund', 650, ${campaignId})`),
    ]) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(pgError(error)).toMatchObject({ code: '23505', constraint_name: 'ledger_entries_campaign_refund_key' });
    }
    expect(await ledgerTotals(account.id)).toEqual(after);
    expect(after.balance).toBe(after.ledgerSum);
    expect(await db.$count(ledgerEntries, eq(ledgerEntries.accountId, account.id))).toBe(entries);

    // Only refunds are limited: another campaign's refund and other kinds of entry go in.
    await refund(await newCampaign());
    await db.transaction((tx) => postEntry(tx, { accountId: account.id, kind: 'debit', amount: -650, campaignId }));
    const final = await ledgerTotals(account.id);
    expect(final.balance).toBe(after.balance);
    expect(final.balance).toBe(final.ledgerSum);
  });
});
