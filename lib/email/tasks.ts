import type { TaskList } from 'graphile-worker';
import { z } from 'zod';
import { processMetrics } from '@/lib/ops/metrics';
import { sendQueuedEmail } from './index';

/**
 * The e-mail jobs, for lib/jobs/worker.ts: `taskList: { ...tasks, ...emailTasks }`.
 * 'email:send' is added by queueEmail() with max_attempts EMAIL_MAX_ATTEMPTS; a throw (a
 * failure that may pass) makes graphile-worker retry it with exponential backoff.
 */
export const emailTasks: TaskList = {
  'email:send': async (payload) => {
    const { outboxId } = z.object({ outboxId: z.uuid() }).parse(payload);
    const outcome = await sendQueuedEmail(outboxId).catch((error: unknown) => {
      processMetrics().emails.inc({ outcome: 'retry' });
      throw error;
    });
    processMetrics().emails.inc({ outcome });
  },
};
