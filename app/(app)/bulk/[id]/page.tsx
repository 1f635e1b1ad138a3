import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { getCampaignProgress } from '@/lib/campaigns';
import { campaignState } from '@/lib/campaigns/states';
import { defaultFilters } from '@/lib/history/filters';
import { listMessages } from '@/lib/history/query';
import { campaignJson } from '@/lib/campaigns/api';
import { formatPoints } from '@/lib/messaging/pricing';
import { AutoRefresh } from '../../../_components/auto-refresh';
import { CampaignProgressBar, PROGRESS_SEGMENTS } from '../../../_components/campaign-progress-bar';
import { CampaignStatusBadge } from '../../../_components/campaign-status-badge';
import { PageHeader } from '../../../_components/page-header';
import { MessageTable } from '../../../_components/message-table';
import { CampaignControls } from './campaign-controls';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('campaign'))('metaTitle') };
}

const FINAL = ['completed', 'stopped'];
const sectionClass = 'rounded-lg border border-slate-200 bg-white p-5';


export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const progress = await getCampaignProgress(user.account.id, id);
  if (!progress) notFound();
  const times = progress;
  const [t, format, locale, latest, th, tr] = await Promise.all([
    getTranslations('campaign'),
    getFormatter(),
    getLocale(),
    listMessages(user.account.id, defaultFilters({ campaign: progress.id })),
    getTranslations('history'),
    getTranslations('deliveryReport'),
  ]);
  const when = (date: Date) => format.dateTime(date, { dateStyle: 'medium', timeStyle: 'short' });

  const summary = campaignJson(progress).progress;
  const total = progress.recipients;
  const status = campaignState(progress.status);
  const statusWord = status ? t(`status.${status}`) : progress.status;
  const share = (value: number) => format.number(value, { style: 'percent', maximumFractionDigits: 1 });
  // 21 of 99,421 is not "0 %": tiny non-zero shares say so.
  const percent = (n: number) => (n > 0 && n / total < 0.0005 ? t('progress.under', { percent: share(0.001) }) : share(total ? n / total : 0));
  const points = (units: number) => formatPoints(units, locale);
  const segments = PROGRESS_SEGMENTS.map((segment) => ({ ...segment, count: summary[segment.field] }));
  const sending = progress.status === 'sending';
  // Reports keep arriving after the last message went out: poll gently until they are in.
  const awaitingReports = summary.awaiting_report > 0 && progress.status !== 'scheduled';

  return (
    <>
      <AutoRefresh active={sending || awaitingReports} intervalMs={sending ? 2_000 : 10_000} />
      <PageHeader title={progress.name || t('untitled', { count: total })}>
        <Link href="/bulk" className="text-sm text-slate-700 underline underline-offset-2">
          {t('back')}
        </Link>
      </PageHeader>

      <div className="space-y-6">
        <section aria-labelledby="overview-title" className={sectionClass}>
          <div className="mb-4 flex flex-wrap items-center gap-3">
            <h2 id="overview-title" className="text-lg font-semibold">
              {t('overview')}
            </h2>
            <span aria-live="polite">
              <span className="sr-only">{t('state')}: </span>
              <CampaignStatusBadge status={progress.status} label={statusWord} />
            </span>
          </div>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr_max-content_1fr]">
            <dt className="text-slate-600">{t('sender')}</dt>
            <dd className="font-medium">{progress.sender}</dd>
            <dt className="text-slate-600">{t('created')}</dt>
            <dd className="tabular">{when(progress.createdAt)}</dd>
            {times.scheduledAt ? (
              <>
                <dt className="text-slate-600">{t('scheduledFor')}</dt>
                <dd className="tabular">{when(times.scheduledAt)}</dd>
              </>
            ) : null}
            {times.startedAt ? (
              <>
                <dt className="text-slate-600">{t('started')}</dt>
                <dd className="tabular">{when(times.startedAt)}</dd>
              </>
            ) : null}
            {times.finishedAt ? (
              <>
                <dt className="text-slate-600">{t('finished')}</dt>
                <dd className="tabular">{when(times.finishedAt)}</dd>
              </>
            ) : null}
            <dt className="text-slate-600">{t('recipients')}</dt>
            <dd className="tabular">{format.number(total)}</dd>
            <dt className="text-slate-600">{t('rate')}</dt>
            <dd className="tabular">{t('rateValue', { rate: progress.rate })}</dd>
            <dt className="text-slate-600">{t('pointsSpent')}</dt>
            <dd className="tabular">{points(progress.points - progress.pointsRefunded)}</dd>
            <dt className="text-slate-600">{t('pointsRefunded')}</dt>
            <dd className="tabular">{points(progress.pointsRefunded)}</dd>
          </dl>
        </section>

        <section aria-labelledby="progress-title" className={sectionClass}>
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="progress-title" className="text-lg font-semibold">
              {t('progress.title')}
            </h2>
            <p className="tabular text-sm text-slate-600">
              {t('progress.sentOf', { sent: summary.sent, total, percent: percent(summary.sent) })}
            </p>
          </div>
          <CampaignProgressBar
            summary={summary}
            total={total}
            labelledBy="progress-title"
            label={t('progress.sentOf', { sent: summary.sent, total, percent: percent(summary.sent) })}
          />
          <table className="mt-4 w-full max-w-lg text-sm">
            <caption className="sr-only">{t('progress.caption')}</caption>
            <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="py-2 pr-4 text-left">{t('progress.status')}</th>
                <th scope="col" className="py-2 pr-4 text-right">{t('progress.count')}</th>
                <th scope="col" className="py-2 text-right">{t('progress.share')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <tr className="font-medium">
                <th scope="row" className="py-1.5 pr-4 text-left font-medium">
                  {t('progress.sent')}
                </th>
                <td className="tabular py-1.5 pr-4 text-right" data-testid="count-sent">
                  {format.number(summary.sent)}
                </td>
                <td className="tabular py-1.5 text-right">{percent(summary.sent)}</td>
              </tr>
              {segments.map((segment) => (
                <tr key={segment.key}>
                  <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                    <span className="inline-flex items-center gap-2">
                      <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-sm ${segment.bar}`} />
                      {t(`progress.${segment.key}`)}
                    </span>
                  </th>
                  <td className="tabular py-1.5 pr-4 text-right" data-testid={`count-${segment.key}`}>
                    {format.number(segment.count)}
                  </td>
                  <td className="tabular py-1.5 text-right whitespace-nowrap">{percent(segment.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="downloads-title" className={sectionClass}>
          <h2 id="downloads-title" className="mb-3 text-lg font-semibold">
            {tr('downloads')}
          </h2>
          {/* Plain links, never next/link: a prefetch would start an export. */}
          <ul className="flex flex-wrap gap-3 text-sm">
            {(['csv', 'pdf'] as const).map((kind) => (
              <li key={kind}>
                <a
                  href={`/bulk/${progress.id}/delivery-report.${kind}`}
                  download
                  className="inline-flex rounded-md border border-slate-300 px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50"
                >
                  {tr(kind === 'csv' ? 'downloadCsv' : 'downloadPdf')}
                </a>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="controls-title" className={sectionClass}>
          <h2 id="controls-title" className="mb-1 text-lg font-semibold">
            {t('controls.title')}
          </h2>
          <p className="mb-3 text-sm text-slate-600">
            {FINAL.includes(progress.status) ? t('controls.final') : t(`controls.help.${status ?? 'sending'}`)}
          </p>
          <CampaignControls id={progress.id} status={progress.status} pendingCount={summary.pending} refundableUnits={progress.refundableUnits} />
        </section>
        <section aria-labelledby="messages-title" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="messages-title" className="text-lg font-semibold">
              {t('messages.title')}
            </h2>
            <Link href={`/history?campaign=${progress.id}`} className="text-sm font-medium text-brand-700 underline underline-offset-2">
              {t('messages.filter')}
            </Link>
          </div>
          {latest.rows.length ? (
            <MessageTable rows={latest.rows} caption={th('table.caption')} />
          ) : (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t('messages.empty')}</p>
          )}
          {latest.olderCursor ? <p className="text-xs text-slate-500">{t('messages.more')}</p> : null}
        </section>
      </div>
    </>
  );
}
