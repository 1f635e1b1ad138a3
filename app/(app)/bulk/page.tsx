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
  const cell = 'px-3 py-2 align-top';
  return (
    <>
      <PageHeader title={t('title')}>
        <Link href="/send" className="rounded-md bg-brand-600 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-700">
          {t('newCampaign')}
        </Link>
      </PageHeader>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      {page.cursorRejected ? (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t('badCursor')}
        </p>
      ) : null}
      {page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t('empty')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t('caption')}</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className={cell}>{t('campaign')}</th>
                <th scope="col" className={cell}>{t('sender')}</th>
                <th scope="col" className={cell}>{t('created')}</th>
                <th scope="col" className={cell}>{t('state')}</th>
                <th scope="col" className={`${cell} min-w-48`}>{t('progress')}</th>
                <th scope="col" className={`${cell} text-right`}>{t('recipients')}</th>
                <th scope="col" className={`${cell} text-right`}>{t('points')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
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
                  <tr key={campaign.id} className="hover:bg-slate-50">
                    <td className={`${cell} max-w-xs`}>
                      <Link href={`/bulk/${campaign.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                        {campaign.name || t('untitled', { count: campaign.recipients })}
                      </Link>
                      {campaign.source === 'api' ? (
                        <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-[10px] font-medium text-slate-600">{t('viaApi')}</span>
                      ) : null}
                      <p className="truncate text-xs text-slate-500" title={campaign.content}>
                        {excerpt}
                      </p>
                    </td>
                    <td className={cell}>{campaign.sender}</td>
                    <td className={`${cell} tabular whitespace-nowrap`}>
                      {format.dateTime(campaign.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                    </td>
                    <td className={cell}>
                      <CampaignStatusBadge status={campaign.status} label={state ? tc(`status.${state}`) : campaign.status} />
                    </td>
                    <td className={cell}>
                      <CampaignProgressBar summary={summary} total={campaign.recipients} label={progressText} size="h-2" />
                      <p className="tabular mt-1 text-xs text-slate-500">{progressText}</p>
                    </td>
                    <td className={`${cell} tabular text-right`}>{format.number(campaign.recipients)}</td>
                    <td className={`${cell} tabular text-right`}>{formatPoints(campaign.points - campaign.pointsRefunded, locale)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {page.newer || page.older ? (
        <nav aria-label={t('pages')} className="mt-4 flex justify-between text-sm">
          {page.newer ? <Link href={`/bulk?after=${page.newer}`} className="underline">← {t('newer')}</Link> : <span />}
          {page.older ? <Link href={`/bulk?before=${page.older}`} className="underline">{t('older')} →</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}
