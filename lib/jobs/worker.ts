import { Logger, run, type Runner, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import { STOP_BATCH, stopWaitingMessages } from '@/lib/campaigns';
import { dispatchCampaign, dispatchMessages, requeueStalledWork } from '@/lib/campaigns/dispatch';
import { dropFieldValues } from '@/lib/contacts/fields';
import { runImport } from '@/lib/contacts/import/run';
import { pruneImports } from '@/lib/contacts/import/upload';
import { mailLowBalance } from '@/lib/points/low-balance-mail';
import { mailGuardTrip } from '@/lib/campaigns/guard-mail';
import { env } from '@/lib/env';
import { getGateway } from '@/lib/gateway';
import { applyStoredReports, expireUnreported, storeDeliveryReports } from '@/lib/gateway/reports';
import { isStatusCode } from '@/lib/messaging/statuses';
import { emailTasks } from '@/lib/email/tasks';
import { scheduleDueReports } from '@/lib/reports/definitions';
import { cleanupExpiredRuns, generateRun, recoverStalledRuns } from '@/lib/reports/generate';
import { mailReadyRun } from '@/lib/reports/mail';
import { db, isConnectionError, SOCKET_ERROR_CODES } from '@/db';
import { pgPool } from '@/db/pg';
import { opsContext } from '@/lib/ops/context';
import { log } from '@/lib/ops/log';
import { processMetrics } from '@/lib/ops/metrics';
import { enqueue } from './index';
import { pruneExpiredRecords } from './maintenance';

const reportSchema = z.object({
  messageId: z.number().int().positive().optional(),
  gatewayMessageId: z.string().optional(),
  status: z.number().int().refine(isStatusCode),
  doneAt: z.coerce.date(),
  errorCode: z.number().int().nullish(),
  network: z.string().nullish(),
});

const STALL_SECONDS = () => env().WORKER_STALL_SECONDS;
export const MESSAGE_VALIDITY_SECONDS = () => env().MESSAGE_VALIDITY_SECONDS;

// Aborted when the worker begins to stop: a campaign's dispatch ends after the batch in hand and
// queues its next run (another worker's, or this one's after a restart), instead of holding the
// shutdown for the rest of its 5 s slice.
let stopping = new AbortController();

export const tasks: TaskList = {
  'campaign:dispatch': async (payload) => {
    const { campaignId } = z.object({ campaignId: z.uuid() }).parse(payload);
    const outcome = await dispatchCampaign(campaignId, await getGateway(), undefined, stopping.signal);
    if (outcome === 'more') {
      await enqueue(db, 'campaign:dispatch', { campaignId }, { jobKey: `campaign:${campaignId}` });
    }
  },
  // The rest of a stop: its waiting messages to STOP, a batch per transaction.
  'campaign:stop': async (payload) => {
    const { campaignId } = z.object({ campaignId: z.uuid() }).parse(payload);
    while ((await stopWaitingMessages(db, campaignId)) === STOP_BATCH);
  },
  'messages:dispatch': async (payload) => {
    const { ids } = z.object({ ids: z.array(z.number().int().positive()).max(10_000) }).parse(payload);
    await dispatchMessages(ids, await getGateway());
  },
  // The simulator's reports, due now: stored as the provider's callback stores its own, and
  // applied by the one job that applies them all.
  'gateway:reports': async (payload) => {
    const { reports } = z.object({ reports: z.array(reportSchema) }).parse(payload);
    await db.transaction(async (tx) => {
      await storeDeliveryReports(reports as Parameters<typeof storeDeliveryReports>[0], tx);
      await enqueue(tx, 'gateway:apply-reports', {}, { jobKey: 'gateway:apply-reports' });
    });
  },
  'gateway:apply-reports': async () => {
    processMetrics().reportsApplied.inc(await applyStoredReports());
  },
  'messages:expire': async () => {
    await expireUnreported(MESSAGE_VALIDITY_SECONDS());
  },
  'jobs:recover': async () => {
    await requeueStalledWork(STALL_SECONDS());
  },
  'report:generate': async (payload) => {
    const { runId } = z.object({ runId: z.uuid() }).parse(payload);
    const started = performance.now();
    const outcome = await generateRun(runId).catch((error: unknown) => {
      processMetrics().reportDuration.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      throw error;
    });
    processMetrics().reportDuration.observe({ outcome }, (performance.now() - started) / 1000);
    // Also after a retry that found the run ready already: the mail is queued once whatever happens.
    await mailReadyRun(runId);
  },
  'reports:schedule': async () => {
    await scheduleDueReports();
  },
  'reports:recover': async () => {
    await recoverStalledRuns();
  },
  'reports:cleanup': async () => {
    while ((await cleanupExpiredRuns()) > 0);
  },
  'maintenance:prune': async () => {
    await pruneExpiredRecords();
  },
  'contacts:import': async (payload) => {
    const { importId } = z.object({ importId: z.uuid() }).parse(payload);
    await runImport(importId);
  },
  'contacts:drop-field': async (payload) => {
    const { accountId, fieldId } = z.object({ accountId: z.number().int().positive(), fieldId: z.uuid() }).parse(payload);
    await dropFieldValues(accountId, fieldId);
  },
  'contacts:prune-imports': async () => {
    await pruneImports();
  },
  // The owners' e-mail of one low-balance crossing (queued with the debit that crossed).
  'points:low-balance': async (payload) => {
    const { accountId, warnedAt } = z.object({ accountId: z.number().int().positive(), warnedAt: z.string().min(1).max(40) }).parse(payload);
    await mailLowBalance(accountId, warnedAt);
  },
  // The owners' e-mail of one trip of a campaign's failure guard (queued with the pause).
  'campaign:guard-mail': async (payload) => {
    const { campaignId, trippedAt } = z.object({ campaignId: z.uuid(), trippedAt: z.string().min(1).max(40) }).parse(payload);
    await mailGuardTrip(campaignId, trippedAt);
  },
  ...emailTasks,
};

const logger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning' || env().DEBUG_JOBS) {
    log()[level === 'warning' ? 'warn' : level === 'error' ? 'error' : 'info']({ jobs: scope.label }, message);
  }
});

/**
 * A task run inside the context of the request (or job) that queued it, so that its log lines,
 * and the jobs it queues in turn, carry that request's id; timed, and logged when it fails.
 */
function observed(task: string, run: Task): Task {
  return async (payload, helpers) => {
    const requestId = (payload as { requestId?: unknown } | null)?.requestId;
    const context = { requestId: typeof requestId === 'string' ? requestId : undefined, jobId: helpers.job.id, task };
    return opsContext.run(context, async () => {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        await run(payload, helpers);
        processMetrics().jobDuration.observe({ task, outcome: 'done' }, seconds());
        log().debug({ ms: Math.round(seconds() * 1000) }, 'job done');
      } catch (error) {
        processMetrics().jobDuration.observe({ task, outcome: 'error' }, seconds());
        log().warn({ err: error, attempt: helpers.job.attempts, ms: Math.round(seconds() * 1000) }, 'job failed');
        throw error;
      }
    });
  };
}

/** How long the workers wait for PostgreSQL to come back (a restart, a failover) before giving up. */
const DATABASE_WAIT_MS = () => env().WORKER_DATABASE_WAIT_SECONDS * 1000;

// Everything through this pool is a database call: a socket error is a lost connection too.
function isLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) || isConnectionError(error);
}

/**
 * graphile-worker's view of the process's pg pool (db/pg.ts, shared with COPY and report chunk
 * writes), made to ride out a PostgreSQL restart. graphile-worker 0.18 marks a job done or failed
 * without awaiting the query (completeJob / failJob), so when that query meets a lost or refused
 * connection the rejection is unhandled: `npm run worker` exits, and inside the app (where
 * Next.js only logs it) the job stays locked for four hours.
 *
 * Here, a connection refused because the server is down or starting is tried again (up to
 * DATABASE_WAIT_MS); and a statement whose connection was lost is run again on a new one, unless
 * it was inside an explicit transaction (only graphile-worker's migrations use one). Every
 * statement the runner sends outside migrations is safe to repeat: completing (delete by id) and
 * failing (update where still locked by this worker) a job, resetting stale locks, and taking a
 * job, which after a lost answer is no worse than graphile-worker's own retry of it. So a job
 * whose own queries failed in the outage is marked failed once the server is back, and retried
 * with graphile-worker's backoff. The LISTEN client (connected with a callback) is left to
 * graphile-worker, which reconnects it itself. Only graphile-worker's statements are repeated:
 * the others on the pool see the pool itself.
 */
function patientPool(pool: pg.Pool): pg.Pool {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;

  const patientConnect = async (deadline = Date.now() + DATABASE_WAIT_MS()): Promise<pg.PoolClient> => {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await connect();
      } catch (error) {
        if (!isLost(error) || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const retrying = (first: pg.PoolClient): pg.PoolClient => {
    let client = first;
    let inTransaction = false;
    const query = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: unknown } | null)?.text ?? '');
      const deadline = Date.now() + DATABASE_WAIT_MS();
      for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
        try {
          const result: unknown = await Reflect.apply(client.query, client, args);
          if (typeof text === 'string' && /^\s*(begin|start\s+transaction)\b/i.test(text)) inTransaction = true;
          else if (typeof text === 'string' && /^\s*(commit|rollback|end|abort)\b/i.test(text)) inTransaction = false;
          return result;
        } catch (error) {
          if (inTransaction || !isLost(error) || Date.now() > deadline) throw error;
          client.release(true); // destroyed, not returned to the pool
          await new Promise((resolve) => setTimeout(resolve, delay));
          client = await patientConnect(deadline);
        }
      }
    };
    return new Proxy(first, {
      get(_target, property) {
        if (property === 'query') return query;
        const value: unknown = Reflect.get(client, property, client);
        return typeof value === 'function' ? value.bind(client) : value;
      },
    });
  };

  type Callback = (error: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void;
  const patient = ((callback?: Callback) => {
    if (!callback) return patientConnect().then(retrying);
    patientConnect().then(
      (client) => callback(undefined, client, (release) => client.release(release as boolean | Error | undefined)),
      (error: Error) => callback(error),
    );
  }) as typeof pool.connect;
  // The pool's own methods (query() connects through this.connect) run against this view.
  return new Proxy(pool, {
    get: (target, property, receiver) => (property === 'connect' ? patient : Reflect.get(target, property, receiver)),
  });
}

/** Starts the job workers in this process (the app's, or `npm run worker` alone); closeDb() ends their pool. */
export async function startWorker(concurrency = env().WORKER_CONCURRENCY): Promise<Runner> {
  // Work left behind by a worker that died is picked up at start, then every minute.
  await requeueStalledWork(STALL_SECONDS());
  await recoverStalledRuns();
  await enqueue(db, 'gateway:apply-reports', {}, { jobKey: 'gateway:apply-reports' });
  stopping = new AbortController();
  const runner = await run({
    pgPool: patientPool(pgPool()),
    concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList: Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, observed(name, task!)])),
    logger,
    crontab: SCHEDULE.map(([when, task]) => `${when} ${task} ?max=1`).join('\n'),
  });
  const stop = runner.stop.bind(runner);
  // graphile-worker's stop takes no new jobs and waits for the ones running; ours end early.
  runner.stop = (reason?: string) => {
    stopping.abort();
    return stop(reason);
  };
  return runner;
}

/**
 * The periodic tasks (crontab times). Each reads only the rows it changes, through an index, so a
 * run costs the same on a table of any size (tests/periodic-plans.test.ts).
 */
export const SCHEDULE: readonly (readonly [when: string, task: string])[] = [
  // Reports that never come end UNKNOWN after the validity period.
  ['* * * * *', 'messages:expire'],
  // Stored reports are applied when their callback asks (requestApplying); this covers a process that died first.
  ['* * * * *', 'gateway:apply-reports'],
  ['* * * * *', 'jobs:recover'],
  // Periodic reports due (06:00 local per account), reports left by a dead worker, expired files.
  ['* * * * *', 'reports:schedule'],
  ['* * * * *', 'reports:recover'],
  ['17 * * * *', 'reports:cleanup'],
  // Old sign-in attempts, bad-token records, idempotency keys and sessions.
  ['41 3 * * *', 'maintenance:prune'],
  // Contact imports abandoned before their job (a day), and old results (30 days).
  ['53 3 * * *', 'contacts:prune-imports'],
];
