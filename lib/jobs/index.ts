import { sql } from 'drizzle-orm';
import type { Executor } from '@/db';
import { currentRequestId } from '@/lib/ops/context';

export type JobName =
  | 'campaign:dispatch'
  | 'campaign:stop'
  | 'messages:dispatch'
  | 'gateway:reports'
  | 'gateway:apply-reports'
  | 'messages:expire'
  | 'jobs:recover'
  | 'report:generate'
  | 'reports:schedule'
  | 'reports:recover'
  | 'reports:cleanup'
  | 'email:send'
  | 'maintenance:prune'
  | 'contacts:import'
  | 'contacts:drop-field'
  | 'contacts:prune-imports'
  | 'points:low-balance'
  | 'campaign:guard-mail';

export type EnqueueOptions = {
  runAt?: Date | null;
  /** at most one pending job per key; adding again replaces it */
  jobKey?: string;
  maxAttempts?: number;
};

/** A job's payload with the id of the request (or the job) that queued it, for the logs (lib/ops/log.ts). */
function traced(payload: object): object {
  const requestId = currentRequestId();
  return requestId ? { ...payload, requestId } : payload;
}

/**
 * Adds a job in the caller's transaction (graphile-worker's add_job is plain SQL), so the job
 * exists exactly when the write that needs it commits.
 */
export async function enqueue(tx: Executor, name: JobName, payload: object, options: EnqueueOptions = {}): Promise<void> {
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${name},
      ${JSON.stringify(traced(payload))}::json,
      run_at => ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? 25}::int,
      job_key => ${options.jobKey ?? null}::text
    )`);
}

/** Several jobs of one task in one statement (graphile-worker's add_jobs), in the caller's transaction. */
export async function enqueueAll(tx: Executor, name: JobName, jobs: { payload: object; runAt?: Date | null }[]): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((job) => ({ payload: traced(job.payload), run_at: job.runAt ? job.runAt.toISOString() : null }));
  await tx.execute(sql`
    select graphile_worker.add_jobs(array(
      select row(${name}, j.payload, null, j.run_at, 25, null, null, null)::graphile_worker.job_spec
        from json_to_recordset(${JSON.stringify(specs)}::json) as j(payload json, run_at timestamptz)))`);
}
