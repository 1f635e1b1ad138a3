import { sql, TransactionRollbackError, type SQL } from 'drizzle-orm';
import type { JobHelpers } from 'graphile-worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, sqlClient } from '@/db';
import { BG_UNITS_PER_PART } from '@/db/seed/demo';
import { generateMessages, templates } from '@/db/seed/messages';
import { overdueMessagesQuery, stalledCampaignsQuery } from '@/lib/campaigns/dispatch';
import { env } from '@/lib/env';
import { expireUnreportedQuery } from '@/lib/gateway/reports';
import { SCHEDULE, tasks } from '@/lib/jobs/worker';
import { makeAccount } from './fixtures/accounts';

// The periodic jobs run every minute whatever the size of messages: each must read only the rows
// it changes. Checked on a table with real statistics (a year of messages, a campaign just handed
// to the gateway and awaiting its reports, one still waiting to be sent, single messages scheduled
// for later; ANALYZEd): by what their statements on messages read when they run, and by
// PostgreSQL's own count of sequential scans while every scheduled task runs.

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
};

/**
 * How the statement read messages when run (then rolled back): each scan of the table (an
 * UPDATE's own node aside), with the rows it read only to throw away.
 */
async function readsOfMessages(query: SQL): Promise<{ scan: string; discarded: number }[]> {
  const found: { scan: string; discarded: number }[] = [];
  const walk = (node: PlanNode) => {
    if (node['Relation Name'] === 'messages' && node['Node Type'] !== 'ModifyTable') {
      found.push({ scan: node['Node Type'], discarded: (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0) });
    }
    node.Plans?.forEach(walk);
  };
  await db
    .transaction(async (tx) => {
      const [row] = await tx.execute<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(sql`explain (analyze, format json) ${query}`);
      walk(row['QUERY PLAN'][0].Plan);
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  return found;
}

async function messageScans(): Promise<{ seq: number; idx: number }> {
  const [row] = await db.execute<{ seq: string; idx: string }>(sql`
    select seq_scan::text as seq, coalesce(idx_scan, 0)::text as idx from pg_stat_user_tables where relname = 'messages'`);
  return { seq: Number(row.seq), idx: Number(row.idx) };
}

/**
 * The counters once every session of the pool has reported its own: an idle session that reported
 * less than a second ago otherwise waits 10 s. One transaction per connection, all at once.
 */
async function reportedScans(): Promise<{ seq: number; idx: number }> {
  await Promise.all(
    Array.from({ length: env().DB_POOL_MAX }, () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_stat_force_next_flush()`);
        await tx.execute(sql`select pg_sleep(0.2)`);
      }),
    ),
  );
  return messageScans();
}

beforeAll(async () => {
  const { account, user } = await makeAccount('Periodic');
  const seed = (count: number, status: number | undefined, campaignId?: string) =>
    sqlClient().begin((tx) =>
      generateMessages(tx, {
        accountId: account.id,
        count,
        days: 365,
        senders: ['Periodic'],
        userIds: [user.id],
        unitsPerPart: BG_UNITS_PER_PART,
        status,
        ...(campaignId && { campaign: { id: campaignId, template: templates()[0], sender: 'Periodic', createdAt: new Date(), spreadMinutes: 1 } }),
      }),
    );
  const campaign = async (status: 'sending' | 'completed') => {
    const [row] = await db.execute<{ id: string }>(sql`
      insert into campaigns (account_id, sender_name, content, encoding, parts, status, recipients, points, started_at)
      values (${account.id}, 'Periodic', 'x', 'gsm7', 1, ${status}, 10000, 10000 * 650, now()) returning id`);
    return row.id;
  };
  // A year of history (reports still awaited only in the last four days).
  await seed(30_000, undefined);
  // A campaign just handed to the gateway, its reports still to come, and one waiting to be sent.
  await seed(10_000, 403, await campaign('completed'));
  await seed(10_000, 409, await campaign('sending'));
  await db.execute(sql`update messages set sent_at = now() where status = 403 and campaign_id is not null`);
  // Single messages scheduled for later; a few overdue ones of each kind.
  await db.execute(sql`
    insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at, scheduled_at, sent_at)
    select ${account.id}, 'Periodic', '+35988' || (2000000 + g), 'BG', 'x', 'gsm7', 1, 650,
           case when g <= 3 then 403 else 409 end, 'api',
           case when g <= 6 then now() - interval '3 days' else now() end,
           case when g > 6 then now() + g * interval '1 minute' end,
           case when g <= 3 then now() - interval '3 days' end
      from generate_series(1, 2000) g`);
  await db.execute(sql`analyze messages`);
}, 120_000);

describe('periodic jobs', () => {
  it('read through indexes only the rows their statements on messages are after', async () => {
    const statements = {
      expire: expireUnreportedQuery(env().MESSAGE_VALIDITY_SECONDS),
      overdueMessages: overdueMessagesQuery(env().WORKER_STALL_SECONDS),
      stalledCampaigns: stalledCampaignsQuery(env().WORKER_STALL_SECONDS),
    };
    for (const [name, statement] of Object.entries(statements)) {
      const reads = await readsOfMessages(statement);
      expect(reads.length, name).toBeGreaterThan(0);
      for (const read of reads) {
        expect({ name, ...read }).toEqual({ name, scan: expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/), discarded: 0 });
      }
    }
  });

  it('never scan messages sequentially, every scheduled task included', async () => {
    const before = await reportedScans();
    for (const [, task] of SCHEDULE) await tasks[task]!({}, {} as JobHelpers);
    const after = await reportedScans();
    expect(after.idx).toBeGreaterThan(before.idx);
    expect(after.seq - before.seq).toBe(0);
  }, 60_000);
});
