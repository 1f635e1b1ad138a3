import { Logger, run, type Runner, type TaskList } from 'graphile-worker';
import { z } from 'zod';
import { dispatchCampaign, dispatchMessages, requeueStalledWork } from '@/lib/campaigns/dispatch';
import { getGateway } from '@/lib/gateway';
import { applyDeliveryReports, expireUnreported } from '@/lib/gateway/reports';
import { isStatusCode } from '@/lib/messaging/statuses';
import { emailTasks } from '@/lib/email/tasks';
import { scheduleDueReports } from '@/lib/reports/definitions';
import { cleanupExpiredRuns, generateRun, recoverStalledRuns } from '@/lib/reports/generate';
import { mailReadyRun } from '@/lib/reports/mail';
import { db } from '@/db';
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

const STALL_SECONDS = () => Number(process.env.WORKER_STALL_SECONDS ?? 60);
export const MESSAGE_VALIDITY_SECONDS = () => Number(process.env.MESSAGE_VALIDITY_SECONDS ?? 48 * 3600);

export const tasks: TaskList = {
  'campaign:dispatch': async (payload) => {
    const { campaignId } = z.object({ campaignId: z.uuid() }).parse(payload);
    const outcome = await dispatchCampaign(campaignId, await getGateway());
    if (outcome === 'more') {
      await enqueue(db, 'campaign:dispatch', { campaignId }, { jobKey: `campaign:${campaignId}` });
    }
  },
  'messages:dispatch': async (payload) => {
    const { ids } = z.object({ ids: z.array(z.number().int().positive()).max(10_000) }).parse(payload);
    await dispatchMessages(ids, await getGateway());
  },
  'gateway:reports': async (payload) => {
    const { reports } = z.object({ reports: z.array(reportSchema) }).parse(payload);
    await applyDeliveryReports(reports as Parameters<typeof applyDeliveryReports>[0]);
  },
  'messages:expire': async () => {
    await expireUnreported(MESSAGE_VALIDITY_SECONDS());
  },
  'jobs:recover': async () => {
    await requeueStalledWork(STALL_SECONDS());
  },
  'report:generate': async (payload) => {
    const { runId } = z.object({ runId: z.uuid() }).parse(payload);
    await generateRun(runId);
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
  ...emailTasks,
};

const logger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning' || process.env.DEBUG_JOBS) console.error(`[jobs ${level}] ${scope.label ?? ''} ${message}`);
});

/** Starts the job workers in this process (the app's, or `npm run worker` alone). */
export async function startWorker(connectionString: string, concurrency = Number(process.env.WORKER_CONCURRENCY ?? 4)): Promise<Runner> {
  // Work left behind by a worker that died is picked up at start, then every minute.
  await requeueStalledWork(STALL_SECONDS());
  await recoverStalledRuns();
  return run({
    connectionString,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList: tasks,
    logger,
    // Reports that never come end UNKNOWN after the validity period.
    crontab: [
      '* * * * * messages:expire ?max=1',
      '* * * * * jobs:recover ?max=1',
      // Periodic reports due (06:00 local per account), reports left by a dead worker, expired files.
      '* * * * * reports:schedule ?max=1',
      '* * * * * reports:recover ?max=1',
      '17 * * * * reports:cleanup ?max=1',
      // Old sign-in attempts and idempotency keys.
      '41 3 * * * maintenance:prune ?max=1',
    ].join('\n'),
  });
}
