import { seedLargeTable } from './support/large-table';

// npm run bench -- storage: the disk a message takes, on the large table (BENCH_HISTORY_MESSAGES,
// default 10,000,000, the table the other benches use): the messages table's heap, TOAST and each
// index, in bytes per message, with the total (pg_total_relation_size / rows) against the target
// of 500. Beside it, what the rows hold: the average stored size of a row and of its content
// (pg_column_size), and how much of it is campaign messages repeating their campaign's text.
// The tables kept beside messages for it (counts, rollups, the delivery-report inbox) are listed
// with their own totals.
//
// The seeded rows were written once, as they are; a real message is written three times: stored
// waiting (a campaign's, its text on the campaign), claimed and handed over (SENT), then its final
// delivery report (DELIVERED, with the gateway's id and network). The status is indexed, so both
// updates write a new version into every index. `lifecycle`: two rounds of BENCH_STORAGE_LIFECYCLE
// messages (default 500,000) taken through those three writes by the app's own statements
// (claimQuery, applyDeliveryReports) on the same table, each round vacuumed after: the bytes each
// message added, per relation. The first round finds no free space (the seed left none); the
// second reuses what vacuum freed after the first, as every round does on a live table, so it is
// the steady cost. Removed again afterwards (removeBenchMessages).
//
// Runs on the bench runner's kept large database (scripts/bench.ts).

export const keptDatabase = true;
const TARGET_BYTES_PER_MESSAGE = 500;
const LIFECYCLE = Number(process.env.BENCH_STORAGE_LIFECYCLE ?? 500_000);
const LIFECYCLE_ROUNDS = 2;

export default async function benchStorage() {
  const { sqlClient } = await import('../../db');
  const client = sqlClient();
  const large = await seedLargeTable();
  // Sizes as they settle: dead rows of the seed's own updates reclaimed, visibility map set.
  await client`vacuum (analyze) messages`;

  const [{ rows }] = await client<{ rows: number }[]>`select count(*)::float8 as rows from messages`;
  const perMessage = (bytes: number) => Number((bytes / rows).toFixed(1));
  const [sizes] = await client<{ total: number; heap: number; toast: number; indexes: number }[]>`
    select pg_total_relation_size('messages')::float8 as total,
           pg_relation_size('messages')::float8 as heap,
           coalesce(pg_total_relation_size(nullif(reltoastrelid, 0)), 0)::float8 as toast,
           pg_indexes_size('messages')::float8 as indexes
      from pg_class where oid = 'messages'::regclass`;
  const indexes = await client<{ name: string; bytes: number; scans: number }[]>`
    select c.relname as name, pg_relation_size(c.oid)::float8 as bytes, coalesce(s.idx_scan, 0)::float8 as scans
      from pg_index i join pg_class c on c.oid = i.indexrelid
      left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid
     where i.indrelid = 'messages'::regclass
     order by pg_relation_size(c.oid) desc`;
  // A sample is enough for the averages (a full pass would read the whole heap again).
  const [content] = await client<{ row_bytes: number; content_bytes: number; campaign_share: number; repeated_bytes: number }[]>`
    select avg(pg_column_size(m.*))::float8 as row_bytes,
           avg(pg_column_size(m.content))::float8 as content_bytes,
           avg((m.campaign_id is not null)::int)::float8 as campaign_share,
           avg(case when c.content = m.content then pg_column_size(m.content) else 0 end)::float8 as repeated_bytes
      from messages m tablesample system (1)
      left join campaigns c on c.id = m.campaign_id`;
  const beside = await client<{ name: string; bytes: number }[]>`
    select relname as name, pg_total_relation_size(oid)::float8 as bytes from pg_class
     where relname in ('campaign_status_counts', 'message_hourly_counts', 'delivery_daily_counts', 'delivery_time_counts', 'delivery_hour_counts', 'delivery_report_inbox', 'campaigns', 'short_links', 'ledger_entries') and relkind in ('r', 'p')
     order by 2 desc`;

  return {
    messages: rows,
    seeded_seconds: large.seedSeconds,
    bytes_per_message: {
      total: perMessage(sizes.total),
      heap: perMessage(sizes.heap),
      toast: perMessage(sizes.toast),
      indexes: perMessage(sizes.indexes),
      target: TARGET_BYTES_PER_MESSAGE,
    },
    total_vs_target: Number((sizes.total / rows / TARGET_BYTES_PER_MESSAGE).toFixed(2)),
    index_bytes_per_message: Object.fromEntries(indexes.map((i) => [i.name, perMessage(i.bytes)])),
    index_scans_since_seed: Object.fromEntries(indexes.map((i) => [i.name, i.scans])),
    rows_sampled: {
      row_bytes: Number(content.row_bytes.toFixed(1)),
      content_bytes: Number(content.content_bytes.toFixed(1)),
      campaign_share: Number(content.campaign_share.toFixed(3)),
      campaign_text_repeated_bytes: Number(content.repeated_bytes.toFixed(1)),
    },
    beside_messages_mb: Object.fromEntries(beside.map((t) => [t.name, Number((t.bytes / 2 ** 20).toFixed(1))])),
    total_gb: Number((sizes.total / 2 ** 30).toFixed(2)),
    lifecycle: await lifecycle(),
  };
}

/** Bytes a message adds to messages' heap and each index as it goes through its three writes. */
async function lifecycle() {
  const { sqlClient, db } = await import('../../db');
  const { generateCampaign } = await import('../../db/seed/messages');
  const { claimQuery, MAX_BATCH } = await import('../../lib/campaigns/dispatch');
  const { applyDeliveryReports, APPLY_BATCH } = await import('../../lib/gateway/reports');
  const { STATUS } = await import('../../lib/messaging/statuses');
  const { benchAccount, removeBenchMessages } = await import('./support/bench-account');
  const client = sqlClient();
  const relationSizes = async () =>
    new Map(
      (
        await client<{ name: string; bytes: number }[]>`
          select c.relname as name, pg_relation_size(c.oid)::float8 as bytes from pg_class c
           where c.oid = 'messages'::regclass or c.oid in (select indexrelid from pg_index where indrelid = 'messages'::regclass)`
      ).map((r) => [r.name, r.bytes]),
    );

  const bench = await benchAccount('Bench storage');
  const round = async () => {
    const before = await relationSizes();
    const started = performance.now();
    const campaignId = await generateCampaign(client, { ...bench, count: LIFECYCLE, status: 409, rate: 1_000_000 });
    const ids: number[] = [];
    for (let batch = MAX_BATCH; batch === MAX_BATCH; ) {
      const claimed = await db.execute<{ id: string }>(claimQuery(campaignId, MAX_BATCH));
      for (const row of claimed) ids.push(Number(row.id));
      batch = claimed.length;
    }
    for (let i = 0; i < ids.length; i += APPLY_BATCH) {
      const doneAt = new Date();
      await applyDeliveryReports(
        ids.slice(i, i + APPLY_BATCH).map((id) => ({ messageId: id, gatewayMessageId: `bench-${id}`, status: STATUS.DELIVERED, doneAt, network: '28401' })),
      );
    }
    const written = (performance.now() - started) / 1000;
    await client`vacuum messages`;
    const after = await relationSizes();
    const added = [...after].map(([name, bytes]) => [name, Number(((bytes - (before.get(name) ?? 0)) / LIFECYCLE).toFixed(1))] as const);
    return {
      messages: LIFECYCLE,
      delivered: ids.length,
      seconds: Number(written.toFixed(1)),
      bytes_per_message_added: {
        total: Number(added.reduce((sum, [, bytes]) => sum + bytes, 0).toFixed(1)),
        ...Object.fromEntries(added.filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1])),
      },
    };
  };
  try {
    const rounds = [];
    for (let i = 0; i < LIFECYCLE_ROUNDS; i++) rounds.push(await round());
    const [table] = await client<{ rows: number; bytes: number }[]>`
      select (select count(*) from messages)::float8 as rows, pg_total_relation_size('messages')::float8 as bytes`;
    return {
      rounds,
      steady_bytes_per_message: rounds[rounds.length - 1].bytes_per_message_added.total,
      table_after: { messages: table.rows, bytes_per_message: Number((table.bytes / table.rows).toFixed(1)) },
      target: TARGET_BYTES_PER_MESSAGE,
    };
  } finally {
    await removeBenchMessages(bench.accountId);
  }
}
