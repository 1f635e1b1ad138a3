import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { canWrite } from '@/lib/auth/roles';
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
import { buttonClass } from '../../../_components/ui/button';
import { Section } from '../../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { DATE_TIME } from '@/lib/i18n/formats';
import { listTargetTrail } from '@/lib/audit/list';
import { AuditTable } from '../../../_components/audit-table';
import { InsightsPanels } from '../../../_components/insights-panels';
import { loadInsights } from '@/lib/insights/query';
import { listSenderNames } from '@/lib/accounts';
import { Alert } from '../../../_components/ui/alert';
import { AudiencePanel } from './audience-panel';
import { CampaignControls } from './campaign-controls';
import { ResendPanel } from './resend-panel';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('campaign'))('metaTitle') };
}

const FINAL = ['completed', 'stopped'];

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const progress = await getCampaignProgress(user.account.id, id);
  if (!progress) notFound();
  const times = progress;
  const summary = campaignJson(progress).progress;
  const [t, format, locale, latest, th, tr, ta, trail, insights, senders] = await Promise.all([
    getTranslations('campaign'),
    getFormatter(),
    getLocale(),
    listMessages(user.account.id, defaultFilters({ campaign: progress.id })),
    getTranslations('history'),
    getTranslations('deliveryReport'),
    getTranslations('audit.activity'),
    listTargetTrail(user.account.id, { type: 'campaign', id: progress.id }),
    // Nothing to show before a message has gone out (the page polls while sending).
    summary.sent > 0 ? loadInsights({ accountId: user.account.id, campaignId: progress.id }) : null,
    canWrite(user) ? listSenderNames(user.account.id) : [],
  ]);
  const finished = FINAL.includes(progress.status);
  const trip = progress.guardTrip;
  const when = (date: Date) => format.dateTime(date, DATE_TIME);

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
        <Link href="/bulk" className={buttonClass({ variant: 'link', size: 'inline' })}>
          {t('back')}
        </Link>
      </PageHeader>

      <div className="space-y-6">
        {trip && progress.status === 'paused' ? (
          <Alert tone="warning" title={t('guard.pausedTitle')} data-testid="guard-paused">
            <p>
              {t('guard.paused', {
                time: when(trip.at),
                failed: trip.failed,
                reports: trip.reports,
                share: share(trip.failed / trip.reports),
                percent: progress.guard?.failurePercent ?? 0,
              })}
            </p>
            <p className="mt-1">{t('guard.next')}</p>
          </Alert>
        ) : trip ? (
          <p className="text-sm text-slate-600" data-testid="guard-earlier">
            {t('guard.earlier', { time: when(trip.at), failed: trip.failed, reports: trip.reports })}
          </p>
        ) : null}
        <Section
          id="overview"
          title={t('overview')}
          actions={
            <span aria-live="polite" className="mr-auto">
              <span className="sr-only">{t('state')}: </span>
              <CampaignStatusBadge status={progress.status} label={statusWord} />
            </span>
          }
        >
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)_max-content_minmax(0,1fr)]">
            <dt className="text-slate-600">{t('sender')}</dt>
            <dd className="font-medium wrap-anywhere">{progress.sender}</dd>
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
            <dt className="text-slate-600">{t('skippedOptedOut')}</dt>
            <dd className="tabular" data-testid="skipped-opted-out" title={t('skippedOptedOutHelp')}>
              {format.number(progress.skippedOptedOut)}
            </dd>
            {progress.skippedSuppressed ? (
              <>
                <dt className="text-slate-600">{t('skippedSuppressed')}</dt>
                <dd className="tabular" data-testid="skipped-suppressed" title={t('skippedSuppressedHelp')}>
                  {format.number(progress.skippedSuppressed)}
                </dd>
              </>
            ) : null}
            {progress.origin ? (
              <>
                <dt className="text-slate-600">{t('followsUp')}</dt>
                <dd className="wrap-anywhere">
                  <Link href={`/bulk/${progress.origin.id}`} className={buttonClass({ variant: 'link', size: 'inline' })} data-testid="origin-link">
                    {progress.origin.name || t('untitled', { count: total })}
                  </Link>
                </dd>
              </>
            ) : null}
            {progress.followUp ? (
              <>
                <dt className="text-slate-600">{t('followUp')}</dt>
                <dd className="wrap-anywhere">
                  <Link href={`/bulk/${progress.followUp.id}`} className={buttonClass({ variant: 'link', size: 'inline' })} data-testid="follow-up-link">
                    {t('followUpValue', { name: progress.followUp.name || t('untitled', { count: progress.followUp.recipients }), count: progress.followUp.recipients })}
                  </Link>
                </dd>
              </>
            ) : null}
            <dt className="text-slate-600">{t('guardSetting')}</dt>
            <dd>{progress.guard ? t('guardValue', { percent: progress.guard.failurePercent, window: progress.guard.window }) : t('guardOff')}</dd>
            <dt className="text-slate-600">{t('rate')}</dt>
            <dd className="tabular">{t('rateValue', { rate: progress.rate })}</dd>
            <dt className="text-slate-600">{t('pointsSpent')}</dt>
            <dd className="tabular">{points(progress.points - progress.pointsRefunded)}</dd>
            <dt className="text-slate-600">{t('pointsRefunded')}</dt>
            <dd className="tabular">{points(progress.pointsRefunded)}</dd>
          </dl>
        </Section>

        <Section
          id="progress"
          title={t('progress.title')}
          actions={<p className="tabular text-sm text-slate-600">{t('progress.sentOf', { sent: summary.sent, total, percent: percent(summary.sent) })}</p>}
        >
          <CampaignProgressBar
            summary={summary}
            total={total}
            labelledBy="progress-title"
            label={t('progress.sentOf', { sent: summary.sent, total, percent: percent(summary.sent) })}
          />
          <Table
            caption={t('progress.caption')}
            className="mt-4 max-w-lg"
            columns={[{ label: t('progress.status') }, { label: t('progress.count'), numeric: true }, { label: t('progress.share'), numeric: true }]}
          >
            <tr className="font-medium">
              <TableRowHeader>{t('progress.sent')}</TableRowHeader>
              <TableCell numeric data-testid="count-sent">
                {format.number(summary.sent)}
              </TableCell>
              <TableCell numeric>{percent(summary.sent)}</TableCell>
            </tr>
            {segments.map((segment) => (
              <tr key={segment.key}>
                <TableRowHeader className="font-normal">
                  <span className="inline-flex items-center gap-2">
                    <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-sm ${segment.bar}`} />
                    {t(`progress.${segment.key}`)}
                  </span>
                </TableRowHeader>
                <TableCell numeric data-testid={`count-${segment.key}`}>
                  {format.number(segment.count)}
                </TableCell>
                <TableCell numeric nowrap>
                  {percent(segment.count)}
                </TableCell>
              </tr>
            ))}
          </Table>
        </Section>

        {insights ? <InsightsPanels insights={insights} parts={['summary', 'networks', 'errors', 'arrival']} idPrefix="campaign-" /> : null}

        <Section id="downloads" title={tr('downloads')}>
          {/* Plain links, never next/link: a prefetch would start an export. */}
          <ul className="flex flex-wrap gap-3 text-sm">
            {(['csv', 'pdf'] as const).map((kind) => (
              <li key={kind}>
                <a href={`/bulk/${progress.id}/delivery-report.${kind}`} download className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                  {tr(kind === 'csv' ? 'downloadCsv' : 'downloadPdf')}
                </a>
              </li>
            ))}
          </ul>
        </Section>

        {canWrite(user) ? (
          <Section id="controls" title={t('controls.title')} help={FINAL.includes(progress.status) ? t('controls.final') : t(`controls.help.${status ?? 'sending'}`)}>
            <CampaignControls id={progress.id} status={progress.status} pendingCount={summary.pending} refundableUnits={progress.refundableUnits} />
          </Section>
        ) : null}
        {canWrite(user) && !progress.followUp ? (
          <Section id="resend" title={t('resend.title')} help={t('resend.help')}>
            {finished ? (
              <ResendPanel id={progress.id} sender={progress.sender} content={progress.content} senders={senders.map((s) => s.name)} />
            ) : (
              <p className="text-sm text-slate-600">{t('resend.notYet')}</p>
            )}
          </Section>
        ) : null}
        {canWrite(user) && summary.sent > 0 ? (
          <Section id="audiences" title={t('audiences.title')} help={t('audiences.help')}>
            <AudiencePanel
              id={progress.id}
              campaignName={progress.name || t('untitled', { count: total })}
              segments={[
                { segment: 'clicked', count: null },
                { segment: 'not_clicked', count: null },
                { segment: 'delivered', count: summary.delivered },
                { segment: 'not_delivered', count: summary.failed },
              ]}
            />
          </Section>
        ) : null}
        <section aria-labelledby="messages-title" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="messages-title" className="text-lg font-semibold">
              {t('messages.title')}
            </h2>
            <Link href={`/history?campaign=${progress.id}`} className={buttonClass({ variant: 'link', size: 'inline' })}>
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

        <Section id="activity" title={ta('title')}>
          {trail.length ? <AuditTable rows={trail} caption={ta('caption')} compact /> : <p className="text-sm text-slate-600">{ta('empty')}</p>}
        </Section>
      </div>
    </>
  );
}
