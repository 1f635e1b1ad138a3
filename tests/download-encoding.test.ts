import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { reportFileChunks, reportRuns } from '@/db/schema';
import { loadSessionUser, startSession, type SessionUser } from '@/lib/auth/session-user';
import { createReport } from '@/lib/reports/definitions';
import { CAMPAIGN_CSV_PLAN, campaignCsvQuery } from '@/lib/campaigns/delivery-report/csv';
import { binaryCopyValues } from '@/lib/files/binary-copy';
import { inChunks, storeRunFile } from '@/lib/reports/run-file';
import { GET as download } from '@/app/(app)/reports/runs/[id]/download/route';
import { makeAccount } from './fixtures/accounts';
import { session } from './fixtures/session';

// Downloads near the database's speed: the campaign CSV's COPY streams from an index range scan
// (no sort first), a stored report file is read back in binary, exactly, with its length (as
// Content-Length and as the header the server turns into one, since Next.js drops the first).
// Real database and COPY; the session cookie is the one stand-in. Through the server (gzip,
// the length on the wire): e2e/downloads.test.ts.
vi.mock('@/lib/auth', () => import('./fixtures/session'));

const MESSAGES = 3000;
let owner: SessionUser;
let campaignId: string;

beforeAll(async () => {
  const { account, user } = await makeAccount('Encoding A');
  owner = (await loadSessionUser(user.id, await startSession(user.id)))!;
  const [campaign] = await db.execute<{ id: string }>(sql`
    insert into campaigns (account_id, user_id, name, sender_name, content, encoding, parts, status, recipients, points)
    values (${account.id}, ${user.id}, 'Encoding', 'EncodingA', 'Здравейте', 'ucs2', 1, 'completed', ${MESSAGES}, ${MESSAGES * 650})
    returning id`);
  campaignId = campaign.id;
  await db.execute(sql`
    insert into messages (account_id, campaign_id, user_id, sender_name, recipient, country, content, encoding, parts, points, status, source, idx, sent_at, done_at)
    select ${account.id}, ${campaignId}::uuid, ${user.id}, 'EncodingA', '+35988' || (1000000 + g), 'BG',
           'Здравейте, "клиент" № ' || g || case when g % 7 = 0 then E'\r\nред 2' else '' end, 'ucs2', 1, 650, 404, 'portal',
           case when g % 5 = 0 then '=cmd|' || g end, now(), now()
      from generate_series(1, ${MESSAGES}) g`);
});

describe('campaign CSV plan', () => {
  it('is an ordered range scan of the campaign index under its settings: no sort before the first row', async () => {
    // Ten times as many other messages, so that the campaign is a small part of the table.
    const { account } = await makeAccount('Encoding other');
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source)
      select ${account.id}, 'Other', '+35988' || (3000000 + g), 'BG', 'Other', 'gsm7', 1, 650, 404, 'api' from generate_series(1, ${MESSAGES * 10}) g`);
    // And as many of the owner's own, sent after the campaign: its whole history is no way to it.
    await db.execute(sql`
      insert into messages (account_id, sender_name, recipient, country, content, encoding, parts, points, status, source)
      select ${owner.account.id}, 'Other', '+35988' || (4000000 + g), 'BG', 'Other', 'gsm7', 1, 650, 404, 'api' from generate_series(1, ${MESSAGES * 10}) g`);
    await db.execute(sql`analyze messages`);
    const plan = await db.transaction(async (tx) => {
      for (const [name, value] of Object.entries(CAMPAIGN_CSV_PLAN)) await tx.execute(sql`select set_config(${name}, ${value}, true)`);
      const [row] = await tx.execute<{ 'QUERY PLAN': unknown }>(sql.raw(`explain (format json) ${campaignCsvQuery({ campaignId, accountId: owner.account.id })}`));
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Index Name":"messages_campaign_created_idx"');
    expect(plan).not.toMatch(/"Node Type":"(Sort|Incremental Sort|Seq Scan|Bitmap Heap Scan)"/);
  });
});

describe('stored report download', () => {
  /** A ready one-off PDF run whose stored file is `file`, in uneven chunks. */
  const storedRun = async (name: string, file: Buffer): Promise<string> => {
    const { runId } = await createReport(
      owner.account.id,
      owner.id,
      { method: 'once', period: { kind: 'custom', from: '2026-03-01', to: '2026-03-31' }, type: 'short', format: 'pdf', name },
      new Date('2026-04-05T10:00:00Z'),
    );
    await db.update(reportRuns).set({ status: 'generating' }).where(eq(reportRuns.id, runId!));
    expect(await storeRunFile(runId!, { chunks: inChunks(file, 65_537), rows: () => 0, fileName: name, contentType: 'application/pdf' })).toBe('ready');
    return runId!;
  };

  it('serves the stored bytes exactly, every byte value and many chunks, with their Content-Length', async () => {
    // Not text: every byte value, invalid UTF-8 and NULs, in uneven chunks.
    const file = Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x5c, 0x78]), randomBytes(300_000)]);
    const runId = await storedRun('Binary', file);

    session.user = owner;
    const response = await download(new Request(`http://localhost/reports/runs/${runId}/download`, { headers: { 'accept-encoding': 'gzip' } }), {
      params: Promise.resolve({ id: runId }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(file.length));
    expect(response.headers.get('x-file-length')).toBe(String(file.length));
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(file);
  });

  it('errors the download, rather than ending it short, when the stored chunks are gone', async () => {
    const runId = await storedRun('Gone', randomBytes(200_000));
    await db.delete(reportFileChunks).where(eq(reportFileChunks.runId, runId));
    session.user = owner;
    const response = await download(new Request(`http://localhost/reports/runs/${runId}/download`), { params: Promise.resolve({ id: runId }) });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });
});

describe('binary COPY values', () => {
  // A binary COPY of one bytea column as PostgreSQL writes it: header (with an extension), rows, end marker.
  const copyOf = (values: (Buffer | null)[], extension = Buffer.from([1, 2, 3])) => {
    const header = Buffer.alloc(19);
    header.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
    header.writeUInt32BE(extension.length, 15);
    const rows = values.map((value) => {
      const row = Buffer.alloc(6);
      row.writeInt16BE(1, 0);
      row.writeInt32BE(value ? value.length : -1, 2);
      return value ? Buffer.concat([row, value]) : row;
    });
    return Buffer.concat([header, extension, ...rows, Buffer.from([0xff, 0xff])]);
  };
  const read = async (copy: Buffer, pieces: number[]) => {
    async function* parts() {
      let at = 0;
      for (let i = 0; at < copy.length; i++) {
        const size = pieces[i % pieces.length];
        yield copy.subarray(at, at + size);
        at += size;
      }
    }
    const out: Uint8Array[] = [];
    for await (const piece of binaryCopyValues(parts())) out.push(piece);
    return Buffer.concat(out);
  };

  it('joins the values in order however the bytes arrive, NULLs and empty values adding nothing', async () => {
    const values: (Buffer | null)[] = [randomBytes(1000), null, Buffer.alloc(0), randomBytes(70_000), Buffer.from([0xff, 0xff, 0, 0])];
    const copy = copyOf(values);
    const whole = Buffer.concat(values.flatMap((v) => (v ? [v] : [])));
    for (const pieces of [[1], [2, 3], [7], [19, 1, 4096], [copy.length]]) expect(await read(copy, pieces)).toEqual(whole);
  });

  it('fails on data cut before its end marker, and on what is not a binary COPY', async () => {
    const copy = copyOf([randomBytes(500)]);
    await expect(read(copy.subarray(0, copy.length - 2), [64])).rejects.toThrow('binary COPY cut short');
    await expect(read(Buffer.from('not a copy at all, longer than a header'), [8])).rejects.toThrow('not a binary COPY');
  });
});
