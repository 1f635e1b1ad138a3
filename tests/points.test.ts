import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { accounts, emailOutbox, messages } from '@/db/schema';
import { createUser } from '@/lib/accounts';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { stopCampaign } from '@/lib/campaigns';
import { localDay } from '@/lib/calendar';
import { applySendOutcomes } from '@/lib/gateway/reports';
import { addPoints } from '@/lib/ledger';
import { POINT_UNITS } from '@/lib/messaging';
import { planSend, submitSend, type SendInput } from '@/lib/messaging/send';
import { STATUS } from '@/lib/messaging/statuses';
import { entriesCsvQuery, entriesPageQuery, listEntries, reconciliation } from '@/lib/points/entries';
import { PgDialect } from 'drizzle-orm/pg-core';
import { parseThreshold, thresholdText } from '@/lib/points/low-balance';
import { mailLowBalance } from '@/lib/points/low-balance-mail';
import { SPEND_DIMENSIONS, spendBy, spendQueries, type SpendDimension } from '@/lib/points/spend';
import { daySpan } from '@/lib/calendar';
import { copyable } from '@/lib/files/copyable';
import { saveLowBalanceThreshold } from '@/app/(app)/points/actions';
import { makeAccount, PASSWORD } from './fixtures/accounts';
import { allEntriesSum } from './fixtures/ledger';
import { session } from './fixtures/session';

// The session cookie is the one stand-in; the gate's translations and the request's headers are Next's.
vi.mock('@/lib/auth', () => import('./fixtures/session'));
vi.mock('next-intl/server', () => ({ getLocale: async () => 'en' }));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.55' }) }));

type Account = Awaited<ReturnType<typeof makeAccount>>;

const send = async (input: SendInput) => submitSend(await planSend(input));
const base = (a: Account, extra: Partial<SendInput>): SendInput => ({
  accountId: a.account.id,
  userId: a.user.id,
  source: 'portal',
  sender: a.account.name.replace(/\W+/g, '').slice(0, 11),
  content: 'Hello',
  recipients: ['+359888000001'],
  ...extra,
});

/** What the period's messages cost, straight from messages and the refund entries naming them. */
async function directSpend(accountId: number, dimension: SpendDimension, period: { start: Date; end: Date }) {
  const key = { campaign: 'm.campaign_id::text', sender: 'm.sender_name', user: 'm.user_id::text', country: 'm.country', source: 'm.source::text' }[dimension];
  const rows = await db.execute<{ k: string | null; points: string; n: string }>(sql`
    select ${sql.raw(key)} as k, (sum(m.points) - coalesce(sum(r.amount), 0))::text as points,
           (count(*) filter (where m.status <> ${STATUS.STOP} and r.id is null))::text as n
      from messages m left join ledger_entries r on r.kind = 'refund' and r.message_id = m.id
     where m.account_id = ${accountId} and m.created_at >= ${period.start.toISOString()}::timestamptz and m.created_at < ${period.end.toISOString()}::timestamptz
     group by 1`);
  return new Map(rows.map((r) => [r.k, { points: Number(r.points), messages: Number(r.n) }]));
}

/** The same from the ledger alone: the period's debits less every refund of its campaigns and messages. */
async function ledgerSpend(accountId: number, period: { start: Date; end: Date }): Promise<number> {
  const [row] = await db.execute<{ net: string }>(sql`
    with p as (select ${period.start.toISOString()}::timestamptz as s, ${period.end.toISOString()}::timestamptz as e)
    select (-(select coalesce(sum(amount), 0) from ledger_entries, p where account_id = ${accountId} and kind = 'debit' and created_at >= p.s and created_at < p.e)
            - (select coalesce(sum(le.amount), 0) from ledger_entries le, p where le.account_id = ${accountId} and le.kind = 'refund'
                 and (le.campaign_id in (select id from campaigns c where c.account_id = ${accountId} and c.created_at >= p.s and c.created_at < p.e)
                   or le.message_id in (select id from messages m where m.account_id = ${accountId} and m.created_at >= p.s and m.created_at < p.e))))::text as net`);
  return Number(row.net);
}

describe('points: entries, spend and reconciliation', () => {
  let a: Account;
  let other: Account;
  let member: { id: number };

  beforeAll(async () => {
    a = await makeAccount('Points A', 1000);
    other = await makeAccount('Points B', 1000);
    member = await createUser({ accountId: a.account.id, email: 'points.member@example.com', password: PASSWORD, role: 'member' });
    // Single messages from two users and both sources, to two countries.
    await send(base(a, { recipients: ['+359888000001'] }));
    await send(base(a, { userId: member.id, source: 'api', recipients: ['+359888000002', '+12025550123'] }));
    const refused = await send(base(a, { recipients: ['+359888000003'] }));
    // A campaign; one of its messages refused by the gateway (refunded alone).
    const full = await send(base(a, { recipients: ['+359888000010', '+359888000011', '+359888000012'], campaign: { name: 'Full', rate: 10 } }));
    // A campaign stopped after one message went out: the rest is refunded.
    const stopped = await send(base(a, { userId: member.id, recipients: ['+359888000020', '+359888000021', '+359888000022', '+12025550124'], campaign: { name: 'Stopped', rate: 10 } }));
    const [firstOfStopped] = await db.select({ id: messages.id }).from(messages).where(eq(messages.campaignId, stopped.campaignId!)).orderBy(messages.id).limit(1);
    await db.update(messages).set({ status: STATUS.SENT, sentAt: new Date() }).where(eq(messages.id, firstOfStopped.id));
    expect((await stopCampaign(a.account.id, stopped.campaignId!, member.id)).ok).toBe(true);
    await applySendOutcomes([
      { id: refused.messageIds[0], accepted: false, status: STATUS.REJECTED, errorCode: 13 },
      { id: full.messageIds[1], accepted: false, status: STATUS.FAILED, errorCode: 8 },
    ]);
    await addPoints({ accountId: a.account.id, amount: -POINT_UNITS, note: 'Correction' });
    await send(base(other, { recipients: ['+359888000099'] }));
  });

  const today = () => daySpan(localDay(new Date(), 'Europe/Sofia'), localDay(new Date(), 'Europe/Sofia'), 'Europe/Sofia');

  it('pages every entry of the account once, newest first, and only its own', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let previous: { at: number; id: number } | null = null;
    do {
      const page = await listEntries(a.account.id, { kind: null, period: null }, cursor, 3);
      for (const row of page.rows) {
        const at = row.createdAt.getTime();
        if (previous) expect(at < previous.at || (at === previous.at && row.id < previous.id)).toBe(true);
        previous = { at, id: row.id };
        seen.push(row.id);
      }
      cursor = page.older;
    } while (cursor);
    const all = await db.execute<{ id: string }>(sql`select id::text from ledger_entries where account_id = ${a.account.id}`);
    expect([...seen].sort((x, y) => x - y)).toEqual(all.map((r) => Number(r.id)).sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(seen.length);
    // The other account's cursor shape gives nothing of A's.
    const mine = await listEntries(other.account.id, { kind: null, period: null }, null);
    expect(mine.rows.every((row) => !seen.includes(row.id))).toBe(true);
  });

  it('says what caused each entry: the campaign, the single message, the user', async () => {
    const { rows } = await listEntries(a.account.id, { kind: null, period: today() }, null);
    const campaignDebits = rows.filter((r) => r.kind === 'debit' && r.campaign);
    expect(campaignDebits.map((r) => r.campaign!.title).sort()).toEqual(['Full', 'Stopped']);
    const single = rows.filter((r) => r.kind === 'debit' && !r.campaign);
    // The one-message sends name their message; the two-message send names none.
    expect(single.filter((r) => r.messageId !== null)).toHaveLength(2);
    const refunds = rows.filter((r) => r.kind === 'refund');
    expect(refunds).toHaveLength(3);
    expect(refunds.filter((r) => r.messageId !== null)).toHaveLength(2);
    expect(rows.find((r) => r.kind === 'refund' && r.campaign?.title === 'Stopped')?.user?.id).toBe(member.id);
    const kinds = await listEntries(a.account.id, { kind: 'adjustment', period: today() }, null);
    expect(kinds.rows.map((r) => r.note)).toEqual(['Correction']);
  });

  it('reads a page from the (account_id, created_at) index, in its order', async () => {
    // A ledger of 40,000 entries over a year (top-ups and corrections that cancel out), analysed.
    const many = await makeAccount('Points Many', 0);
    await db.execute(sql`
      insert into ledger_entries (account_id, kind, amount, note, created_at)
      select ${many.account.id}, case when g % 2 = 0 then 'top_up' else 'adjustment' end::ledger_kind, case when g % 2 = 0 then 1 else -1 end,
             'bulk', now() - make_interval(mins => g / 2 * 13)
        from generate_series(0, 39999) g`);
    await db.execute(sql`analyze ledger_entries`);
    const first = await listEntries(many.account.id, { kind: null, period: null }, null, 50);
    expect(first.older).not.toBeNull();
    for (const [filters, cursor] of [
      [{ kind: null, period: null }, null],
      [{ kind: 'adjustment', period: null }, first.older],
      [{ kind: null, period: today() }, first.older],
    ] as const) {
      const { sql: text, params } = new PgDialect().sqlToQuery(entriesPageQuery(many.account.id, filters, cursor, 50));
      const plan = await db.execute<{ 'QUERY PLAN': string }>(sql.raw(`explain ${inline(text, params)}`));
      const lines = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(lines).toMatch(/Index Scan using ledger_entries_account_idx on ledger_entries le/);
      // Ordered by the index; only ties of one instant are sorted by id (Incremental Sort), never the whole range.
      expect(lines).not.toMatch(/->\s+Sort\b/);
    }
  });

  it('spends by campaign, sender, user, country and source exactly what messages and the ledger say', async () => {
    const period = today();
    const ledger = await ledgerSpend(a.account.id, period);
    expect(ledger).toBeGreaterThan(0);
    for (const zone of ['Europe/Sofia', 'Asia/Kolkata']) {
      const span = daySpan(period.fromDay, period.toDay, zone);
      for (const dimension of SPEND_DIMENSIONS) {
        const spend = await spendBy(a.account.id, dimension, span, zone);
        const direct = await directSpend(a.account.id, dimension, span);
        expect(new Map(spend.rows.map((r) => [r.key, { points: r.points, messages: r.messages }])), `${dimension} in ${zone}`).toEqual(direct);
        expect(spend.total.points).toBe(await ledgerSpend(a.account.id, span));
      }
    }
    const bySource = await spendBy(a.account.id, 'source', period, 'Europe/Sofia');
    expect(bySource.total.points).toBe(ledger);
    // Stopped and refunded messages are not counted: 1 + 2 + 0 single, 2 of Full, 1 of Stopped.
    expect(bySource.total.messages).toBe(6);
    const byCampaign = await spendBy(a.account.id, 'campaign', period, 'Europe/Sofia');
    expect(byCampaign.rows.find((r) => r.label === 'Stopped')).toMatchObject({ messages: 1, points: 650 });
  });

  it('reads the breakdowns from indexes and the rollups, never a scan of the table', async () => {
    // 30,000 messages of another account over a month, 1 in 50 refused and refunded, analysed.
    const big = await makeAccount('Points Big', 0);
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source, created_at)
      select ${big.account.id}, 'PointsBig', '+35988' || (1000000 + g), case when g % 3 = 0 then 'US' else 'BG' end, 'x', 'gsm7', 1, 650,
             case when g % 50 = 0 then ${STATUS.REJECTED}::smallint else ${STATUS.DELIVERED}::smallint end, case when g % 2 = 0 then 'api' else 'portal' end::message_source,
             now() - make_interval(secs => g * 90)
        from generate_series(1, 30000) g`);
    await db.execute(sql`analyze messages`);
    await db.execute(sql`analyze message_hourly_counts`);
    const period = daySpan(localDay(new Date(Date.now() - 7 * 86_400_000), 'Europe/Sofia'), localDay(new Date(), 'Europe/Sofia'), 'Europe/Sofia');
    const plan = async (query: ReturnType<typeof spendQueries>['gross']) => {
      const { sql: text, params } = new PgDialect().sqlToQuery(query);
      return (await db.execute<{ 'QUERY PLAN': string }>(sql.raw(`explain ${inline(text, params)}`))).map((r) => r['QUERY PLAN']).join('\n');
    };
    for (const dimension of SPEND_DIMENSIONS) {
      const { gross, refunds } = spendQueries(big.account.id, dimension, period, 'Europe/Sofia');
      const grossPlan = await plan(gross);
      expect(grossPlan, dimension).not.toMatch(/Seq Scan on messages/);
      if (dimension === 'source') expect(grossPlan).toMatch(/message_hourly_counts/);
      if (dimension === 'campaign') expect(grossPlan).toMatch(/campaigns_account_created_idx/);
      const refundPlan = await plan(refunds);
      // Either side may lead (the account's refused messages, or the few refund entries), both by index.
      expect(refundPlan, dimension).not.toMatch(/Seq Scan on (messages|ledger_entries)/);
    }
  });

  it('reconciles: the sum of every entry is the balance', async () => {
    const totals = await reconciliation(a.account.id);
    const [row] = await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, a.account.id));
    expect(totals).toEqual({ balance: row.balance, entriesSum: row.balance, difference: 0 });
    expect(await allEntriesSum(a.account.id)).toBe(row.balance);
  });

  it('writes the entries CSV with translated headers and the period filter', async () => {
    const { query } = entriesCsvQuery(a.account.id, { kind: 'refund', period: today() }, 'bg');
    const { text, settings } = copyable(query, 'points_test');
    const rows = await db.transaction(async (tx) => {
      for (const [name, value] of Object.entries(settings)) await tx.execute(sql`select set_config(${name}, ${value}, true)`);
      return tx.execute<Record<string, string>>(sql.raw(text));
    });
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0])).toEqual(['Номер на запис', 'Дата', 'Запис', 'Точки', 'Номер на кампания', 'Кампания', 'Номер на съобщение', 'Потребител', 'Бележка']);
    expect(rows.every((r) => r['Запис'] === 'Възстановяване')).toBe(true);
  });
});

describe('points: the low-balance warning', () => {
  const lowBalanceJobs = async (accountId: number) =>
    db.execute<{ payload: { accountId: number; warnedAt: string } }>(sql`
      select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
       where t.identifier = 'points:low-balance' and (j.payload->>'accountId')::int = ${accountId}`);
  const outbox = async (accountId: number) => db.select().from(emailOutbox).where(eq(emailOutbox.accountId, accountId));

  it('queues one e-mail per crossing under concurrent debits, and again after a top-up and a new crossing', async () => {
    const a = await makeAccount('Points Low', 2);
    await db.update(accounts).set({ lowBalanceThreshold: POINT_UNITS }).where(eq(accounts.id, a.account.id));
    // 20 sends of 0.065 points from 2 points: the 16th takes the balance below 1.
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => send(base(a, { recipients: [`+3598880001${String(i).padStart(2, '0')}`] }))));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const jobs = await lowBalanceJobs(a.account.id);
    expect(jobs).toHaveLength(1);
    const [{ payload }] = jobs;
    expect(await mailLowBalance(a.account.id, payload.warnedAt)).toBe(1);
    expect(await mailLowBalance(a.account.id, payload.warnedAt)).toBe(0);
    const [mail] = await outbox(a.account.id);
    expect(mail.to).toEqual([a.user.email]);
    expect(mail.text).toContain('/points');
    expect(mail.subject).toContain('0.7');

    // Back above: the stamp is cleared; the next crossing warns again.
    await addPoints({ accountId: a.account.id, amount: POINT_UNITS });
    const [cleared] = await db.select({ warnedAt: accounts.lowBalanceWarnedAt }).from(accounts).where(eq(accounts.id, a.account.id));
    expect(cleared.warnedAt).toBeNull();
    await Promise.all(Array.from({ length: 15 }, (_, i) => send(base(a, { recipients: [`+3598880002${String(i).padStart(2, '0')}`] }))));
    const again = await lowBalanceJobs(a.account.id);
    expect(again).toHaveLength(2);
    const second = again.find((j) => j.payload.warnedAt !== payload.warnedAt)!;
    expect(await mailLowBalance(a.account.id, second.payload.warnedAt)).toBe(1);
    expect(await outbox(a.account.id)).toHaveLength(2);
  });

  it('does nothing when the threshold is off', async () => {
    const a = await makeAccount('Points Off', 1);
    await send(base(a, { recipients: ['+359888000300'] }));
    expect(await lowBalanceJobs(a.account.id)).toHaveLength(0);
    const [row] = await db.select({ warnedAt: accounts.lowBalanceWarnedAt }).from(accounts).where(eq(accounts.id, a.account.id));
    expect(row.warnedAt).toBeNull();
  });

  it('lets only an owner set the threshold, validated, and audits it', async () => {
    const a = await makeAccount('Points Owner', 10);
    const member = await createUser({ accountId: a.account.id, email: 'points.owner.member@example.com', password: PASSWORD, role: 'member' });
    const form = (threshold: string) => {
      const data = new FormData();
      data.set('threshold', threshold);
      return data;
    };
    const threshold = async () => (await db.select({ t: accounts.lowBalanceThreshold }).from(accounts).where(eq(accounts.id, a.account.id)))[0].t;

    session.user = await loadSessionUser(member.id, await startSession(member.id));
    expect(await saveLowBalanceThreshold(null, form('5'))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await threshold()).toBeNull();

    session.user = await loadSessionUser(a.user.id, await startSession(a.user.id));
    for (const bad of ['-1', '0', 'abc', '1.23456', '1'.repeat(30)]) {
      expect(await saveLowBalanceThreshold(null, form(bad)), bad).toMatchObject({ ok: false, code: 'threshold_invalid' });
    }
    expect(await threshold()).toBeNull();
    expect(await saveLowBalanceThreshold(null, form('12,5'))).toMatchObject({ ok: true });
    expect(await threshold()).toBe(125_000);
    // The field shows it back as it reads it: the locale's decimal mark, no thousands separators.
    expect([thresholdText(125_000, 'bg'), thresholdText(125_000, 'en'), thresholdText(12_345_000_000, 'en')]).toEqual(['12,5', '12.5', '1234500']);
    expect(parseThreshold(thresholdText(12_345_000_000, 'en'))).toBe(12_345_000_000);
    expect(await saveLowBalanceThreshold(null, form(''))).toMatchObject({ ok: true });
    expect(await threshold()).toBeNull();
    const events = await db.execute<{ details: { from: number | null; to: number | null }; ip: string }>(sql`
      select details, ip from audit_events where account_id = ${a.account.id} and action = 'account.low_balance_threshold' order by id`);
    expect(events.map((e) => e.details)).toEqual([
      { from: null, to: 125_000 },
      { from: 125_000, to: null },
    ]);
    session.user = null;
  });
});

/** A query's parameters written in, for EXPLAIN (numbers as they are, text quoted). */
function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}
