import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, withDatabase } from '@/tests/database';
import { startAppProcess } from './app-process';

// Many machines on one PostgreSQL, on one machine: `npm start` with 2 web processes and no job
// workers, and 3 `npm run worker` processes, on a database of their own. A 100,000-recipient
// campaign is sent through the API and report files are asked for; the worker dispatching the
// campaign is killed with SIGKILL mid-way. The two left take over (their once-a-minute recovery),
// every message is handed to the gateway at most once, every report is made, and the ledger adds up.

const root = path.resolve(import.meta.dirname, '..');
const RECIPIENTS = 100_000;
const RATE = 5_000; // a batch: the most a kill can leave claimed and not handed over
const USER = { email: 'ops@scale.test', password: 'scale-password-2026' };
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-'));

let databaseUrl: string;
let sql: postgres.Sql;
let web: ChildProcess;
let webOutput = '';
let base: string;
let token: string;
const workers: { child: ChildProcess; log: string; output: string }[] = [];

const run = promisify(execFile);
async function admin(...args: string[]) {
  const { stdout } = await run('npm', ['run', '--silent', 'admin', '--', ...args, '--json'], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } });
  return JSON.parse(stdout.trim());
}

function startWorker(n: number) {
  const log = path.join(logDir, `handed-over-${n}.log`);
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, SIMULATOR_LOG: log, SIMULATOR_DELAY_SCALE: '0.05', WORKER_STALL_SECONDS: '2', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker = { child, log, output: '' };
  child.stdout!.on('data', (chunk) => (worker.output += chunk));
  child.stderr!.on('data', (chunk) => (worker.output += chunk));
  workers.push(worker);
  return worker;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s.\nweb:\n${webOutput.slice(-3000)}\n${workers.map((w) => w.output.slice(-2000)).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const handedOver = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

beforeAll(async () => {
  databaseUrl = await createTestDatabase(withDatabase(inject('databaseUrl'), 'postgres'), `e2e_scale_${randomBytes(4).toString('hex')}`);
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  await admin('account:create', '--name', 'ScaleCo', '--points', '200000');
  await admin('user:create', '--account', 'ScaleCo', '--email', USER.email, '--password', USER.password, '--role', 'owner', '--language', 'en');
  await admin('sender:add', '--account', 'ScaleCo', '--name', 'ScaleCo');
  token = (await admin('token:create', '--email', USER.email)).token;

  ({ app: web, baseUrl: base } = await startAppProcess(
    databaseUrl,
    { SEED_DEMO: '0', WORKER: '0', WEB_PROCESSES: '2', LOG_FORMAT: 'json' },
    (chunk) => (webOutput += chunk),
    { detached: true },
  ));
  for (let n = 1; n <= 3; n++) startWorker(n);
  await until('the app listens', async () => (webOutput.includes('(2 web processes)') ? true : undefined), 300);
  await until('the 3 workers run', async () => (workers.every((w) => w.output.includes('Worker running')) ? true : undefined), 120);
}, 420_000);

afterAll(async () => {
  for (const { child } of workers) if (child.exitCode === null) child.kill('SIGKILL');
  if (web?.pid && web.exitCode === null) process.kill(-web.pid, 'SIGKILL');
  await sql?.end();
  if (databaseUrl) {
    const server = postgres(withDatabase(databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
    await server.unsafe(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`);
    await server.end();
  }
});

describe('2 web processes and 3 workers on one database', () => {
  it('send a 100,000-recipient campaign and make reports across a worker killed mid-way: each message handed over at most once, nothing left behind', async () => {
    const api = (pathname: string, init: RequestInit = {}) =>
      fetch(`${base}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    const to = Array.from({ length: RECIPIENTS }, (_, i) => `+35988${String(2_000_000 + i).padStart(7, '0')}`);
    const created = await api('/api/campaigns', { method: 'POST', body: JSON.stringify({ from: 'ScaleCo', message: 'Scale-out test', to, rate: RATE, guard: false }) });
    expect(created.status).toBe(201);
    const campaignId = ((await created.json()) as { id: string }).id;

    // Report files asked for while the campaign sends: a detailed and a short CSV, a short PDF.
    const [{ account_id: accountId, user_id: userId }] = await sql<{ account_id: number; user_id: number }[]>`
      select a.id as account_id, u.id as user_id from accounts a join users u on u.account_id = a.id where a.name = 'ScaleCo'`;
    const runIds: string[] = [];
    for (const [type, format] of [['detailed', 'csv'], ['short', 'csv'], ['short', 'pdf']] as const) {
      const [{ id }] = await sql<{ id: string }[]>`
        with d as (
          insert into report_definitions (account_id, user_id, name, method, type, format, options)
          values (${accountId}, ${userId}, ${`Scale ${type} ${format}`}, 'once', ${type}, ${format},
                  ${sql.json({ includeBulk: true, includeContent: true, idx: false, contacts: false, shortLinks: false, language: 'en' })})
          returning id)
        insert into report_runs (definition_id, account_id, period_start, period_end)
        select d.id, ${accountId}, now() - interval '1 day', now() + interval '1 day' from d returning id`;
      await sql`select graphile_worker.add_job('report:generate', json_build_object('runId', ${id}::text), job_key => ${`report:${id}`})`;
      runIds.push(id);
    }

    // A third of the way, the worker dispatching the campaign now (its simulator log grows: each
    // 5-second slice of the dispatch is a job of its own, which any worker may take) is killed.
    await until('a third is handed over', async () => (workers.flatMap((w) => handedOver(w.log)).length >= RECIPIENTS / 3 ? true : undefined), 120);
    const dispatcher = await until(
      'a worker dispatching',
      async () => {
        const before = workers.map((w) => handedOver(w.log).length);
        await new Promise((r) => setTimeout(r, 300));
        return workers.find((w, i) => handedOver(w.log).length > before[i]);
      },
      60,
    );
    dispatcher.child.kill('SIGKILL');
    await new Promise((resolve) => dispatcher.child.once('exit', resolve));
    const atKill = handedOver(dispatcher.log).length;
    expect(atKill).toBeLessThan(RECIPIENTS);

    // The other two take it over (their recovery runs every minute) and finish it.
    const campaign = await until(
      'the campaign completes',
      async () => {
        const reply = (await (await api(`/api/campaigns/${campaignId}`)).json()) as { status: string };
        return reply.status === 'completed' ? reply : undefined;
      },
      180,
    );
    expect(campaign.status).toBe('completed');
    const others = workers.filter((w) => w !== dispatcher);
    expect(others.some((w) => handedOver(w.log).length > 0)).toBe(true);

    const all = workers.flatMap((w) => handedOver(w.log));
    console.log(`handed over: ${workers.map((w) => handedOver(w.log).length).join(' + ')} = ${all.length} (the killed one: ${atKill})`);
    expect(new Set(all).size).toBe(all.length);
    // At most the batch in flight at the kill was claimed and never handed over.
    expect(all.length).toBeGreaterThanOrEqual(RECIPIENTS - RATE);
    expect(all.length).toBeLessThanOrEqual(RECIPIENTS);
    const [mine] = await sql<{ n: number; waiting: number }[]>`
      select count(*) filter (where m.campaign_id = ${campaignId})::int as n,
             (select count(*)::int from messages where campaign_id = ${campaignId} and status = 409) as waiting
        from unnest(${`{${all.join(',')}}`}::bigint[]) h(id) join messages m on m.id = h.id`;
    expect(mine).toEqual({ n: all.length, waiting: 0 });

    // Every report made, whichever worker took it (a run left by the killed one is picked up again).
    const runs = await until(
      'the reports are ready',
      async () => {
        const rows = await sql<{ status: string; rows_done: number; size_bytes: number }[]>`
          select status, rows_done::int, size_bytes::int from report_runs where id in ${sql(runIds)} order by array_position(${runIds}::uuid[], id)`;
        return rows.every((r) => r.status === 'ready') ? rows : undefined;
      },
      180,
    );
    expect(runs[0].rows_done).toBe(RECIPIENTS);
    expect(runs.every((r) => r.size_bytes > 0)).toBe(true);

    // The ledger: the balance is the sum of the entries, and the campaign's debit less its refunds.
    const [ledger] = await sql<{ balance: string; sum: string }[]>`
      select a.balance::text, (select sum(amount) from ledger_entries l where l.account_id = a.id)::text as sum from accounts a where a.id = ${accountId}`;
    expect(ledger.balance).toBe(ledger.sum);
  }, 600_000);
});
