import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db, sqlClient } from '@/db';
import { accounts, ledgerEntries } from '@/db/schema';
import { addPoints, InsufficientBalanceError, ledgerTotals, postEntry } from '@/lib/ledger';
import { POINT_UNITS } from '@/lib/messaging';
import { makeAccount } from './fixtures/accounts';
import { pointsPageMismatches } from './fixtures/ledger';

describe('ledger', () => {
  it('moves the balance by exactly the entries it appends', async () => {
    const { account } = await makeAccount('Ledger One', 10);
    await addPoints({ accountId: account.id, amount: 2.5 * POINT_UNITS });
    await addPoints({ accountId: account.id, amount: -1 * POINT_UNITS });
    expect(await ledgerTotals(account.id)).toEqual({ balance: 11.5 * POINT_UNITS, ledgerSum: 11.5 * POINT_UNITS });
  });

  it('refuses an overdraft whole: no entry, balance unchanged', async () => {
    const { account } = await makeAccount('Ledger Two', 1);
    const entriesBefore = await db.$count(ledgerEntries, eq(ledgerEntries.accountId, account.id));
    await expect(addPoints({ accountId: account.id, amount: -2 * POINT_UNITS })).rejects.toBeInstanceOf(InsufficientBalanceError);
    expect(await db.$count(ledgerEntries, eq(ledgerEntries.accountId, account.id))).toBe(entriesBefore);
    expect(await ledgerTotals(account.id)).toEqual({ balance: POINT_UNITS, ledgerSum: POINT_UNITS });
  });

  it('rejects fractional and zero amounts', async () => {
    const { account } = await makeAccount('Ledger Three', 1);
    await expect(db.transaction((tx) => postEntry(tx, { accountId: account.id, kind: 'debit', amount: -0.5 }))).rejects.toThrow(/integer/);
    await expect(db.transaction((tx) => postEntry(tx, { accountId: account.id, kind: 'debit', amount: 0 }))).rejects.toThrow(/non-zero/);
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const { account } = await makeAccount('Ledger Four', 5);
    await expect(db.update(ledgerEntries).set({ amount: 1 }).where(eq(ledgerEntries.accountId, account.id))).rejects.toThrow();
    await expect(db.delete(ledgerEntries).where(eq(ledgerEntries.accountId, account.id))).rejects.toThrow();
    await expect(db.execute(sql`truncate ledger_entries`)).rejects.toThrow();
    expect((await ledgerTotals(account.id)).ledgerSum).toBe(5 * POINT_UNITS);
  });

  it('does not wait for a transaction that only references the account (two sends at once cannot deadlock)', async () => {
    const { account } = await makeAccount('Ledger key share', 10);
    // An open transaction holding what a foreign key check takes: KEY SHARE on the account's row.
    const holder = await sqlClient().reserve();
    try {
      await holder`begin`;
      await holder`select 1 from accounts where id = ${account.id} for key share`;
      const posted = await Promise.race([
        addPoints({ accountId: account.id, amount: POINT_UNITS }).then(() => 'posted'),
        new Promise((resolve) => setTimeout(() => resolve('waited'), 3_000)),
      ]);
      expect(posted).toBe('posted'); // not still waiting for the holder
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect(await ledgerTotals(account.id)).toEqual({ balance: 11 * POINT_UNITS, ledgerSum: 11 * POINT_UNITS });
  });

  it('keeps balance == sum of entries under concurrent debits, never below zero', async () => {
    const { account } = await makeAccount('Ledger Five', 10);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => addPoints({ accountId: account.id, amount: -POINT_UNITS / 2 })),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    expect(succeeded).toBe(20);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof InsufficientBalanceError)).toBe(true);
    const totals = await ledgerTotals(account.id);
    expect(totals).toEqual({ balance: 0, ledgerSum: 0 });
    const [row] = await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, account.id));
    expect(row.balance).toBe(0);
  });
});

// After the concurrent debits and refused overdrafts above: the points page's entries, every page, add up to each balance.
it('reconciles every account through the points page', async () => {
  expect(await pointsPageMismatches()).toEqual([]);
});
