import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { cumulativeLine, stackedBars } from '@/lib/insights/charts';
import { durationText } from '@/lib/insights/format';
import type { Breakdown, Insights } from '@/lib/insights/query';
import { failureWords } from '@/lib/insights/words';
import type { Locale } from '@/lib/i18n/locale';
import { statusName } from '@/lib/messaging/statuses';
import { BarChartSvg, LineChartSvg, ShareBar } from './charts';
import { StatusBadge } from './status-badge';
import { Badge } from './ui/badge';
import { Section } from './ui/card';
import { Table, TableCell, TableRowHeader } from './ui/table';

// Delivered, not delivered, awaiting a report: the same three colours everywhere (and in the PDFs).
export const OUTCOME_COLORS = ['#059669', '#dc2626', '#38bdf8'] as const;

type Part = 'summary' | 'days' | 'networks' | 'senders' | 'countries' | 'hours' | 'errors' | 'arrival';

/**
 * The deliverability figures of a campaign or a period (lib/insights/query.ts) as sections: the
 * summary, charts, and tables by network, sender, country and error, each error with its meaning
 * and next step. `parts` picks which; `idPrefix` keeps the section ids unique on the page.
 */
export async function InsightsPanels({ insights, parts, idPrefix }: { insights: Insights; parts: Part[]; idPrefix: string }) {
  const [t, st, format, locale] = await Promise.all([getTranslations('insights'), getTranslations('statuses'), getFormatter(), getLocale()]);
  const words = failureWords(locale as Locale);
  const percent = (value: number | null) => (value === null ? '—' : format.number(value, { style: 'percent', maximumFractionDigits: 1 }));
  const number = (value: number) => format.number(value);
  const seconds = (value: number | null) => durationText(value, locale);
  const legend = [
    { label: t('delivered'), color: OUTCOME_COLORS[0] },
    { label: t('failed'), color: OUTCOME_COLORS[1] },
    { label: t('awaiting'), color: OUTCOME_COLORS[2] },
  ];
  const outcomes = (b: Breakdown) => [b.delivered, b.failed, b.awaiting];
  const titles = (label: string, b: Breakdown) => [
    `${label}: ${t('delivered')} ${number(b.delivered)}`,
    `${label}: ${t('failed')} ${number(b.failed)}`,
    `${label}: ${t('awaiting')} ${number(b.awaiting)}`,
  ];
  const { totals } = insights;
  const has = (part: Part) => parts.includes(part);

  const breakdownTable = (rows: (Breakdown & { name?: string | null; p50?: number | null })[], caption: string, keyLabel: string, unnamed: string, withTime = false) => (
    <Table
      caption={caption}
      columns={[
        { label: keyLabel },
        { label: t('messages'), numeric: true },
        { label: t('delivered'), numeric: true },
        { label: t('failed'), numeric: true },
        { label: t('awaiting'), numeric: true },
        { label: t('rate'), numeric: true },
        ...(withTime ? [{ label: t('median'), numeric: true }] : []),
      ]}
    >
      {rows.map((row) => (
        <tr key={String(row.key)}>
          <TableRowHeader className="font-normal">
            {row.name ?? row.key ?? unnamed}
            {row.name && row.key && row.name !== row.key ? <span className="ml-1 font-mono text-xs text-slate-500">{row.key}</span> : null}
          </TableRowHeader>
          <TableCell numeric>{number(row.messages)}</TableCell>
          <TableCell numeric>{number(row.delivered)}</TableCell>
          <TableCell numeric>{number(row.failed)}</TableCell>
          <TableCell numeric>{number(row.awaiting)}</TableCell>
          <TableCell numeric nowrap>
            {percent(row.rate)}
            <ShareBar value={row.rate} />
          </TableCell>
          {withTime ? <TableCell numeric>{seconds(row.p50 ?? null)}</TableCell> : null}
        </tr>
      ))}
    </Table>
  );

  const empty = <p className="text-sm text-slate-600">{t('none')}</p>;
  const noMessages = totals.messages === 0;

  return (
    <>
      {has('summary') ? (
        <Section id={`${idPrefix}summary`} title={t('summary')} help={t('rateHelp')}>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
            {[
              { label: t('rate'), value: percent(totals.rate), testId: 'insight-rate' },
              { label: t('sent'), value: number(totals.sent), testId: 'insight-sent' },
              { label: t('delivered'), value: number(totals.delivered) },
              { label: t('failed'), value: number(totals.failed) },
              { label: t('awaitingShare'), value: percent(totals.awaitingShare), testId: 'insight-awaiting' },
              { label: t('timeP50'), value: seconds(insights.deliveryTime.p50), testId: 'insight-p50' },
              { label: t('timeP90'), value: seconds(insights.deliveryTime.p90) },
              { label: t('timeP99'), value: seconds(insights.deliveryTime.p99) },
            ].map((fact) => (
              <div key={fact.label} className="rounded-md border border-slate-200 p-3">
                <dt className="text-xs text-slate-600">{fact.label}</dt>
                <dd className="tabular mt-1 text-lg font-semibold" data-testid={fact.testId}>
                  {fact.value}
                </dd>
              </div>
            ))}
          </dl>
          <p className="mt-3 text-xs text-slate-600">{t('timeHelp', { count: insights.deliveryTime.count })}</p>
        </Section>
      ) : null}

      {has('days') ? (
        <Section id={`${idPrefix}days`} title={t('byDay')}>
          {insights.days.length ? (
            <BarChartSvg
              label={t('byDayChart', { days: insights.days.length })}
              legend={legend}
              chart={stackedBars(
                insights.days.map((d) => ({ label: format.dateTime(new Date(`${d.key}T12:00:00Z`), { day: 'numeric', month: 'short', timeZone: 'UTC' }), values: outcomes(d), titles: titles(d.key ?? '', d) })),
                [...OUTCOME_COLORS],
                { width: 640, height: 200, formatTick: (v) => format.number(v, { notation: 'compact' }) },
              )}
            />
          ) : (
            empty
          )}
        </Section>
      ) : null}

      {has('networks') ? (
        <Section id={`${idPrefix}networks`} title={t('byNetwork')} help={t('byNetworkHelp')}>
          {noMessages ? empty : breakdownTable(insights.networks, t('byNetwork'), t('network'), t('unknownNetwork'), true)}
        </Section>
      ) : null}

      {has('errors') ? (
        <Section id={`${idPrefix}errors`} title={t('topErrors')} help={t('topErrorsHelp')}>
          {insights.errors.length ? (
            <Table
              caption={t('topErrors')}
              columns={[
                { label: t('status') },
                { label: t('code'), numeric: true },
                { label: t('kind') },
                { label: t('meaning') },
                { label: t('next') },
                { label: t('messages'), numeric: true },
              ]}
            >
              {insights.errors.slice(0, 10).map((e) => {
                const said = words(e.status, e.errorCode)!;
                const name = statusName(e.status);
                return (
                  <tr key={`${e.status}-${e.errorCode}`}>
                    <TableRowHeader className="font-normal">
                      <StatusBadge code={e.status} label={name ? st(`${name}.label`) : String(e.status)} />
                    </TableRowHeader>
                    <TableCell numeric>{e.errorCode ?? '—'}</TableCell>
                    <TableCell>
                      <Badge tone={e.kind === 'permanent' ? 'red' : e.kind === 'temporary' ? 'amber' : 'slate'}>{said.kindLabel}</Badge>
                    </TableCell>
                    <TableCell wide>{said.meaning}</TableCell>
                    <TableCell wide>{said.next}</TableCell>
                    <TableCell numeric>{number(e.messages)}</TableCell>
                  </tr>
                );
              })}
            </Table>
          ) : (
            <p className="text-sm text-slate-600">{t('noErrors')}</p>
          )}
        </Section>
      ) : null}

      {has('senders') ? (
        <Section id={`${idPrefix}senders`} title={t('bySender')}>
          {noMessages ? empty : breakdownTable(insights.senders, t('bySender'), t('sender'), '—')}
        </Section>
      ) : null}

      {has('countries') ? (
        <Section id={`${idPrefix}countries`} title={t('byCountry')}>
          {noMessages ? empty : breakdownTable(insights.countries, t('byCountry'), t('country'), '—')}
        </Section>
      ) : null}

      {has('hours') ? (
        <Section id={`${idPrefix}hours`} title={t('byHour')} help={t('byHourHelp')}>
          {noMessages ? (
            empty
          ) : (
            <BarChartSvg
              label={t('byHourChart')}
              legend={legend}
              chart={stackedBars(
                insights.hours.map((h) => ({ label: String(h.key).padStart(2, '0'), values: outcomes(h), titles: titles(`${String(h.key).padStart(2, '0')}:00`, h) })),
                [...OUTCOME_COLORS],
                { width: 640, height: 180, labelEvery: 3, formatTick: (v) => format.number(v, { notation: 'compact' }) },
              )}
            />
          )}
        </Section>
      ) : null}

      {has('arrival') ? (
        <Section id={`${idPrefix}arrival`} title={t('arrival')} help={t('arrivalHelp')}>
          {insights.arrival.length ? (
            <LineChartSvg
              label={t('arrivalChart', { p50: seconds(insights.deliveryTime.p50), p90: seconds(insights.deliveryTime.p90) })}
              chart={cumulativeLine(insights.arrival, { width: 640, height: 180, formatSeconds: seconds, formatShare: percent })}
              legend={[{ label: t('arrivalLegend'), color: '#047857' }]}
            />
          ) : (
            empty
          )}
        </Section>
      ) : null}
    </>
  );
}
