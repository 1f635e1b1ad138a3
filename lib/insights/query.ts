import { eq, sql, type SQL } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { accounts } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { addDays } from '@/lib/calendar';
import { resolvePeriod } from '@/lib/reports/periods';
import { AWAITING_REPORT_STATUSES, FAILED_STATUSES, STATUS } from '@/lib/messaging/statuses';
import { cumulativeShares, percentile, type Histogram } from './delivery-time';
import { failureReason, type FailureKind } from './errors';
import { networkName } from './networks';

/**
 * Deliverability figures of a campaign or of a period, read from the rollups that the trigger of
 * migration 0020 keeps (delivery_daily_counts, delivery_time_counts, delivery_hour_counts): a
 * year of an account is a few thousand rows, whatever the number of messages.
 */

/** Messages of one group (a network, a sender name, a country, a day, an hour of the day). */
export type Breakdown = {
  key: string | null;
  /** handed to an operator: delivered + failed + awaiting (not those waiting to be sent or stopped) */
  messages: number;
  delivered: number;
  failed: number;
  awaiting: number;
  /** delivered / (delivered + failed): of the messages with a final report; null without any */
  rate: number | null;
};

export type ErrorFigure = { status: number; errorCode: number | null; kind: FailureKind; key: string; messages: number };

export type DeliveryTime = { count: number; p50: number | null; p90: number | null; p99: number | null };

export type Insights = {
  /** `sent` is `messages` (handed to operators); stopped and still waiting to be sent apart */
  totals: Breakdown & { sent: number; stopped: number; queued: number; awaitingShare: number | null };
  statuses: { status: number; messages: number }[];
  networks: (Breakdown & { name: string | null; p50: number | null })[];
  senders: Breakdown[];
  countries: Breakdown[];
  days: Breakdown[];
  /** 0..23 in the account's time zone, every hour present; none for a campaign or withoutBulk (as days) */
  hours: Breakdown[];
  /** failures by status and error code, most first */
  errors: ErrorFigure[];
  /** delivered messages, sent -> delivered, seconds */
  deliveryTime: DeliveryTime;
  /** share of the final reports (delivered or not) in by each time after sending (seconds), a cumulative curve */
  arrival: { seconds: number; share: number }[];
};

/** A campaign, or the local days fromDay..toDay of an account (without its campaigns' messages when withoutBulk, as a short report can be). */
export type InsightScope = { accountId: number; campaignId: string } | { accountId: number; fromDay: string; toDay: string; withoutBulk?: boolean };

const FAILED = new Set<number>(FAILED_STATUSES);
const AWAITING = new Set<number>(AWAITING_REPORT_STATUSES);

/** The first days of the whole months inside fromDay..toDay: [first, end), empty when first >= end. */
export function wholeMonths(fromDay: string, toDay: string): { first: string; end: string } {
  const firstOf = (day: string, monthsAhead: number) => {
    const [year, month] = day.split('-').map(Number);
    return new Date(Date.UTC(year, month - 1 + monthsAhead, 1)).toISOString().slice(0, 10);
  };
  const first = fromDay.endsWith('-01') ? fromDay : firstOf(fromDay, 1);
  const end = addDays(toDay, 1).endsWith('-01') ? addDays(toDay, 1) : firstOf(toDay, 0);
  return { first, end };
}

/**
 * The rows of delivery_daily_counts and delivery_time_counts that a scope sums: a campaign's day
 * rows, or a period's month rows for its whole months and day rows for the rest.
 */
function where(scope: InsightScope): SQL {
  if ('campaignId' in scope) return sql`campaign_id = ${scope.campaignId}::uuid and account_id = ${scope.accountId} and not month`;
  const { first, end } = wholeMonths(scope.fromDay, scope.toDay);
  const bulk = scope.withoutBulk ? sql` and campaign_id is null` : sql``;
  const days = sql`day between ${scope.fromDay}::date and ${scope.toDay}::date`;
  if (first >= end) return sql`account_id = ${scope.accountId} and not month and ${days}${bulk}`;
  return sql`account_id = ${scope.accountId}${bulk} and (
      (month and day >= ${first}::date and day < ${end}::date)
      or (not month and ${days} and (day < ${first}::date or day >= ${end}::date)))`;
}

type Tally = { delivered: number; failed: number; awaiting: number; messages: number };

function add(tally: Tally, status: number, n: number) {
  if (status === STATUS.DELIVERED) tally.delivered += n;
  else if (FAILED.has(status)) tally.failed += n;
  else if (AWAITING.has(status)) tally.awaiting += n;
  else return;
  tally.messages += n;
}

function breakdown(key: string | null, t: Tally): Breakdown {
  const reported = t.delivered + t.failed;
  return { key, messages: t.messages, delivered: t.delivered, failed: t.failed, awaiting: t.awaiting, rate: reported ? t.delivered / reported : null };
}

const empty = (): Tally => ({ delivered: 0, failed: 0, awaiting: 0, messages: 0 });

/** Tallies by key; keys with nothing sent (only waiting or stopped messages) are left out. */
function grouped(rows: { key: string | null; status: number; n: number }[]): Map<string | null, Tally> {
  const groups = new Map<string | null, Tally>();
  for (const row of rows) {
    const tally = groups.get(row.key) ?? empty();
    add(tally, row.status, row.n);
    groups.set(row.key, tally);
  }
  for (const [key, tally] of groups) if (tally.messages === 0) groups.delete(key);
  return groups;
}

const byMessages = (a: Breakdown, b: Breakdown) => b.messages - a.messages || String(a.key).localeCompare(String(b.key));

type CountRow = { set: number; key: string | null; status: number; error_code: number | null; n: number };
type TimeRow = { network: string | null; delivered: boolean; bucket: number; n: number };

// delivery_outcome() of migration 0020, as a status that stands for it.
const OUTCOME_STATUS = [STATUS.DELIVERED, STATUS.UNDELIVERED, STATUS.SENT, STATUS.QUEUE];

/** The figures of a campaign (its id and account) or of the local days fromDay..toDay of an account. */
export async function loadInsights(scope: InsightScope, executor: Executor = db): Promise<Insights> {
  const filter = where(scope);
  // delivery_hour_counts has no campaign: the hours are for a whole account's period only.
  const byHour = !('campaignId' in scope) && !scope.withoutBulk;
  const [counts, times, hourRows] = await Promise.all([
    // One pass over the period's rows, four groupings (set 0: network, 1: sender, 2: country, 3: error code).
    executor.execute<CountRow>(sql`
      select case when grouping(network) = 0 then 0 when grouping(sender_name) = 0 then 1 when grouping(country) = 0 then 2 else 3 end as set,
             coalesce(network, sender_name, country) as key, status, error_code, sum(messages)::int as n
        from delivery_daily_counts where ${filter}
       group by grouping sets ((network, status), (sender_name, status), (country, status), (status, error_code))
      having sum(messages) <> 0`),
    executor.execute<TimeRow>(sql`
      select network, delivered, bucket, sum(messages)::int as n from delivery_time_counts
       where ${filter} group by network, delivered, bucket having sum(messages) <> 0`),
    !byHour
      ? Promise.resolve([] as { set: number; key: string; outcome: number; n: number }[])
      : // By day and by hour of the day, from the day rows of delivery_hour_counts (set 0: day, 1: hour).
        executor.execute<{ set: number; key: string; outcome: number; n: number }>(sql`
          select case when grouping(day) = 0 then 0 else 1 end as set, coalesce(day::text, hour::text) as key, outcome, sum(messages)::int as n
            from delivery_hour_counts
           where account_id = ${scope.accountId} and day between ${scope.fromDay}::date and ${scope.toDay}::date
           group by grouping sets ((day, outcome), (hour, outcome)) having sum(messages) <> 0`),
  ]);
  const rows = [...counts].map((r) => ({ ...r, set: Number(r.set), status: Number(r.status), n: Number(r.n) }));
  const set = (k: number) => rows.filter((r) => r.set === k);

  const totals = empty();
  const statuses = new Map<number, number>();
  const errors: ErrorFigure[] = [];
  for (const row of set(3)) {
    add(totals, row.status, row.n);
    statuses.set(row.status, (statuses.get(row.status) ?? 0) + row.n);
    const reason = failureReason(row.status, row.error_code === null ? null : Number(row.error_code));
    if (reason && row.status !== STATUS.STOP) {
      errors.push({ status: row.status, errorCode: row.error_code === null ? null : Number(row.error_code), ...reason, messages: row.n });
    }
  }
  errors.sort((a, b) => b.messages - a.messages || a.status - b.status || (a.errorCode ?? -1) - (b.errorCode ?? -1));

  const timeRows = [...times].map((r) => ({ network: r.network, delivered: r.delivered, bucket: Number(r.bucket), n: Number(r.n) }));
  const delivered = timeRows.filter((r) => r.delivered);
  const histogram = (list: TimeRow[]): Histogram => {
    const map = new Map<number, number>();
    for (const r of list) map.set(r.bucket, (map.get(r.bucket) ?? 0) + r.n);
    return map;
  };
  const overall = histogram(delivered);
  const count = delivered.reduce((sum, r) => sum + r.n, 0);

  const networks = [...grouped(set(0))].map(([key, tally]) => ({
    ...breakdown(key, tally),
    name: networkName(key),
    p50: percentile(histogram(delivered.filter((r) => r.network === key)), 0.5),
  }));
  const byOutcome = (k: number) =>
    grouped([...hourRows].filter((r) => Number(r.set) === k).map((r) => ({ key: String(r.key), status: OUTCOME_STATUS[Number(r.outcome)], n: Number(r.n) })));
  const hours = byOutcome(1);

  const stopped = statuses.get(STATUS.STOP) ?? 0;
  const queued = statuses.get(STATUS.QUEUE) ?? 0;
  const sent = totals.messages;
  return {
    totals: { ...breakdown(null, totals), sent, stopped, queued, awaitingShare: sent ? totals.awaiting / sent : null },
    statuses: [...statuses].map(([status, messages]) => ({ status, messages })).sort((a, b) => a.status - b.status),
    networks: networks.sort(byMessages),
    senders: [...grouped(set(1))].map(([key, t]) => breakdown(key, t)).sort(byMessages),
    countries: [...grouped(set(2))].map(([key, t]) => breakdown(key, t)).sort(byMessages),
    days: [...byOutcome(0)].map(([key, t]) => breakdown(key, t)).sort((a, b) => String(a.key).localeCompare(String(b.key))),
    hours: !byHour ? [] : Array.from({ length: 24 }, (_, hour) => breakdown(String(hour), hours.get(String(hour)) ?? empty())),
    errors,
    deliveryTime: { count, p50: percentile(overall, 0.5), p90: percentile(overall, 0.9), p99: percentile(overall, 0.99) },
    arrival: cumulativeShares(histogram(timeRows)),
  };
}

/** Recounts an account's deliverability rollups from its messages (after its time zone changed). */
export async function rebuildDeliveryCounts(accountId: number, executor: Executor = db): Promise<void> {
  await executor.execute(sql`select delivery_counts_rebuild(${accountId}::integer)`);
}

/** The figures of the whole local days from..to of the account (its time zone), validated as a custom report period. */
export async function loadPeriodInsights(accountId: number, days: { from: string; to: string }, now = new Date()) {
  const [account] = await db.select({ timeZone: accounts.timeZone }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new AppError('not_found');
  const period = resolvePeriod('custom', now, account.timeZone, days);
  return { period, timeZone: account.timeZone, insights: await loadInsights({ accountId, fromDay: period.fromDay, toDay: period.toDay }) };
}
