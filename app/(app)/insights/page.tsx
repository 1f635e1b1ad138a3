import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { problemText } from '@/lib/errors';
import { formatDaySpan } from '@/lib/i18n/formats';
import { DEFAULT_LOCALE, isLocale } from '@/lib/i18n/locale';
import { loadInsights } from '@/lib/insights/query';
import { PAGE_PERIODS, parsePagePeriod } from '@/lib/reports/periods';
import { InsightsPanels } from '../../_components/insights-panels';
import { PageHeader } from '../../_components/page-header';
import { Alert } from '../../_components/ui/alert';
import { Button } from '../../_components/ui/button';
import { Section } from '../../_components/ui/card';
import { Input } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('insights'))('metaTitle') };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// Deliverability for a period of whole local days: from the rollups, never a scan of messages.
export default async function InsightsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const q = parsePagePeriod(await searchParams, new Date(), user.account.timeZone);
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  const [t, format, insights] = await Promise.all([
    getTranslations('insights'),
    getFormatter(),
    loadInsights({ accountId: user.account.id, fromDay: q.period.fromDay, toDay: q.period.toDay }),
  ]);
  const days = formatDaySpan(format, { from: q.period.fromDay, to: q.period.toDay });

  return (
    <>
      <PageHeader title={t('title')} />
      <div className="space-y-6">
        <Section id="period" title={t('period')} help={t('intro')}>
          <form method="get" action="/insights" className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('period')}</span>
              <Select name="period" defaultValue={q.kind}>
                {PAGE_PERIODS.map((p) => (
                  <option key={p} value={p}>
                    {t(`periods.${p}`)}
                  </option>
                ))}
              </Select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('from')}</span>
              <Input type="date" name="from" defaultValue={q.from} />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('to')}</span>
              <Input type="date" name="to" defaultValue={q.to} />
            </label>
            <Button type="submit" variant="secondary">
              {t('show')}
            </Button>
          </form>
          <p className="mt-3 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="insights-period">
            {t(`periods.${q.kind}`)}: {t('periodLine', { days, timeZone: user.account.timeZone })}
          </p>
          {q.problem ? (
            <Alert tone="error" className="mt-3">
              {problemText(q.problem.problems[0], locale)}
            </Alert>
          ) : null}
        </Section>
        <InsightsPanels insights={insights} parts={['summary', 'days', 'networks', 'errors', 'senders', 'countries', 'hours', 'arrival']} idPrefix="" />
      </div>
    </>
  );
}
