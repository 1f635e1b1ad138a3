import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listRuns, listSchedules, type ReportRunRow } from '@/lib/reports/definitions';
import { localDay } from '@/lib/calendar';
import { AutoRefresh } from '../../_components/auto-refresh';
import { TableSection } from '../../_components/table-section';
import { PageHeader } from '../../_components/page-header';
import { CancelRunButton } from './cancel-run-button';
import { ReportForm } from './report-form';
import { ScheduleControls } from './schedule-controls';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('reports') };
}

const sectionClass = 'rounded-lg border border-slate-200 bg-white p-5';
const pill = 'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap';

// Colour follows the state; the word is always there too.
const tones: Record<ReportRunRow['status'], string> = {
  queued: 'bg-amber-100 text-amber-900',
  generating: 'bg-sky-100 text-sky-800',
  ready: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-slate-200 text-slate-700',
};

/** The runs and schedules, with whether a ready file has expired, and today in the account's zone (for the date inputs). */
async function load(accountId: number, timeZone: string) {
  const now = new Date();
  const [runs, schedules] = await Promise.all([listRuns(accountId), listSchedules(accountId)]);
  return {
    today: localDay(now, timeZone),
    schedules,
    runs: runs.map((run) => ({ ...run, expired: run.expiresAt !== null && run.expiresAt.getTime() <= now.getTime() })),
  };
}

export default async function ReportsPage() {
  const user = await requireUser();
  const [t, pages, format, { runs, schedules, today }] = await Promise.all([
    getTranslations('reportBuilder'),
    getTranslations('pages'),
    getFormatter(),
    load(user.account.id, user.account.timeZone),
  ]);
  const live = runs.some((run) => run.status === 'queued' || run.status === 'generating');
  const day = (date: Date) => format.dateTime(date, { dateStyle: 'medium' });
  // periodEnd is exclusive (midnight after the last day).
  const period = (run: ReportRunRow) => {
    const first = day(run.periodStart);
    const last = day(new Date(run.periodEnd.getTime() - 1));
    return first === last ? first : `${first} – ${last}`;
  };
  const size = (bytes: number) =>
    bytes < 1024
      ? format.number(bytes, { style: 'unit', unit: 'byte', unitDisplay: 'short' })
      : bytes < 1024 * 1024
        ? format.number(bytes / 1024, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 })
        : format.number(bytes / (1024 * 1024), { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 });

  return (
    <>
      <PageHeader title={pages('reports')} />
      <AutoRefresh active={live} intervalMs={2000} />
      <div className="space-y-6">
        <section aria-labelledby="builder-title" className={sectionClass}>
          <h2 id="builder-title" className="text-lg font-semibold">{t('form.title')}</h2>
          <p className="mt-1 mb-4 text-sm text-slate-600">{t('form.help')}</p>
          <ReportForm today={today} />
        </section>

        <TableSection
          id="schedules"
          title={t('schedules.title')}
          help={t('schedules.help')}
          emptyText={schedules.length === 0 ? t('schedules.empty') : null}
          columns={[
            { label: t('schedules.name') },
            { label: t('schedules.frequency') },
            { label: t('schedules.type') },
            { label: t('schedules.nextRun') },
            { label: t('schedules.recipients') },
            { label: t('schedules.lastRun') },
            { label: t('schedules.state') },
            { label: t('schedules.actions'), hidden: true },
          ]}
        >
          {schedules.map((s) => (
            <tr key={s.id} data-schedule={s.id} className="align-top">
              <td className="py-2 pr-4 font-medium">{s.name}</td>
              <td className="py-2 pr-4">{t(`form.frequencies.${s.frequency}`)}</td>
              <td className="py-2 pr-4">
                {t(`form.types.${s.type}`)} · {s.format.toUpperCase()}
              </td>
              <td className="tabular py-2 pr-4 whitespace-nowrap">
                {s.paused || !s.nextRunAt ? '—' : format.dateTime(s.nextRunAt, { dateStyle: 'medium', timeStyle: 'short' })}
              </td>
              <td className="py-2 pr-4" title={s.emails.join(', ') || undefined}>
                {t('schedules.recipientsCount', { count: s.emails.length })}
              </td>
              <td className="py-2 pr-4 whitespace-nowrap">
                {s.lastRun ? (
                  <>
                    <span data-status={s.lastRun.status} className={`${pill} ${tones[s.lastRun.status]}`}>
                      <span aria-hidden="true" className="size-1.5 shrink-0 rounded-full bg-current" />
                      {t(`runs.status.${s.lastRun.status}`)}
                    </span>
                    <span className="tabular mt-0.5 block text-xs text-slate-500">
                      {format.dateTime(s.lastRun.finishedAt ?? s.lastRun.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                    </span>
                  </>
                ) : (
                  <span className="text-slate-500">{t('schedules.never')}</span>
                )}
              </td>
              <td className="py-2 pr-4">
                <span
                  data-state={s.paused ? 'paused' : 'active'}
                  className={`${pill} ${s.paused ? 'bg-slate-200 text-slate-700' : 'bg-emerald-100 text-emerald-800'}`}
                >
                  <span aria-hidden="true" className="size-1.5 shrink-0 rounded-full bg-current" />
                  {t(s.paused ? 'schedules.paused' : 'schedules.active')}
                </span>
              </td>
              <td className="py-2 text-right whitespace-nowrap">
                <ScheduleControls id={s.id} name={s.name} paused={s.paused} />
              </td>
            </tr>
          ))}
        </TableSection>

        <TableSection
          id="runs"
          title={t('runs.title')}
          help={t('runs.help')}
          emptyText={runs.length === 0 ? t('runs.empty') : null}
          columns={[
            { label: t('runs.name') },
            { label: t('runs.type') },
            { label: t('runs.period') },
            { label: t('runs.state') },
            { label: t('runs.rows'), numeric: true },
            { label: t('runs.size'), numeric: true },
            { label: t('runs.created') },
            { label: t('runs.actions'), hidden: true },
          ]}
        >
          {runs.map((run) => {
            const progress =
              run.status === 'generating' && run.rowsEstimated
                ? Math.min(100, Math.round((run.rowsDone / Math.max(run.rowsEstimated, 1)) * 100))
                : null;
            return (
              <tr key={run.id} className="align-top">
                <td className="py-2 pr-4">
                  <span className="font-medium">{run.name}</span>
                  {run.method === 'periodic' ? <span className="block text-xs text-slate-500">{t('runs.periodic')}</span> : null}
                </td>
                <td className="py-2 pr-4">
                  {t(`form.types.${run.type}`)} · {run.format.toUpperCase()}
                </td>
                <td className="tabular py-2 pr-4 whitespace-nowrap">{period(run)}</td>
                <td className="py-2 pr-4">
                  <span data-status={run.status} className={`${pill} ${tones[run.status]}`}>
                    <span aria-hidden="true" className="size-1.5 shrink-0 rounded-full bg-current" />
                    {t(`runs.status.${run.status}`)}
                  </span>
                  {progress !== null ? (
                    <div
                      role="progressbar"
                      aria-label={t('runs.progress', { done: run.rowsDone, total: run.rowsEstimated ?? 0 })}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={progress}
                      className="mt-1.5 h-1.5 w-28 overflow-hidden rounded-full bg-slate-100"
                    >
                      <div className="h-full bg-sky-500" style={{ width: `${progress}%` }} />
                    </div>
                  ) : null}
                  {run.status === 'generating' ? (
                    <span className="tabular mt-0.5 block text-xs text-slate-500">
                      {run.rowsEstimated
                        ? t('runs.progress', { done: run.rowsDone, total: run.rowsEstimated })
                        : t('runs.rowsSoFar', { done: run.rowsDone })}
                    </span>
                  ) : null}
                  {run.status === 'failed' && run.error ? <span className="mt-0.5 block max-w-64 text-xs text-red-700">{run.error}</span> : null}
                </td>
                <td className="tabular py-2 pr-4 text-right">{run.status === 'ready' ? format.number(run.rowsDone) : '—'}</td>
                <td className="tabular py-2 pr-4 text-right whitespace-nowrap">{run.sizeBytes !== null && run.status === 'ready' ? size(run.sizeBytes) : '—'}</td>
                <td className="tabular py-2 pr-4 whitespace-nowrap">{format.dateTime(run.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td className="py-2 text-right whitespace-nowrap">
                  {run.status === 'ready' ? (
                    run.expired ? (
                      <span className="text-xs text-slate-500">{t('runs.expired')}</span>
                    ) : (
                      // A plain link: next/link would prefetch, which would start a download.
                      <a
                        href={`/reports/runs/${run.id}/download`}
                        download
                        aria-label={t('runs.downloadLabel', { name: run.name })}
                        className="text-sm font-medium text-brand-700 underline"
                      >
                        {t('runs.download')}
                      </a>
                    )
                  ) : run.status === 'queued' || run.status === 'generating' ? (
                    <CancelRunButton id={run.id} name={run.name} />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </TableSection>
      </div>
    </>
  );
}
