'use client';

import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { formatPoints } from '@/lib/messaging/pricing';
import type { ActionFailure } from '@/lib/gates/action';
import type { InvalidEntry, InvalidSample, previewSend, SkippedEntry, SkippedSample } from './actions';
import { buttonClass } from '../../_components/ui/button';
import { DATE_TIME } from '@/lib/i18n/formats';

type PreviewResult = Awaited<ReturnType<typeof previewSend>>;

const sendButton = buttonClass({}, 'w-full');

function InvalidList({ entries, total, skipped }: { entries: (InvalidEntry | SkippedEntry)[]; total: number; skipped?: boolean }) {
  const t = useTranslations('send.check');
  if (!entries.length) return null;
  const caption = skipped
    ? total > entries.length
      ? t('skippedFirst', { shown: entries.length, total })
      : t('skippedAll')
    : total > entries.length
      ? t('invalidFirst', { shown: entries.length, total })
      : t('invalidAll');
  return (
    <div className="space-y-1" data-testid={skipped ? 'skipped-list' : 'invalid-list'}>
      <table className="w-full text-left text-sm">
        <caption className="pb-1 text-left text-xs text-slate-600">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-1 pr-3">{t('entry')}</th>
            <th scope="col" className="py-1">{t('reason')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((entry, i) => (
            <tr key={i}>
              <td className="max-w-40 truncate py-1 pr-3 font-mono text-xs" title={entry.input}>
                {entry.input}
              </td>
              <td className="py-1 text-xs text-slate-700">{entry.reason === 'opted_out' || entry.reason === 'suppressed' ? t(`skippedReasons.${entry.reason}`) : t(`reasons.${entry.reason}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FailureNotice({ failure }: { failure: ActionFailure }) {
  // A refused list of numbers comes with its first entries (app/(app)/send/actions.ts).
  const sample = failure.details as (InvalidSample & Partial<SkippedSample>) | undefined;
  return (
    <div role="alert" className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-medium">{failure.message}</p>
      {sample?.invalid?.length || sample?.skipped?.length ? (
        <div className="space-y-3 rounded-md bg-white p-3">
          <InvalidList entries={sample.invalid ?? []} total={sample.invalidCount ?? 0} />
          <InvalidList entries={sample.skipped ?? []} total={sample.skippedCount ?? 0} skipped />
        </div>
      ) : null}
    </div>
  );
}

/** What the server's check found, and the Send button once it is fit to send. */
export function CheckResult({
  result,
  scheduledAt,
  timeZone,
  sending,
  disabled,
  onSend,
}: {
  result: PreviewResult;
  scheduledAt: string | null;
  timeZone: string;
  sending: boolean;
  disabled: boolean;
  onSend: () => void;
}) {
  const t = useTranslations('send.check');
  const format = useFormatter();
  const locale = useLocale();
  if (!result.ok) return <FailureNotice failure={result} />;
  const points = (units: number) => formatPoints(units, locale);
  const short = result.totalUnits > result.balance;
  const when = scheduledAt ? format.dateTime(new Date(scheduledAt), { ...DATE_TIME, timeZone }) : null;
  return (
    <section aria-labelledby="check-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5" data-testid="check-result">
      <h2 id="check-title" className="text-base font-semibold">
        {t('title')}
      </h2>
      <dl className="grid grid-cols-[1fr_max-content] gap-y-1 [&>dt]:pr-4 text-sm">
        <dt className="text-slate-600">{t('valid')}</dt>
        <dd className="tabular text-right font-semibold">{format.number(result.valid)}</dd>
        <dt className="text-slate-600">{t('invalid')}</dt>
        <dd className={`tabular text-right ${result.invalidCount ? 'text-red-700' : ''}`}>{format.number(result.invalidCount)}</dd>
        <dt className="text-slate-600">{t('duplicates')}</dt>
        <dd className="tabular text-right">{format.number(result.duplicates)}</dd>
        <dt className="text-slate-600">{t('skipped')}</dt>
        <dd className={`tabular text-right ${result.skippedCount ? 'text-amber-800' : ''}`} data-testid="check-skipped">
          {format.number(result.skippedCount)}
        </dd>
        <dt className="text-slate-600">{t('parts')}</dt>
        <dd className="tabular text-right">{format.number(result.parts)}</dd>
        <dt className="border-t border-slate-200 pt-1 font-medium">{t('total')}</dt>
        <dd className="tabular border-t border-slate-200 pt-1 text-right font-semibold">{points(result.totalUnits)}</dd>
        <dt className="text-slate-600">{t('balanceAfter')}</dt>
        <dd className={`tabular text-right ${short ? 'text-red-700' : ''}`}>{points(result.balance - result.totalUnits)}</dd>
      </dl>

      {result.countries.length > 1 ? (
        <table className="w-full text-sm">
          <caption className="pb-1 text-left text-xs text-slate-600">{t('byCountry')}</caption>
          <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-1 text-left">{t('country')}</th>
              <th scope="col" className="py-1 text-right">{t('recipients')}</th>
              <th scope="col" className="py-1 text-right">{t('points')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {result.countries.map((row) => (
              <tr key={row.country}>
                <td className="py-1">{row.country}</td>
                <td className="tabular py-1 text-right">{format.number(row.recipients)}</td>
                <td className="tabular py-1 text-right">{points(row.units)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <InvalidList entries={result.invalid} total={result.invalidCount} />
      <InvalidList entries={result.skipped} total={result.skippedCount} skipped />

      {short ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {t('notEnough', { needed: points(result.totalUnits), balance: points(result.balance) })}
        </p>
      ) : (
        <p className="text-xs text-slate-600">{result.valid > 1 ? t('willBeCampaign') : t('willBeSingle')}</p>
      )}
      <button type="button" onClick={onSend} disabled={disabled || short} className={sendButton}>
        {sending
          ? t('sending')
          : when
            ? t('schedule', { count: result.valid, when, points: points(result.totalUnits) })
            : t('send', { count: result.valid, points: points(result.totalUnits) })}
      </button>
    </section>
  );
}
