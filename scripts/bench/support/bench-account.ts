// An account of its own for a bench that writes (campaigns, delivery reports, stops) on the kept
// large table (scripts/bench.ts), and what undoes it afterwards, so the table stays as seeded.

export type BenchAccount = { accountId: number; userId: number; sender: string };

export async function benchAccount(name: string): Promise<BenchAccount> {
  const { createAccount, createUser, addSenderName } = await import('../../../lib/accounts');
  const { addPoints } = await import('../../../lib/ledger');
  const { POINT_UNITS } = await import('../../../lib/messaging');
  const stamp = Date.now();
  const account = await createAccount({ name: `${name} ${stamp}` });
  const user = await createUser({ accountId: account.id, email: `bench.${stamp}@example.com`, password: 'bench password 2026', role: 'owner' });
  await addSenderName(account.id, 'Bench');
  await addPoints({ accountId: account.id, amount: 10_000_000 * POINT_UNITS });
  return { accountId: account.id, userId: user.id, sender: 'Bench' };
}

/**
 * Deletes the account's messages and their counters (triggers off: the counters go whole), the
 * delivery reports and simulator jobs still pending, then vacuums messages so the next bench
 * finds the table as seeded. The account, its campaigns and ledger stay (the ledger is append-only).
 */
export async function removeBenchMessages(accountId: number): Promise<void> {
  const { makeWorkerUtils } = await import('graphile-worker');
  const { sqlClient } = await import('../../../db');
  const { pgPool } = await import('../../../db/pg');
  const client = sqlClient();
  const utils = await makeWorkerUtils({ pgPool: pgPool() });
  try {
    const jobs = await client<{ id: string }[]>`
      select id::text from graphile_worker.jobs where task_identifier in ('gateway:reports', 'gateway:apply-reports', 'campaign:dispatch', 'campaign:stop')`;
    if (jobs.length) await utils.completeJobs(jobs.map((j) => j.id));
  } finally {
    await utils.release();
  }
  await client.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from delivery_report_inbox`;
    await tx`delete from campaign_status_counts where campaign_id in (select id from campaigns where account_id = ${accountId})`;
    await tx`delete from message_hourly_counts where account_id = ${accountId}`;
    for (const table of ['delivery_daily_counts', 'delivery_time_counts', 'delivery_hour_counts']) await tx`delete from ${tx(table)} where account_id = ${accountId}`;
    await tx`delete from messages where account_id = ${accountId}`;
  });
  await client`vacuum messages`;
}
