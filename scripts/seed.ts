import os from 'node:os';
import { parseArgs } from 'node:util';
import { sqlClient } from '../db';
import { BG_UNITS_PER_PART } from '../db/seed/demo';
import { generateMessages } from '../db/seed/messages';
import { listSenderNames, requireAccountByName } from '../lib/accounts';
import { rebuildMessageRollup } from '../lib/reports/queries';
import { fail, withDatabase } from './with-database';

// Bulk generator for benchmarks: npm run seed -- --account Demo --messages 1000000
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { account: { type: 'string' }, messages: { type: 'string' }, days: { type: 'string', default: '400' } },
  strict: true,
});
const count = Number(values.messages);
const days = Number(values.days);
if (!values.account || !Number.isSafeInteger(count) || count < 1 || count > 100_000_000 || !(days > 0 && days <= 3650)) {
  fail(new Error('usage: npm run seed -- --account NAME --messages N [--days 400]  (1 <= N <= 100,000,000)'), false);
}

const BATCH = 100_000;
try {
  const result = await withDatabase(async () => {
    const account = await requireAccountByName(values.account!);
    const senders = (await listSenderNames(account.id)).map((s) => s.name);
    const sql = sqlClient();
    const users = await sql<{ id: number }[]>`select id from users where account_id = ${account.id} order by id`;
    const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, i) => Math.min(BATCH, count - i * BATCH));
    const started = performance.now();
    // One loader per core; each batch is its own transaction.
    const loaders = Array.from({ length: Math.min(os.availableParallelism(), batches.length) }, async () => {
      for (let size = batches.pop(); size !== undefined; size = batches.pop()) {
        await sql.begin(async (tx) => {
          // The account and user ids were just read from the database, so the per-row foreign-key
          // triggers (more than half the load time) are skipped for this bulk load only.
          await tx`set local session_replication_role = replica`;
          await generateMessages(tx, {
            accountId: account.id,
            count: size,
            days,
            senders: senders.length ? senders : ['Info'],
            userIds: users.map((u) => u.id),
            unitsPerPart: BG_UNITS_PER_PART,
          });
        });
      }
    });
    await Promise.all(loaders);
    // The bulk load skipped the triggers, so the hourly rollup is rebuilt for this account.
    await rebuildMessageRollup(account.id);
    const seconds = (performance.now() - started) / 1000;
    await sql`analyze messages`;
    return { account: account.name, messages: count, seconds: Number(seconds.toFixed(2)), rows_per_s: Math.round(count / seconds) };
  });
  console.log(JSON.stringify(result));
} catch (error) {
  fail(error, false);
}
