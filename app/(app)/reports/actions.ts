'use server';

import { revalidatePath } from 'next/cache';
import { getLocale } from 'next-intl/server';
import { z } from 'zod';
import { actorOf, requestIp } from '@/lib/audit/request-ip';
import { AppError } from '@/lib/errors';
import { userAction, userFormAction, type ActionResult } from '@/lib/gates/action';
import { cancelRun, createReport, deleteOneOffReport, deleteSchedule, estimateRows, reportRequestSchema, setSchedulePaused } from '@/lib/reports/definitions';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale';
import { idSchema } from '@/lib/validation';

export type CancelState = ActionResult | null;

const portalLocale = async () => {
  const locale = await getLocale();
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
};

export const estimateReport = userAction(reportRequestSchema, (request, user) => estimateRows(user.account.id, request));

export const generateReport = userAction(reportRequestSchema, async (request, user) => {
  // Its files and e-mails speak the language the user sees the portal in now.
  const result = await createReport(user.account.id, user.id, request, new Date(), await portalLocale(), await requestIp());
  revalidatePath('/reports');
  return { runId: result.runId, nextRunAt: result.nextRunAt?.toISOString() ?? null };
});

export const cancelReportRun = userFormAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  if (!(await cancelRun(user.account.id, id, await actorOf(user)))) throw new AppError('run_not_cancellable');
  revalidatePath('/reports');
  return {};
});

/** Deletes a finished one-off report of the user's account (its file and links go with it). */
export const deleteReportRun = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  if (!(await deleteOneOffReport(user.account.id, id, await actorOf(user)))) throw new AppError('not_found');
  revalidatePath('/reports');
  return {};
});

const scheduleInput = z.strictObject({ id: idSchema, action: z.enum(['pause', 'resume', 'delete']) });
export type ScheduleInput = z.input<typeof scheduleInput>;

/** Pause, resume or delete a schedule of the user's account. */
export const changeSchedule = userAction(scheduleInput, async ({ id, action }, user) => {
  const actor = await actorOf(user);
  const found =
    action === 'delete'
      ? await deleteSchedule(user.account.id, id, actor)
      : await setSchedulePaused(user.account.id, id, action === 'pause', new Date(), actor);
  if (!found) throw new AppError('not_found');
  revalidatePath('/reports');
  return {};
});
