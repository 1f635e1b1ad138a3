import os from 'node:os';

// The large table the history, load, export and report benches run on: BENCH_HISTORY_MESSAGES
// messages (default 10,000,000), a fifth in one account (the "main" one, with an owner and a
// member), the rest spread over 16 others, loaded interleaved so an account's rows are scattered
// over the heap as in real life. Created once: on a kept database (scripts/bench.ts) later runs
// find the main account and reuse everything.

export const MAIN_ACCOUNT = 'Bench history main';
export const MAIN_OWNER = { email: 'bench-owner@example.com', password: 'bench password 2026' };
const OTHER_ACCOUNTS = 16;
const BATCH = 100_000;
const LOADERS = 2;

export async function seedLargeTable() {
  const { db, sqlClient } = await import('../../../db');
  const { accounts } = await import('../../../db/schema');
  const { eq } = await import('drizzle-orm');
  const { createAccount, createUser, addSenderName, findAccountByName } = await import('../../../lib/accounts');
  const { generateMessages } = await import('../../../db/seed/messages');
  const { BG_UNITS_PER_PART } = await import('../../../db/seed/demo');

  const total = Number(process.env.BENCH_HISTORY_MESSAGES ?? 10_000_000);
  if (!Number.isSafeInteger(total) || total < 1000) throw new Error('BENCH_HISTORY_MESSAGES must be an integer >= 1000');
  const mainCount = Math.round(total / 5);
  const client = sqlClient();

  let seedSeconds: number | null = null;
  let main = await findAccountByName(MAIN_ACCOUNT);
  if (!main) {
    const [cutShort] = await client`select 1 from accounts where name like ${`${MAIN_ACCOUNT} (loading%`}`;
    if (cutShort) throw new Error('an earlier seed of this kept database was cut short: run again with BENCH_FRESH=1');
    const started = performance.now();
    // Named only once every row is in, so a seed cut short is started over, not reused.
    const pending = await createAccount({ name: `${MAIN_ACCOUNT} (loading ${Date.now()})` });
    const password = MAIN_OWNER.password;
    const mainUsers = [
      await createUser({ accountId: pending.id, email: MAIN_OWNER.email, password, role: 'owner' }),
      await createUser({ accountId: pending.id, email: 'bench-member@example.com', password, role: 'member' }),
    ];
    for (const name of ['Shop', 'Bank', 'Info']) await addSenderName(pending.id, name);
    type Job = { accountId: number; userIds: number[]; senders: string[]; size: number; order: number };
    const jobs: Job[] = [];
    const addJobs = (accountId: number, userIds: number[], senders: string[], count: number) => {
      const n = Math.ceil(count / BATCH);
      for (let i = 0; i < n; i++) {
        // Spread each account's batches evenly over the load, so accounts interleave in the heap.
        jobs.push({ accountId, userIds, senders, size: Math.min(BATCH, count - i * BATCH), order: (i + 0.5) / n });
      }
    };
    addJobs(pending.id, mainUsers.map((u) => u.id), ['Shop', 'Bank', 'Info'], mainCount);
    const rest = total - mainCount;
    for (let a = 0; a < OTHER_ACCOUNTS; a++) {
      const account = await createAccount({ name: `Bench history ${a + 1} ${Date.now()}` });
      const user = await createUser({ accountId: account.id, email: `bench-${a + 1}.${Date.now()}@example.com`, password, role: 'owner' });
      await addSenderName(account.id, `Sender${a + 1}`);
      const count = Math.floor(rest / OTHER_ACCOUNTS) + (a < rest % OTHER_ACCOUNTS ? 1 : 0);
      addJobs(account.id, [user.id], [`Sender${a + 1}`], count);
    }
    jobs.sort((x, y) => x.order - y.order);
    const loaders = Array.from({ length: Math.min(LOADERS, os.availableParallelism(), jobs.length) }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const current = job;
        await client.begin(async (tx) => {
          // Account and user ids were just created: skip the per-row foreign-key triggers.
          await tx`set local session_replication_role = replica`;
          await generateMessages(tx, {
            accountId: current.accountId,
            count: current.size,
            days: 400,
            senders: current.senders,
            userIds: current.userIds,
            unitsPerPart: BG_UNITS_PER_PART,
          });
        });
      }
    });
    await Promise.all(loaders);
    // What autovacuum would have done on a live system: statistics and the visibility map.
    await client`vacuum (analyze) messages`;
    await client`analyze users`;
    await db.update(accounts).set({ name: MAIN_ACCOUNT }).where(eq(accounts.id, pending.id));
    main = (await findAccountByName(MAIN_ACCOUNT))!;
    seedSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  }
  const toppedUp = seedSeconds === null ? await topUp(main.id) : 0;
  const [counts] = await client<{ messages: string; account_messages: string }[]>`
    select (select count(*) from messages)::text as messages,
           (select count(*) from messages where account_id = ${main.id})::text as account_messages`;
  return { main, seedSeconds, toppedUp, messages: Number(counts.messages), accountMessages: Number(counts.account_messages) };
}

/**
 * A kept database ages: its newest messages drift out of the history's default window (the last
 * 24 hours). When the newest is a day old or more, each seeded account gets the messages the seed
 * would have put in the time since: the seed's ages follow 400 days x r^1.6, so a share
 * (gap / 400 days)^0.625 of them fall in the newest `gap`, spread the same way. Returns the rows added.
 */
async function topUp(mainId: number): Promise<number> {
  const { sqlClient } = await import('../../../db');
  const { generateMessages } = await import('../../../db/seed/messages');
  const { BG_UNITS_PER_PART } = await import('../../../db/seed/demo');
  const client = sqlClient();
  const [{ gap_days: gapDays }] = await client<{ gap_days: number }[]>`
    select extract(epoch from now() - max(created_at))::float8 / 86400 as gap_days from messages where account_id = ${mainId}`;
  // Whole days (the seed spreads messages over whole days); the last 24 hours still hold the
  // seed's own newest messages until a day has passed.
  if (!(gapDays >= 1)) return 0;
  const days = Math.min(400, Math.ceil(gapDays));
  const accounts = await client<{ id: number; messages: string; user_ids: number[]; senders: string[] }[]>`
    select a.id, (select count(*) from messages m where m.account_id = a.id)::text as messages,
           (select array_agg(u.id order by u.id) from users u where u.account_id = a.id) as user_ids,
           (select array_agg(s.name order by s.name) from sender_names s where s.account_id = a.id) as senders
      from accounts a where a.name like 'Bench history%'`;
  let added = 0;
  for (const account of accounts) {
    const count = Math.round(Number(account.messages) * (days / 400) ** 0.625);
    for (let done = 0; done < count; done += BATCH) {
      await client.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await generateMessages(tx, {
          accountId: account.id,
          count: Math.min(BATCH, count - done),
          days,
          senders: account.senders,
          userIds: account.user_ids,
          unitsPerPart: BG_UNITS_PER_PART,
        });
      });
    }
    added += count;
  }
  await client`vacuum (analyze) messages`;
  return added;
}

/**
 * A completed campaign of `count` messages named `name` in the account, made once (later runs
 * find it): loaded with generate_series (FK checks and counter triggers off), its per-status
 * counters written as the triggers would have. Statuses: 80 % delivered, 10 % undelivered, 5 %
 * sent (awaiting a report), 5 % expired; every 1000th IDX a formula.
 */
export async function ensureCampaign(accountId: number, userId: number, name: string, count: number): Promise<string> {
  const { sqlClient } = await import('../../../db');
  const client = sqlClient();
  const [found] = await client<{ id: string }[]>`select id from campaigns where account_id = ${accountId} and name = ${name}`;
  if (found) return found.id;
  const content = 'Здравейте, вашата поръчка "№ 1" е готова за получаване. Благодарим!';
  const [sender] = await client<{ name: string }[]>`select name from sender_names where account_id = ${accountId} order by name limit 1`;
  return client.begin(async (tx) => {
    const [campaign] = await tx<{ id: string }[]>`
      insert into campaigns (account_id, user_id, name, sender_name, content, encoding, parts, source, status, recipients, points, started_at, finished_at, created_at)
      values (${accountId}, ${userId}, ${`${name} (loading)`}, ${sender.name}, ${content}, 'ucs2', 1, 'portal', 'completed', ${count}, ${count * 650},
              now() - interval '2 hours', now() - interval '1 hour', now() - interval '2 hours')
      returning id`;
    // Replica mode skips the FK checks and the counter triggers for the bulk load.
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into messages (account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts,
                            points, status, source, idx, created_at, sent_at, done_at)
      select ${accountId}, ${campaign.id}::uuid, ${userId}, ${sender.name}, '+35988' || (1000000 + g), 'BG', null, 'ucs2', 1,
             650, s.status, 'portal',
             case when g % 3 = 0 then 'order-' || g when g % 1000 = 1 then '=HYPERLINK("http://x","y")' end,
             now() - interval '2 hours',
             case when s.status <> 409 then now() - interval '2 hours' + (g % 3600) * interval '1 second' end,
             case when s.status in (404, 405, 402) then now() - interval '2 hours' + (g % 3600 + 2 + g % 7) * interval '1 second' end
        from generate_series(1, ${count}) g
        cross join lateral (select case when g % 20 < 16 then 404 when g % 20 < 18 then 405 when g % 20 = 18 then 403 else 402 end as status) s`;
    await tx`
      insert into campaign_status_counts (campaign_id, status, messages, points)
      select campaign_id, status, count(*), sum(points) from messages where campaign_id = ${campaign.id} group by 1, 2`;
    await tx`update campaigns set name = ${name} where id = ${campaign.id}`;
    await tx`analyze messages`;
    return campaign.id;
  });
}
