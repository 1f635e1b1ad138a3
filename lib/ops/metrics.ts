import client from 'prom-client';
import { sql } from 'drizzle-orm';
import { db } from '@/db';

/**
 * The process's own metrics (Prometheus, prom-client): what this process did. `npm start` adds up
 * its web processes' for one answer (scripts/ops-endpoints.ts); the database's figures (queues,
 * pending delivery reports) are read once per scrape, by the process that answers
 * (databaseMetrics), since they are the same for every process.
 */
const KEY = Symbol.for('sms-portal.metrics');
type ProcessMetrics = ReturnType<typeof createProcessMetrics>;
const holder = globalThis as typeof globalThis & { [KEY]?: ProcessMetrics };

function createProcessMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route and status, and how long they took.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    handedOver: new client.Counter({
      name: 'smsportal_messages_handed_over_total',
      help: 'Messages handed to the gateway (the dispatch rate is its rate()).',
      registers,
    }),
    reportsApplied: new client.Counter({
      name: 'smsportal_delivery_reports_applied_total',
      help: 'Stored delivery reports applied to their messages.',
      registers,
    }),
    jobDuration: new client.Histogram({
      name: 'smsportal_job_duration_seconds',
      help: 'Jobs run by this process, by task and outcome (done, error).',
      labelNames: ['task', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
    reportDuration: new client.Histogram({
      name: 'smsportal_report_generation_seconds',
      help: 'Report files generated, by outcome (generated, failed, cancelled, skipped, busy), and how long it took.',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800],
      registers,
    }),
    emails: new client.Counter({
      name: 'smsportal_emails_total',
      help: 'E-mail attempts by outcome: sent, failed (for good), retry (tried again later), not_configured, missing.',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

/** This process's metrics, one set per process whichever copy of this module asks (see lib/ops/context.ts). */
export function processMetrics(): ProcessMetrics {
  return (holder[KEY] ??= createProcessMetrics());
}

const ID_SEGMENT = /^(\d+|[0-9a-f-]{32,36}|[\w.~-]{20,})$/i;

/**
 * The route label of a path: ids and tokens as `:id`, Next's assets as one route, and anything
 * that was not found as `unmatched`, so that the number of series stays small whatever is asked.
 */
export function routeLabel(pathname: string, status: number): string {
  if (status === 404) return 'unmatched';
  if (pathname.startsWith('/_next/')) return '/_next';
  const segments = pathname.split('/').filter(Boolean).slice(0, 4);
  return `/${segments.map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment)).join('/')}`;
}

type QueueRow = { task: string; due: number; running: number; scheduled: number; failed: number; oldest_due_s: number };
type InboxRow = { pending: number; lag_s: number };

/**
 * The database's figures, read now: jobs per task (due, running, scheduled, failed for good) and
 * how long the oldest due one has waited; delivery reports stored but not yet applied and the age
 * of the oldest. `smsportal_database_up` 0 when the database did not answer (the rest is then absent).
 */
export async function databaseMetrics(): Promise<client.Registry> {
  const registry = new client.Registry();
  const registers = [registry];
  const up = new client.Gauge({ name: 'smsportal_database_up', help: 'Whether the database answered this scrape.', registers });
  try {
    const [queues, [inbox]] = await Promise.all([
      db.execute<QueueRow>(sql`
        select t.identifier as task,
               count(*) filter (where j.locked_at is null and j.run_at <= now() and j.attempts < j.max_attempts)::int as due,
               count(*) filter (where j.locked_at is not null)::int as running,
               count(*) filter (where j.locked_at is null and j.run_at > now() and j.attempts < j.max_attempts)::int as scheduled,
               count(*) filter (where j.attempts >= j.max_attempts)::int as failed,
               coalesce(extract(epoch from now() - min(j.run_at) filter (where j.locked_at is null and j.run_at <= now() and j.attempts < j.max_attempts)), 0)::float8 as oldest_due_s
          from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
         group by t.identifier`),
      db.execute<InboxRow>(sql`
        select (select count(*) from delivery_report_inbox)::int as pending,
               coalesce((select extract(epoch from now() - received_at) from delivery_report_inbox order by id limit 1), 0)::float8 as lag_s`),
    ]);
    const jobs = new client.Gauge({ name: 'smsportal_jobs', help: 'Jobs in the queue, by task and state.', labelNames: ['task', 'state'] as const, registers });
    const age = new client.Gauge({ name: 'smsportal_job_queue_age_seconds', help: 'How long the oldest due job of each task has waited.', labelNames: ['task'] as const, registers });
    for (const row of queues) {
      for (const state of ['due', 'running', 'scheduled', 'failed'] as const) jobs.set({ task: row.task, state }, row[state]);
      age.set({ task: row.task }, row.oldest_due_s);
    }
    new client.Gauge({ name: 'smsportal_delivery_reports_pending', help: 'Delivery reports stored, not yet applied.', registers }).set(inbox.pending);
    new client.Gauge({ name: 'smsportal_delivery_report_lag_seconds', help: 'Age of the oldest delivery report not yet applied.', registers }).set(inbox.lag_s);
    up.set(1);
  } catch {
    up.set(0);
  }
  return registry;
}

/** One exposition of several processes' metrics (summed as prom-client aggregates them) and the database's. */
export async function exposition(perProcess: client.MetricObjectWithValues<client.MetricValue<string>>[][]): Promise<{ contentType: string; body: string }> {
  const merged = client.Registry.merge([client.AggregatorRegistry.aggregate(perProcess), await databaseMetrics()]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
