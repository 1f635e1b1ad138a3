import client from 'prom-client';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { enqueue } from '@/lib/jobs';
import { acceptedRequestId, opsContext } from '@/lib/ops/context';
import { readiness } from '@/lib/ops/health';
import { asText } from '@/lib/ops/log';
import { exposition, routeLabel } from '@/lib/ops/metrics';
import { presentsMetricsToken } from '@/scripts/ops-endpoints';

const payloadOf = async (task: string) =>
  (
    await db.execute<{ payload: Record<string, unknown> }>(sql`
      select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
       where t.identifier = ${task} order by j.id desc limit 1`)
  )[0]?.payload;

describe('request ids', () => {
  it('go with the jobs queued while handling the request, and only then', async () => {
    await opsContext.run({ requestId: 'req-42' }, () => enqueue(db, 'maintenance:prune', { extra: 1 }));
    expect(await payloadOf('maintenance:prune')).toEqual({ extra: 1, requestId: 'req-42' });
    await enqueue(db, 'contacts:prune-imports', {});
    expect(await payloadOf('contacts:prune-imports')).toEqual({});
  });

  it('from outside are kept only when short and plain', () => {
    expect(acceptedRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(acceptedRequestId(['first', 'second'])).toBe('first');
    expect(acceptedRequestId('has space')).toBeUndefined();
    expect(acceptedRequestId('x'.repeat(101))).toBeUndefined();
    expect(acceptedRequestId('line\nbreak')).toBeUndefined();
    expect(acceptedRequestId(undefined)).toBeUndefined();
  });
});

describe('metrics', () => {
  it('label routes without ids, tokens or unknown paths', () => {
    expect(routeLabel('/campaigns/0192f3a4-5b6c-7d8e-9f00-112233445566', 200)).toBe('/campaigns/:id');
    expect(routeLabel('/history', 200)).toBe('/history');
    expect(routeLabel('/api/sms.do', 200)).toBe('/api/sms.do');
    expect(routeLabel('/r/eyJhbGciOiJIUzI1NiJ9.eyJydW4iOiIxIn0.c2lnbmF0dXJlLXZhbHVl', 200)).toBe('/r/:id');
    expect(routeLabel('/reports/runs/123/download', 200)).toBe('/reports/runs/:id/download');
    expect(routeLabel('/_next/static/chunks/app.js', 200)).toBe('/_next');
    expect(routeLabel('/anything/made/up', 404)).toBe('unmatched');
  });

  it('add up several processes and read the queue from the database', async () => {
    const a = new client.Registry();
    const b = new client.Registry();
    new client.Counter({ name: 'smsportal_messages_handed_over_total', help: 'h', registers: [a] }).inc(5);
    new client.Counter({ name: 'smsportal_messages_handed_over_total', help: 'h', registers: [b] }).inc(7);
    await db.execute(sql`delete from graphile_worker._private_jobs`);
    await enqueue(db, 'reports:cleanup', {});
    await enqueue(db, 'reports:cleanup', {}, { runAt: new Date(Date.now() + 3_600_000) });
    const { contentType, body } = await exposition([await a.getMetricsAsJSON(), await b.getMetricsAsJSON()]);
    expect(contentType).toContain('text/plain');
    expect(body).toMatch(/^smsportal_messages_handed_over_total 12$/m);
    expect(body).toMatch(/^smsportal_database_up 1$/m);
    expect(body).toMatch(/^smsportal_jobs\{task="reports:cleanup",state="due"\} 1$/m);
    expect(body).toMatch(/^smsportal_jobs\{task="reports:cleanup",state="scheduled"\} 1$/m);
    expect(body).toMatch(/^smsportal_delivery_reports_pending 0$/m);
  });

  it('are read only with the token', () => {
    const token = 'metrics-token-0123456789';
    expect(presentsMetricsToken(`Bearer ${token}`, token)).toBe(true);
    expect(presentsMetricsToken(`bearer ${token}`, token)).toBe(true);
    expect(presentsMetricsToken(`Bearer ${token}x`, token)).toBe(false);
    expect(presentsMetricsToken(token, token)).toBe(false);
    expect(presentsMetricsToken(undefined, token)).toBe(false);
  });
});

describe('readiness', () => {
  it('is ready when the database and the job queue answer', async () => {
    expect(await readiness()).toEqual({ ready: true, checks: { database: 'ok', jobs: 'ok' } });
  });
});

describe('text logs', () => {
  it('put the time, level and message first, then the rest', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-12-04T14:03:07.123Z', pid: 1, requestId: 'r1', status: 200, msg: 'request' });
    expect(asText(line)).toBe('14:03:07 info request requestId=r1 status=200\n');
  });
});
