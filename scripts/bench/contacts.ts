import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { db } from '../../db';
import { createAccount, createUser } from '../../lib/accounts';
import { createContactField } from '../../lib/contacts/fields';
import { defaultContactFilters, parseSearch, type ContactFilters } from '../../lib/contacts/filters';
import { createContactGroup } from '../../lib/contacts/groups';
import { runImport } from '../../lib/contacts/import/run';
import { appendImportChunk, getImport, importPreview, queueImport, startImport } from '../../lib/contacts/import/upload';
import { IMPORT_CHUNK_BYTES } from '../../lib/contacts/limits';
import { listContacts } from '../../lib/contacts/list';

// npm run bench -- contacts: a CSV of BENCH_CONTACTS contacts (default 1,000,000; `;`-separated,
// Cyrillic names, a custom field) imported the way the portal does it (uploaded in slices, the
// job's COPY into staging and one set-based upsert), with the process's peak RSS growth; beside
// it, PostgreSQL's own COPY of the same file into a bare table and of the normalised rows into a
// table with the contacts' indexes (the limits). Then the contacts table's search at that size:
// by number prefix, by name and by group, p50/p95 of the whole page query.

const TOTAL = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const ROUNDS = 200;
const FIRST = ['Иван', 'Мария', 'Георги', 'Елена', 'Петър', 'Анна', 'Николай', 'Десислава', 'Стефан', 'Виктория', 'Ivan', 'Maria', 'Peter', 'Elena', 'Dimitar', 'Yana'];
const LAST = ['Иванов', 'Петрова', 'Георгиев', 'Димитрова', 'Николов', 'Стоянова', 'Тодоров', 'Кирова', 'Попов', 'Колева', 'Angelov', 'Hristova'];
const CITIES = ['София', 'Пловдив', 'Варна', 'Бургас', 'Русе', 'Стара Загора'];

/** A random-looking but reproducible permutation of 0..n-1 (numbers not in file order). */
const scatter = (i: number) => (i * 7_919 + 13) % 9_000_000;

async function writeFile(file: string): Promise<number> {
  const out = fs.createWriteStream(file);
  const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('Телефон;Име;Фамилия;Имейл;Град\n');
  let batch = '';
  for (let i = 0; i < TOTAL; i++) {
    const n = scatter(i);
    batch += `0888 ${String(1_000_000 + n).slice(1)};${FIRST[i % FIRST.length]};${LAST[(i * 7) % LAST.length]};contact${i}@example.bg;${CITIES[i % CITIES.length]}\n`;
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return (await fsp.stat(file)).size;
}

/** Peak RSS above the level before `work`, sampled every 50 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssGrowthMb: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRssGrowthMb: Math.round(((peak - base) / 1024 / 1024) * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The limits, PostgreSQL's own COPY: of the raw file into a bare table, and of the imported
 * (normalised) rows, copied out of contacts, into a table with the contacts' indexes.
 */
async function copyLimits(file: string, accountId: number): Promise<{ rawFileSeconds: number; indexedRowsSeconds: number }> {
  const [reader, writer] = [new pg.Client({ connectionString: process.env.DATABASE_URL }), new pg.Client({ connectionString: process.env.DATABASE_URL })];
  await Promise.all([reader.connect(), writer.connect()]);
  const copyInto = async (statement: string, source: NodeJS.ReadableStream) => {
    const started = performance.now();
    const target = writer.query(copyFrom(statement));
    await new Promise<void>((resolve, reject) => {
      target.on('finish', resolve);
      target.on('error', reject);
      source.on('error', reject);
      source.pipe(target);
    });
    return (performance.now() - started) / 1000;
  };
  try {
    await writer.query('create unlogged table bench_raw (phone text, first_name text, last_name text, email text, city text)');
    const rawFileSeconds = await copyInto(`copy bench_raw from stdin (format csv, delimiter ';', header true)`, fs.createReadStream(file));
    await writer.query('create table bench_indexed (like contacts including defaults including indexes)');
    const rows = reader.query(
      copyTo(`copy (select account_id, phone, first_name, last_name, email, custom_fields from contacts where account_id = ${Number(accountId)}) to stdout (format csv)`),
    );
    const indexedRowsSeconds = await copyInto('copy bench_indexed (account_id, phone, first_name, last_name, email, custom_fields) from stdin (format csv)', rows);
    return { rawFileSeconds, indexedRowsSeconds };
  } finally {
    await writer.query('drop table if exists bench_raw, bench_indexed').catch(() => {});
    await Promise.all([reader.end(), writer.end()]);
  }
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] * 100) / 100;
}

async function timeSearch(accountId: number, make: (i: number) => ContactFilters): Promise<{ p50: number; p95: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const page = await listContacts(accountId, make(i));
    times.push(performance.now() - started);
    rows += page.rows.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), rows: Math.round(rows / ROUNDS) };
}

export default async function contactsBench() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'contacts-bench-'));
  try {
    const file = path.join(dir, 'contacts.csv');
    const bytes = await writeFile(file);
    const account = await createAccount({ name: `Bench contacts ${Date.now()}` });
    const user = await createUser({ accountId: account.id, email: `bench.contacts.${Date.now()}@example.com`, password: 'bench password 123', role: 'owner' });
    await createContactField(account.id, { name: 'Град', type: 'text' });
    const group = await createContactGroup(account.id, 'Bench import');

    const started = performance.now();
    const { result, peakRssGrowthMb } = await withPeakRss(async () => {
      const id = await startImport(account.id, user.id, { name: 'contacts.csv', size: bytes });
      const handle = await fsp.open(file);
      const slice = Buffer.alloc(IMPORT_CHUNK_BYTES);
      for (let seq = 0; seq * IMPORT_CHUNK_BYTES < bytes; seq++) {
        const { bytesRead } = await handle.read(slice, 0, IMPORT_CHUNK_BYTES, seq * IMPORT_CHUNK_BYTES);
        await appendImportChunk(account.id, id, seq, slice.subarray(0, bytesRead));
      }
      await handle.close();
      const uploadSeconds = (performance.now() - started) / 1000;
      const row = (await getImport(account.id, id))!;
      const preview = await importPreview({ id: account.id, country: account.country }, row);
      await queueImport(account.id, id, {
        encoding: preview.encoding,
        delimiter: preview.delimiter,
        hasHeader: preview.hasHeader,
        mapping: { columns: preview.suggested },
        onDuplicate: 'update',
        groupId: group.id,
        optOutAll: false,
      });
      const jobStarted = performance.now();
      const outcome = await runImport(id);
      return { outcome, uploadSeconds, jobSeconds: (performance.now() - jobStarted) / 1000 };
    });
    const seconds = (performance.now() - started) / 1000;
    const limits = await copyLimits(file, account.id);

    await db.execute(sql`analyze contacts`);
    await db.execute(sql`analyze contact_group_members`);
    const small = await createContactGroup(account.id, 'Bench small');
    await db.execute(sql`
      insert into contact_group_members (group_id, contact_id)
      select ${small.id}::uuid, id from contacts where account_id = ${account.id} and first_name = 'Ivan' and last_name = 'Angelov'`);
    await db.execute(sql`analyze contact_group_members`);
    const country = account.country;
    const search = (text: string) => defaultContactFilters({ search: parseSearch(text, country) as ContactFilters['search'] });
    const prefixes = Array.from({ length: ROUNDS }, (_, i) => `0888 ${String(scatter(i * 4_999)).padStart(6, '0').slice(0, 1 + (i % 6))}`);
    const names = [...FIRST, ...LAST, 'contact12', 'Иван Петрова', 'zzz'];
    return {
      contacts: TOTAL,
      fileMb: Math.round((bytes / 1024 / 1024) * 10) / 10,
      import: {
        seconds: Math.round(seconds * 10) / 10,
        rowsPerSecond: Math.round(TOTAL / seconds),
        peakRssGrowthMb,
        uploadSeconds: Math.round(result.uploadSeconds * 10) / 10,
        jobSeconds: Math.round(result.jobSeconds * 10) / 10,
        outcome: result.outcome,
        limits: { postgresCopyRawFileSeconds: Math.round(limits.rawFileSeconds * 10) / 10, postgresCopyIndexedRowsSeconds: Math.round(limits.indexedRowsSeconds * 10) / 10 },
      },
      searchMs: {
        numberPrefix: await timeSearch(account.id, (i) => search(prefixes[i])),
        name: await timeSearch(account.id, (i) => search(names[i % names.length])),
        bigGroup: await timeSearch(account.id, () => defaultContactFilters({ groupId: group.id })),
        smallGroup: await timeSearch(account.id, () => defaultContactFilters({ groupId: small.id })),
        optedOut: await timeSearch(account.id, () => defaultContactFilters({ optedOut: true })),
      },
    };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
