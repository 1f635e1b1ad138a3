import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { canWrite } from '@/lib/auth/roles';
import { DATE_TIME, DAY } from '@/lib/i18n/formats';
import { listRuns, listSchedules, type ReportRunRow } from '@/lib/reports/definitions';
import { periodPreviews, periodPreviewTexts } from '@/lib/reports/periods';
import { AutoRefresh } from '../../_components/auto-refresh';
import { PageHeader } from '../../_components/page-header';
import { ReadOnlyNotice } from '../../_components/read-only-notice';
import { Badge, type BadgeTone } from '../../_components/ui/badge';
import { buttonClass } from '../../_components/ui/button';
import { Section } from '../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../_components/ui/table';
import { CancelRunButton, DeleteRunButton } from './run-controls';
import { ReportForm } from './report-form';
import { ScheduleControls } from './schedule-controls';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('reports') };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// Colour follows the state; the word is always there too.
const tones: Record<ReportRunRow['status'], BadgeTone> = {
  queued: 'amber',
  generating: 'blue',
  ready: 'green',
  failed: 'red',
  cancelled: 'slate',
};

const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : null);

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const params = await searchParams;
  // Each list pages on its own; the other keeps its place in the URL.
  const runsCursor = one(params.runs);
  const schedulesCursor = one(params.schedules);
  const now = new Date();
  const [t, pages, format, runs, schedules] = await Promise.all([
    getTranslations('reportBuilder'),
    getTranslations('pages'),
    getFormatter(),
    listRuns(user.account.id, runsCursor),
    listSchedules(user.account.id, schedulesCursor),
  ]);
  const pageHref = (list: 'runs' | 'schedules', cursor: string | null) => {
    const query = new URLSearchParams();
    const runsAt = list === 'runs' ? cursor : runsCursor;
    const schedulesAt = list === 'schedules' ? cursor : schedulesCursor;
    if (runsAt) query.set('runs', runsAt);
    if (schedulesAt) query.set('schedules', schedulesAt);
    const text = query.toString();
    return `/reports${text ? `?${text}` : ''}#${list}-title`;
  };
  // A viewer reads and downloads: the builder and the controls are not theirs.
  const writer = canWrite(user);
  const live = runs.rows.some((run) => run.status === 'queued' || run.status === 'generating');
  const previews = periodPreviews(now, user.account.timeZone);
  const when = (date: Date) => format.dateTime(date, DATE_TIME);
  // periodEnd is exclusive (midnight after the last day).
  const period = (run: ReportRunRow) => format.dateTimeRange(run.periodStart, new Date(run.periodEnd.getTime() - 1), DAY);
  const size = (bytes: number) =>
    bytes < 1024
      ? format.number(bytes, { style: 'unit', unit: 'byte', unitDisplay: 'short' })
      : bytes < 1024 * 1024
        ? format.number(bytes / 1024, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 })
        : format.number(bytes / (1024 * 1024), { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 });
  const pager = (list: 'runs' | 'schedules', at: string | null, older: string | null) =>
    at || older ? (
      <nav aria-label={t(`${list}.pages`)} className="mt-3 flex flex-wrap justify-between gap-3 text-sm">
        {at ? (
          <Link href={pageHref(list, null)} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
            {t('newest')}
          </Link>
        ) : (
          <span />
        )}
        {older ? (
          <Link href={pageHref(list, older)} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
            {t('older')} →
          </Link>
        ) : null}
      </nav>
    ) : null;

  return (
    <>
      <PageHeader title={pages('reports')} />
      <AutoRefresh active={live} intervalMs={2000} />
      <div className="space-y-6">
        <Section id="builder" title={t('form.title')} help={t('form.help')}>
          {writer ? <ReportForm previews={previews} texts={periodPreviewTexts(previews, format)} /> : <ReadOnlyNotice />}
        </Section>

        <Section id="schedules" title={t('schedules.title')} help={t('schedules.help')}>
          {schedules.rows.length === 0 ? (
            <p className="text-sm text-slate-600">{t('schedules.empty')}</p>
          ) : (
            <Table
              caption={t('schedules.title')}
              columns={[
                { label: t('schedules.name') },
                { label: t('schedules.frequency') },
                { label: t('schedules.type') },
                { label: t('schedules.nextRun') },
                { label: t('schedules.recipients') },
                { label: t('schedules.lastRun') },
                { label: t('schedules.state') },
                { label: t('schedules.actions'), srOnly: true },
              ]}
            >
              {schedules.rows.map((s) => (
                <tr key={s.id} data-schedule={s.id}>
                  <TableRowHeader long wide>
                    {s.name}
                  </TableRowHeader>
                  <TableCell>{t(`form.frequencies.${s.frequency}`)}</TableCell>
                  <TableCell>
                    {t(`form.types.${s.type}`)} · {s.format.toUpperCase()}
                  </TableCell>
                  <TableCell className="tabular">{s.paused || !s.nextRunAt ? '—' : when(s.nextRunAt)}</TableCell>
                  <TableCell long title={s.emails.join(', ') || undefined}>
                    {t('schedules.recipientsCount', { count: s.emails.length })}
                  </TableCell>
                  <TableCell>
                    {s.lastRun ? (
                      <>
                        <Badge tone={tones[s.lastRun.status]} data-status={s.lastRun.status}>
                          {t(`runs.status.${s.lastRun.status}`)}
                        </Badge>
                        <span className="tabular mt-0.5 block text-xs text-slate-600">{when(s.lastRun.finishedAt ?? s.lastRun.createdAt)}</span>
                      </>
                    ) : (
                      <span className="text-slate-600">{t('schedules.never')}</span>
                    )}
                  </TableCell>
                  <TableCell>
                    <Badge tone={s.paused ? 'slate' : 'green'} data-state={s.paused ? 'paused' : 'active'}>
                      {t(s.paused ? 'schedules.paused' : 'schedules.active')}
                    </Badge>
                  </TableCell>
                  <TableCell wide>
                    {writer ? <ScheduleControls id={s.id} name={s.name} paused={s.paused} /> : null}
                  </TableCell>
                </tr>
              ))}
            </Table>
          )}
          {pager('schedules', schedulesCursor, schedules.older)}
        </Section>

        <Section id="runs" title={t('runs.title')} help={t('runs.help')}>
          {runs.rows.length === 0 ? (
            <p className="text-sm text-slate-600">{t('runs.empty')}</p>
          ) : (
            <Table
              caption={t('runs.title')}
              columns={[
                { label: t('runs.name') },
                { label: t('runs.type') },
                { label: t('runs.period') },
                { label: t('runs.state') },
                { label: t('runs.rows'), numeric: true },
                { label: t('runs.size'), numeric: true },
                { label: t('runs.created') },
                { label: t('runs.actions'), srOnly: true },
              ]}
            >
              {runs.rows.map((run) => {
                const progress =
                  run.status === 'generating' && run.rowsEstimated ? Math.min(100, Math.round((run.rowsDone / Math.max(run.rowsEstimated, 1)) * 100)) : null;
                const expired = run.expiresAt !== null && run.expiresAt.getTime() <= now.getTime();
                return (
                  <tr key={run.id} data-run={run.id}>
                    <TableRowHeader long wide>
                      {run.name}
                      {run.method === 'periodic' ? <span className="block text-xs font-normal text-slate-600">{t('runs.periodic')}</span> : null}
                    </TableRowHeader>
                    <TableCell>
                      {t(`form.types.${run.type}`)} · {run.format.toUpperCase()}
                    </TableCell>
                    <TableCell className="tabular">{period(run)}</TableCell>
                    <TableCell>
                      <Badge tone={tones[run.status]} data-status={run.status}>
                        {t(`runs.status.${run.status}`)}
                      </Badge>
                      {progress !== null ? (
                        <div
                          role="progressbar"
                          aria-label={t('runs.progress', { done: run.rowsDone, total: run.rowsEstimated ?? 0 })}
                          aria-valuemin={0}
                          aria-valuemax={100}
                          aria-valuenow={progress}
                          className="mt-1.5 h-1.5 w-28 max-w-full overflow-hidden rounded-full bg-slate-100"
                        >
                          <div className="h-full bg-sky-500" style={{ width: `${progress}%` }} />
                        </div>
                      ) : null}
                      {run.status === 'generating' ? (
                        <span className="tabular mt-0.5 block text-xs text-slate-600">
                          {run.rowsEstimated ? t('runs.progress', { done: run.rowsDone, total: run.rowsEstimated }) : t('runs.rowsSoFar', { done: run.rowsDone })}
                        </span>
                      ) : null}
                      {run.status === 'failed' && run.error ? <span className="mt-0.5 block text-xs text-red-700">{run.error}</span> : null}
                    </TableCell>
                    <TableCell numeric>{run.status === 'ready' ? format.number(run.rowsDone) : '—'}</TableCell>
                    <TableCell numeric nowrap>
                      {run.sizeBytes !== null && run.status === 'ready' ? size(run.sizeBytes) : '—'}
                    </TableCell>
                    <TableCell className="tabular">{when(run.createdAt)}</TableCell>
                    <TableCell wide>
                      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
                        {run.status === 'ready' ? (
                          expired ? (
                            <span className="text-xs text-slate-600">{t('runs.expired')}</span>
                          ) : (
                            // A plain link: next/link would prefetch, which would start a download.
                            <a
                              href={`/reports/runs/${run.id}/download`}
                              download
                              aria-label={t('runs.downloadLabel', { name: run.name })}
                              className={buttonClass({ variant: 'link', size: 'inline' })}
                            >
                              {t('runs.download')}
                            </a>
                          )
                        ) : null}
                        {writer && (run.status === 'queued' || run.status === 'generating') ? <CancelRunButton id={run.id} name={run.name} /> : null}
                        {writer && run.method === 'once' && run.status !== 'queued' && run.status !== 'generating' ? <DeleteRunButton id={run.id} name={run.name} /> : null}
                      </div>
                    </TableCell>
                  </tr>
                );
              })}
            </Table>
          )}
          {pager('runs', runsCursor, runs.older)}
        </Section>
      </div>
    </>
  );
}
