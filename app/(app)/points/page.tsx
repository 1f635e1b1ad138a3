import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { problemText } from '@/lib/errors';
import { DATE_TIME, formatDaySpan } from '@/lib/i18n/formats';
import { DEFAULT_LOCALE, isLocale } from '@/lib/i18n/locale';
import { formatPoints } from '@/lib/messaging/pricing';
import { LEDGER_KINDS, listEntries, reconciliation, type LedgerKind } from '@/lib/points/entries';
import { lowBalanceSetting, thresholdText } from '@/lib/points/low-balance';
import { parsePointsQuery, pointsHref } from '@/lib/points/period';
import { PAGE_PERIODS } from '@/lib/reports/periods';
import { SPEND_DIMENSIONS, spendBy, type SpendRow } from '@/lib/points/spend';
import { PageHeader } from '../../_components/page-header';
import { Alert } from '../../_components/ui/alert';
import { Badge, type BadgeTone } from '../../_components/ui/badge';
import { Button, buttonClass } from '../../_components/ui/button';
import { Section } from '../../_components/ui/card';
import { Input } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';
import { Table, TableCell, TableRowHeader } from '../../_components/ui/table';
import { MessageDetailsLink, ThresholdForm } from './points-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('points') };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const kindTones: Record<LedgerKind, BadgeTone> = { top_up: 'green', debit: 'blue', refund: 'amber', adjustment: 'slate' };

export default async function PointsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const params = await searchParams;
  const q = parsePointsQuery(params, new Date(), user.account.timeZone);
  const cursor = typeof params.cursor === 'string' ? params.cursor : null;
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  const [t, d, format, totals, setting, spend, entries] = await Promise.all([
    getTranslations('points'),
    getTranslations('history.details'),
    getFormatter(),
    reconciliation(user.account.id),
    lowBalanceSetting(user.account.id),
    spendBy(user.account.id, q.by, q.period, user.account.timeZone),
    listEntries(user.account.id, { kind: q.entryKind, period: q.period }, cursor),
  ]);
  const points = (units: number) => formatPoints(units, locale);
  const signed = (units: number) => (units > 0 ? `+${points(units)}` : points(units));
  const regions = new Intl.DisplayNames([locale], { type: 'region' });
  // A code Intl cannot name (or refuses) stays the code.
  const regionName = (code: string) => {
    try {
      return regions.of(code) ?? code;
    } catch {
      return code;
    }
  };
  const days = formatDaySpan(format, { from: q.period.fromDay, to: q.period.toDay });
  const owner = user.role === 'owner';

  const spendLabel = (row: SpendRow) => {
    switch (spend.dimension) {
      case 'campaign':
        return row.key === null ? t('spend.single') : <Link href={`/bulk/${row.key}`}>{row.label || row.key}</Link>;
      case 'user':
        return row.key === null ? t('spend.noUser') : (row.label ?? row.key);
      case 'country':
        return row.key ? `${regionName(row.key)} (${row.key})` : t('entries.none');
      case 'source':
        return row.key === 'api' || row.key === 'portal' ? t(`spend.sources.${row.key}`) : (row.key ?? t('entries.none'));
      default:
        return row.key ?? t('entries.none');
    }
  };

  return (
    <>
      <PageHeader title={t('title')} />
      <div className="space-y-6">
        <Section id="balance" title={t('balance.title')} help={t('balance.help')}>
          <dl className="grid gap-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-600">{t('balance.balance')}</dt>
              <dd className="tabular text-lg font-semibold" data-testid="points-balance">
                {points(totals.balance)}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">{t('balance.entriesSum')}</dt>
              <dd className="tabular text-lg font-semibold" data-testid="points-entries-sum">
                {points(totals.entriesSum)}
              </dd>
            </div>
            <div className="self-end">
              <dt className="sr-only">{t('balance.check')}</dt>
              <dd data-testid="points-reconciliation">
                {totals.difference === 0 ? (
                  <Badge tone="green">{t('balance.reconciled')}</Badge>
                ) : (
                  <Badge tone="red">{t('balance.difference', { value: signed(totals.difference) })}</Badge>
                )}
              </dd>
            </div>
          </dl>
        </Section>

        <Section id="threshold" title={t('threshold.title')} help={t('threshold.help')}>
          <p className="mb-3 text-sm text-slate-700">
            {setting.threshold === null ? t('threshold.off') : t('threshold.current', { value: points(setting.threshold) })}
            {setting.warnedAt ? ` ${t('threshold.warnedAt', { time: format.dateTime(setting.warnedAt, DATE_TIME) })}` : null}
          </p>
          {owner ? (
            <ThresholdForm current={setting.threshold === null ? '' : thresholdText(setting.threshold, locale)} />
          ) : (
            <p className="text-sm text-slate-600">{t('threshold.ownerOnly')}</p>
          )}
        </Section>

        <Section id="period" title={t('filters.title')}>
          <form method="get" action="/points" className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('filters.period')}</span>
              <Select name="period" defaultValue={q.kind}>
                {PAGE_PERIODS.map((p) => (
                  <option key={p} value={p}>
                    {t(`filters.periods.${p}`)}
                  </option>
                ))}
              </Select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('filters.from')}</span>
              <Input type="date" name="from" defaultValue={q.from} />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('filters.to')}</span>
              <Input type="date" name="to" defaultValue={q.to} />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">{t('filters.kind')}</span>
              <Select name="kind" defaultValue={q.entryKind ?? ''}>
                <option value="">{t('filters.allKinds')}</option>
                {LEDGER_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`kinds.${kind}`)}
                  </option>
                ))}
              </Select>
            </label>
            {q.by !== 'campaign' ? <input type="hidden" name="by" value={q.by} /> : null}
            <Button type="submit" variant="secondary">
              {t('filters.show')}
            </Button>
          </form>
          <p className="mt-3 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="points-period">
            {t(`filters.periods.${q.kind}`)}: {days}
          </p>
          {q.problem ? (
            <Alert tone="error" className="mt-3">
              {problemText(q.problem.problems[0], locale)}
            </Alert>
          ) : null}
        </Section>

        <Section id="spend" title={t('spend.title')} help={t('spend.help')}>
          <nav aria-label={t('spend.tabs')} className="mb-3 flex flex-wrap gap-2">
            {SPEND_DIMENSIONS.map((by) => (
              <Link
                key={by}
                href={`${pointsHref(q, { by })}#spend-title`}
                aria-current={by === q.by ? 'page' : undefined}
                className={buttonClass({ variant: by === q.by ? 'primary' : 'secondary', size: 'sm' })}
              >
                {t(`spend.by.${by}`)}
              </Link>
            ))}
          </nav>
          {spend.rows.length === 0 ? (
            <p className="text-sm text-slate-600">{t('spend.empty')}</p>
          ) : (
            <Table
              caption={`${t('spend.title')}: ${t(`spend.by.${q.by}`)}, ${days}`}
              columns={[{ label: t(`spend.by.${q.by}`) }, { label: t('spend.points'), numeric: true }, { label: t('spend.messages'), numeric: true }]}
              data-testid="spend-table"
            >
              {spend.rows.map((row) => (
                <tr key={row.key ?? ''} data-key={row.key ?? ''}>
                  <TableRowHeader long>{spendLabel(row)}</TableRowHeader>
                  <TableCell numeric>{points(row.points)}</TableCell>
                  <TableCell numeric>{format.number(row.messages)}</TableCell>
                </tr>
              ))}
              <tr data-total>
                <TableRowHeader className="font-semibold">{t('spend.total')}</TableRowHeader>
                <TableCell numeric className="font-semibold">
                  {points(spend.total.points)}
                </TableCell>
                <TableCell numeric className="font-semibold">
                  {format.number(spend.total.messages)}
                </TableCell>
              </tr>
            </Table>
          )}
          {spend.hidden ? <p className="mt-2 text-sm text-slate-600">{t('spend.hidden', { count: spend.hidden })}</p> : null}
        </Section>

        <Section
          id="entries"
          title={t('entries.title')}
          help={t('entries.help')}
          actions={
            // A plain link: next/link would prefetch, which would start a download.
            <a href={pointsHref(q, {}, '/points/entries.csv')} download className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              {t('entries.download')}
            </a>
          }
        >
          {entries.rows.length === 0 ? (
            <p className="text-sm text-slate-600">{t('entries.empty')}</p>
          ) : (
            <Table
              caption={`${t('entries.title')}, ${days}`}
              columns={[
                { label: t('entries.date') },
                { label: t('entries.kind') },
                { label: t('entries.points'), numeric: true },
                { label: t('entries.cause') },
                { label: t('entries.user') },
                { label: t('entries.note') },
              ]}
              data-testid="entries-table"
            >
              {entries.rows.map((entry) => (
                <tr key={entry.id} data-entry={entry.id}>
                  <TableCell className="tabular" nowrap>
                    <time dateTime={entry.createdAt.toISOString()}>{format.dateTime(entry.createdAt, DATE_TIME)}</time>
                  </TableCell>
                  <TableCell>
                    <Badge tone={kindTones[entry.kind]} data-kind={entry.kind}>
                      {t(`kinds.${entry.kind}`)}
                    </Badge>
                  </TableCell>
                  <TableCell numeric nowrap>
                    {signed(entry.amount)}
                  </TableCell>
                  <TableCell long>
                    {entry.campaign ? (
                      <Link href={`/bulk/${entry.campaign.id}`}>{entry.campaign.title || entry.campaign.id}</Link>
                    ) : entry.messageId !== null ? (
                      <MessageDetailsLink
                        id={entry.messageId}
                        labels={{ open: t('entries.message', { id: entry.messageId }), title: d('title'), close: d('close'), loading: d('loading'), failed: d('failed') }}
                      />
                    ) : (
                      t('entries.none')
                    )}
                  </TableCell>
                  <TableCell long>{entry.user?.label ?? t('entries.none')}</TableCell>
                  <TableCell long>{entry.note || t('entries.none')}</TableCell>
                </tr>
              ))}
            </Table>
          )}
          {cursor || entries.older ? (
            <nav aria-label={t('entries.pages')} className="mt-3 flex flex-wrap justify-between gap-3 text-sm">
              {cursor ? (
                <Link href={`${pointsHref(q)}#entries-title`} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                  {t('entries.newest')}
                </Link>
              ) : (
                <span />
              )}
              {entries.older ? (
                <Link href={`${pointsHref(q, { cursor: entries.older })}#entries-title`} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                  {t('entries.older')} →
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Section>
      </div>
    </>
  );
}
