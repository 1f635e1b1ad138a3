import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { campaignJson } from '@/lib/campaigns/api';
import { listCampaigns } from '@/lib/campaigns/list';
import { campaignState } from '@/lib/campaigns/states';
import { formatPoints } from '@/lib/messaging/pricing';
import { CampaignProgressBar } from '../../_components/campaign-progress-bar';
import { CampaignStatusBadge } from '../../_components/campaign-status-badge';
import { PageHeader } from '../../_components/page-header';
import { Alert } from '../../_components/ui/alert';
import { buttonClass } from '../../_components/ui/button';
import { Table, TableCell, TableRowHeader } from '../../_components/ui/table';
import { DATE_TIME } from '@/lib/i18n/formats';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('bulk'))('title') };
}

const EXCERPT = 60;

export default async function BulkPage({ searchParams }: { searchParams: Promise<{ before?: string; after?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const [t, tc, format, locale, page] = await Promise.all([
    getTranslations('bulk'),
    getTranslations('campaign'),
    getFormatter(),
    getLocale(),
    listCampaigns(user.account.id, {
      before: typeof params.before === 'string' ? params.before : null,
      after: typeof params.after === 'string' ? params.after : null,
    }),
  ]);
  return (
    <>
      <PageHeader title={t('title')}>
        <Link href="/send" className={buttonClass()}>
          {t('newCampaign')}
        </Link>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      {page.cursorRejected ? (
        <Alert tone="warning" className="mb-4">
          {t('badCursor')}
        </Alert>
      ) : null}
      {page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t('empty')}</p>
      ) : (
        <Table
          caption={t('caption')}
          framed
          columns={[
            { label: t('campaign'), className: 'w-1/4' },
            { label: t('sender') },
            { label: t('created') },
            { label: t('state') },
            { label: t('progress'), className: 'w-1/5' },
            { label: t('recipients'), numeric: true },
            { label: t('points'), numeric: true },
          ]}
        >
          {page.items.map((campaign) => {
            const summary = campaignJson(campaign).progress;
            const state = campaignState(campaign.status);
            const excerpt = campaign.content.length > EXCERPT ? `${campaign.content.slice(0, EXCERPT)}…` : campaign.content;
            const progressText = t('progressText', {
              sent: format.number(summary.sent),
              total: format.number(campaign.recipients),
              delivered: format.number(summary.delivered),
              failed: format.number(summary.failed),
              pending: format.number(summary.pending),
            });
            return (
              <tr key={campaign.id}>
                <TableRowHeader wide long>
                  <Link href={`/bulk/${campaign.id}`} className="text-brand-700 underline-offset-2 hover:underline">
                    {campaign.name || t('untitled', { count: campaign.recipients })}
                  </Link>
                  {campaign.followsCampaignId ? (
                    <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-brand-700">{t('followUp')}</span>
                  ) : null}
                  {campaign.guardTrip && campaign.status === 'paused' ? (
                    <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900">{t('guardPaused')}</span>
                  ) : null}
                  {campaign.source === 'api' ? (
                    <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-slate-700">{t('viaApi')}</span>
                  ) : null}
                  <span className="mt-0.5 block text-xs font-normal text-slate-600">{excerpt}</span>
                </TableRowHeader>
                <TableCell>{campaign.sender}</TableCell>
                <TableCell className="tabular">{format.dateTime(campaign.createdAt, DATE_TIME)}</TableCell>
                <TableCell nowrap>
                  <CampaignStatusBadge status={campaign.status} label={state ? tc(`status.${state}`) : campaign.status} />
                </TableCell>
                <TableCell wide>
                  <CampaignProgressBar summary={summary} total={campaign.recipients} label={progressText} size="h-2" />
                  <p className="tabular mt-1 text-xs text-slate-600">{progressText}</p>
                </TableCell>
                <TableCell numeric>{format.number(campaign.recipients)}</TableCell>
                <TableCell numeric>{formatPoints(campaign.points - campaign.pointsRefunded, locale)}</TableCell>
              </tr>
            );
          })}
        </Table>
      )}
      {page.newer || page.older ? (
        <nav aria-label={t('pages')} className="mt-4 flex justify-between text-sm">
          {page.newer ? (
            <Link href={`/bulk?after=${page.newer}`} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              ← {t('newer')}
            </Link>
          ) : (
            <span />
          )}
          {page.older ? (
            <Link href={`/bulk?before=${page.older}`} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              {t('older')} →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}
