'use server';

import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth';
import { cancelRun, createReport, deleteSchedule, estimateRows, setSchedulePaused, type ReportRequest } from '@/lib/reports/definitions';
import { ValidationError } from '@/lib/validation';

/** Where a problem shows in the form; anything else goes in the general list. */
export type ReportField = 'name' | 'emails' | 'period' | 'frequency' | 'format' | 'form';
export type ReportProblem = { field: ReportField; message: string };
export type ReportFailure = { ok: false; problems: ReportProblem[] };

export type EstimateResult = { ok: true; rows: number; capped: boolean } | ReportFailure;
export type GenerateResult = { ok: true; runId: string | null; nextRunAt: string | null } | ReportFailure;
export type CancelState = { status?: 'cancelled' | 'notCancelled' };
export type ScheduleResult = { ok: boolean };

// The domain's messages (lib/reports/definitions.ts, periods.ts) that have a translation.
const KNOWN: [RegExp, string][] = [
  [/^Give the report a name$/, 'nameRequired'],
  [/^A report name is at most/, 'nameTooLong'],
  [/^A report name must not contain control characters$/, 'nameControl'],
  [/^Enter valid e-mail addresses$/, 'emailInvalid'],
  [/^An e-mail address is at most/, 'emailInvalid'],
  [/^At most 10 e-mail addresses$/, 'tooManyEmails'],
  [/^Choose a period$/, 'periodRequired'],
  [/^A custom period needs a start and an end date$/, 'customNeedsDates'],
  [/^Dates must be/, 'badDate'],
  [/^The start date must not be after the end date$/, 'startAfterEnd'],
  [/^A period can span at most/, 'periodTooLong'],
  [/^A period cannot end in the future$/, 'endInFuture'],
  [/^A periodic report needs a frequency$/, 'frequencyRequired'],
  [/^PDF /, 'pdfUnavailable'],
];

function fieldOf(path: string): ReportField {
  const head = path.split('.')[0];
  if (head === 'name' || head === 'emails' || head === 'period' || head === 'frequency' || head === 'format') return head;
  return 'form';
}

/** "path: message; path: message" from the domain, each translated where we know it. */
async function failure(error: unknown, context: string): Promise<ReportFailure> {
  const t = await getTranslations('reportBuilder.errors');
  if (!(error instanceof ValidationError)) {
    console.error(`report builder: ${context} failed`, error);
    return { ok: false, problems: [{ field: 'form', message: t('failed') }] };
  }
  const seen = new Set<string>();
  const problems: ReportProblem[] = [];
  // Split only before the next "path: ", since a message may hold "; " itself.
  for (const part of error.message.split(/; (?=[\w.]+: )/)) {
    const colon = part.indexOf(': ');
    const path = colon >= 0 ? part.slice(0, colon) : '';
    const message = colon >= 0 ? part.slice(colon + 2) : part;
    const key = KNOWN.find(([pattern]) => pattern.test(message))?.[1];
    const problem = { field: fieldOf(path), message: key ? t(key) : message };
    const id = `${problem.field}:${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return { ok: false, problems };
}

// The request is validated in full by the domain (strict schema, clear messages).
export async function estimateReport(raw: ReportRequest): Promise<EstimateResult> {
  const user = await requireUser();
  try {
    const { rows, capped } = await estimateRows(user.account.id, raw);
    return { ok: true, rows, capped };
  } catch (error) {
    return failure(error, 'estimate');
  }
}

export async function generateReport(raw: ReportRequest): Promise<GenerateResult> {
  const user = await requireUser();
  let result: Awaited<ReturnType<typeof createReport>>;
  try {
    result = await createReport(user.account.id, user.id, raw);
  } catch (error) {
    return failure(error, 'generate');
  }
  revalidatePath('/reports');
  return { ok: true, runId: result.runId, nextRunAt: result.nextRunAt?.toISOString() ?? null };
}

export async function cancelReportRun(_prev: CancelState, formData: FormData): Promise<CancelState> {
  const user = await requireUser();
  const parsed = z.object({ id: z.uuid() }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'notCancelled' };
  const cancelled = await cancelRun(user.account.id, parsed.data.id);
  revalidatePath('/reports');
  return { status: cancelled ? 'cancelled' : 'notCancelled' };
}

const scheduleInput = z.strictObject({ id: z.uuid(), action: z.enum(['pause', 'resume', 'delete']) });
export type ScheduleInput = z.input<typeof scheduleInput>;

/** Pause, resume or delete a schedule of the user's account; ok false when there is no such schedule. */
export async function changeSchedule(raw: ScheduleInput): Promise<ScheduleResult> {
  const user = await requireUser();
  const parsed = scheduleInput.safeParse(raw);
  if (!parsed.success) return { ok: false };
  const { id, action } = parsed.data;
  const ok =
    action === 'delete' ? await deleteSchedule(user.account.id, id) : await setSchedulePaused(user.account.id, id, action === 'pause');
  revalidatePath('/reports');
  return { ok };
}
