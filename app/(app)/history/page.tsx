import type { Metadata } from 'next';
import Link from 'next/link';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { localToday } from '@/lib/calendar';
import {
  hasNarrowingFilters,
  MAX_RANGE_DAYS,
  PAGE_SIZES,
  parseHistoryFilters,
  STATUS_GROUPS,
  type FilterValues,
  type HistoryFilters,
} from '@/lib/history/filters';
import { listHistorySenders, listMessages, type HistoryPage } from '@/lib/history/query';
import { isFinalStatus, STATUS, STATUS_CODES, statusName, type StatusName } from '@/lib/messaging/statuses';
import { MessageTable } from '../../_components/message-table';
import { PageHeader } from '../../_components/page-header';
import { StatusBadge } from '../../_components/status-badge';
import { FilterForm } from './filter-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('history') };
}

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = '/history';
const sectionClass = 'rounded-lg border border-slate-200 bg-white p-5';
const labelClass = 'mb-1 block text-sm font-medium text-slate-700';
const inputClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-xs aria-invalid:border-red-500 aria-invalid:ring-1 aria-invalid:ring-red-500';
const linkButton = 'inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50';
const disabledButton = 'inline-flex items-center gap-1 rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400';

function callingCodeOf(country: string): string {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return '359';
  }
}

/** The page's URL with these filter values (as the user gave them) and, optionally, a cursor. */
function hrefFor(values: FilterValues, cursor?: { cursor: string; dir: 'older' | 'newer' }): string {
  const params = new URLSearchParams();
  const add = (key: string, value: string) => {
    if (value !== '') params.append(key, value);
  };
  add('sender', values.sender);
  add('recipient', values.recipient);
  if (values.status.length) params.append('status', values.status.join(','));
  add('source', values.source);
  add('from', values.from);
  add('to', values.to);
  add('campaign', values.campaign);
  add('size', values.size);
  if (cursor) {
    params.append('cursor', cursor.cursor);
    if (cursor.dir === 'newer') params.append('dir', 'newer');
  }
  const query = params.toString();
  return query ? `${PATH}?${query}` : PATH;
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const account = user.account;
  const [params, senders, t, st, pages, format] = await Promise.all([
    searchParams,
    listHistorySenders(account.id),
    getTranslations('history'),
    getTranslations('statuses'),
    getTranslations('pages'),
    getFormatter(),
  ]);
  const parsed = parseHistoryFilters(params, { country: account.country, timeZone: account.timeZone, senderNames: senders });
  const filters: HistoryFilters | null = parsed.ok ? parsed.filters : null;
  const page: HistoryPage | null = filters ? await listMessages(account.id, filters) : null;
  const values = parsed.values;
  const invalid = new Set<string>(parsed.ok ? [] : parsed.errors.map((e) => e.field));
  const errorId = (field: string) => (invalid.has(field) ? 'history-errors' : undefined);

  const label = (code: number) => {
    const name = statusName(code);
    return name ? st(`${name}.label`) : String(code);
  };
  const statusValue = filters ? filters.statuses.join(',') : values.status.join(',');
  const statusOptions = [
    ...STATUS_GROUPS.map((group) => group.codes.join(',')),
    ...STATUS_CODES.map(String),
  ];
  const customStatus = statusValue !== '' && !statusOptions.includes(statusValue);
  const day = (iso: string) => format.dateTime(new Date(`${iso}T12:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' });
  const today = localToday(account.timeZone);

  let scope: string | null = null;
  if (filters?.range) scope = t('scope.range', { from: day(filters.range.from), to: day(filters.range.to), timeZone: account.timeZone });
  else if (filters?.campaign) scope = t('scope.campaign');
  else if (filters) scope = t('scope.window');

  let empty: React.ReactNode = null;
  if (page && filters && page.rows.length === 0) {
    if (filters.cursor) {
      empty = (
        <>
          {t('empty.end')}{' '}
          <Link href={hrefFor(values)} className="font-medium text-brand-700 underline underline-offset-2">
            {t('pager.newest')}
          </Link>
        </>
      );
    } else if (hasNarrowingFilters(filters)) {
      empty = (
        <>
          {t('empty.filtered')}{' '}
          <Link href={PATH} className="font-medium text-brand-700 underline underline-offset-2">
            {t('filters.clear')}
          </Link>
        </>
      );
    } else {
      empty = filters.range ? t('empty.range') : t('empty.window');
    }
  }

  return (
    <>
      <PageHeader title={pages('history')} />
      <div className="space-y-6">
        <section aria-labelledby="filters-title" className={sectionClass}>
          <h2 id="filters-title" className="sr-only">
            {t('filters.title')}
          </h2>
          <FilterForm action={PATH} label={t('filters.title')}>
            <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-4">
              <div>
                <label htmlFor="f-sender" className={labelClass}>
                  {t('filters.sender')}
                </label>
                <select id="f-sender" name="sender" defaultValue={values.sender} aria-invalid={invalid.has('sender') || undefined} aria-errormessage={errorId('sender')} className={inputClass}>
                  <option value="">{t('filters.allSenders')}</option>
                  {senders.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                  {values.sender && !senders.includes(values.sender) ? <option value={values.sender}>{values.sender}</option> : null}
                </select>
              </div>
              <div>
                <label htmlFor="f-recipient" className={labelClass}>
                  {t('filters.recipient')}
                </label>
                <input
                  id="f-recipient"
                  name="recipient"
                  type="search"
                  inputMode="tel"
                  autoComplete="off"
                  maxLength={40}
                  defaultValue={values.recipient}
                  placeholder={t('filters.recipientPlaceholder')}
                  aria-describedby="f-recipient-help"
                  aria-invalid={invalid.has('recipient') || undefined}
                  aria-errormessage={errorId('recipient')}
                  className={inputClass}
                />
                <p id="f-recipient-help" className="mt-1 text-xs text-slate-500">
                  {t('filters.recipientHelp', { callingCode: callingCodeOf(account.country) })}
                </p>
              </div>
              <div>
                <label htmlFor="f-status" className={labelClass}>
                  {t('filters.status')}
                </label>
                <select id="f-status" name="status" defaultValue={statusValue} aria-invalid={invalid.has('status') || undefined} aria-errormessage={errorId('status')} className={inputClass}>
                  <option value="">{t('filters.allStatuses')}</option>
                  {customStatus ? (
                    <option value={statusValue}>
                      {t('filters.selected', { names: statusValue.split(',').map((c) => (/^\d+$/.test(c) ? label(Number(c)) : c)).join(', ') })}
                    </option>
                  ) : null}
                  <optgroup label={t('filters.groups')}>
                    {STATUS_GROUPS.map((group) => (
                      <option key={group.key} value={group.codes.join(',')}>
                        {t(`filters.${group.key}`)}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label={t('filters.single')}>
                    {STATUS_CODES.map((code) => (
                      <option key={code} value={code}>
                        {label(code)} ({code})
                      </option>
                    ))}
                  </optgroup>
                </select>
              </div>
              <div>
                <label htmlFor="f-source" className={labelClass}>
                  {t('filters.source')}
                </label>
                <select id="f-source" name="source" defaultValue={values.source} aria-invalid={invalid.has('source') || undefined} aria-errormessage={errorId('source')} className={inputClass}>
                  <option value="">{t('filters.allSources')}</option>
                  <option value="api">{t('filters.api')}</option>
                  <option value="portal">{t('filters.portal')}</option>
                </select>
              </div>
              <fieldset className="sm:col-span-2" aria-describedby="f-dates-help">
                <legend className={labelClass}>{t('filters.dates')}</legend>
                <div className="grid grid-cols-2 gap-3">
                  <div>
                    <label htmlFor="f-from" className="mb-1 block text-xs text-slate-600">
                      {t('filters.from')}
                    </label>
                    <input
                      id="f-from"
                      name="from"
                      type="date"
                      min="2000-01-01"
                      max={today}
                      defaultValue={values.from}
                      aria-invalid={invalid.has('from') || undefined}
                      aria-errormessage={errorId('from')}
                      className={inputClass}
                    />
                  </div>
                  <div>
                    <label htmlFor="f-to" className="mb-1 block text-xs text-slate-600">
                      {t('filters.to')}
                    </label>
                    <input
                      id="f-to"
                      name="to"
                      type="date"
                      min="2000-01-01"
                      defaultValue={values.to}
                      aria-invalid={invalid.has('to') || undefined}
                      aria-errormessage={errorId('to')}
                      className={inputClass}
                    />
                  </div>
                </div>
                <p id="f-dates-help" className="mt-1 text-xs text-slate-500">
                  {t('filters.datesHelp', { timeZone: account.timeZone, max: MAX_RANGE_DAYS })}
                </p>
              </fieldset>
              <div>
                <label htmlFor="f-size" className={labelClass}>
                  {t('filters.size')}
                </label>
                <select id="f-size" name="size" defaultValue={values.size || String(PAGE_SIZES[0])} aria-invalid={invalid.has('size') || undefined} aria-errormessage={errorId('size')} className={inputClass}>
                  {PAGE_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {size}
                    </option>
                  ))}
                </select>
              </div>
              <div className="flex items-end gap-3">
                {values.campaign ? <input type="hidden" name="campaign" value={values.campaign} /> : null}
                <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
                  {t('filters.apply')}
                </button>
                <Link href={PATH} className="px-1 py-2 text-sm text-slate-700 underline underline-offset-2">
                  {t('filters.clear')}
                </Link>
              </div>
            </div>
          </FilterForm>
        </section>

        {!parsed.ok ? (
          <div id="history-errors" role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium">{t('errors.title')}</p>
            <ul className="mt-1 list-disc pl-5">
              {parsed.errors.map((error) => (
                <li key={error.field}>{t(`errors.${error.code}`, { max: MAX_RANGE_DAYS })}</li>
              ))}
            </ul>
            <p className="mt-2">
              <Link href={PATH} className="font-medium underline underline-offset-2">
                {t('filters.clear')}
              </Link>
            </p>
          </div>
        ) : null}

        {page ? (
          <section aria-labelledby="messages-title" className="space-y-3">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id="messages-title" className="text-lg font-semibold">
                {t('table.caption')}
              </h2>
              {scope ? <p className="text-sm text-slate-600">{scope}</p> : null}
            </div>
            {page.rows.length ? (
              <MessageTable rows={page.rows} caption={t('table.caption')} />
            ) : (
              <p role="status" className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
                {empty}
              </p>
            )}
            <Pager
              page={page}
              values={values}
              hasCursor={Boolean(filters?.cursor)}
              labels={{
                nav: t('pager.label'),
                newer: t('pager.newer'),
                older: t('pager.older'),
                newest: t('pager.newest'),
                rows: t('pager.rows', { count: page.rows.length }),
              }}
            />
          </section>
        ) : null}

        <section aria-labelledby="info-title" className={sectionClass}>
          <h2 id="info-title" className="text-lg font-semibold">
            {t('info.title')}
          </h2>
          <p className="mt-1 mb-3 text-sm text-slate-600">{t('info.intro')}</p>
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">{t('info.status')}</th>
                  <th scope="col" className="py-2 pr-4">{t('info.name')}</th>
                  <th scope="col" className="py-2 pr-4 text-right">{t('info.code')}</th>
                  <th scope="col" className="py-2 pr-4">{t('info.meaning')}</th>
                  <th scope="col" className="py-2">{t('info.kind')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {(Object.keys(STATUS) as StatusName[]).map((name) => (
                  <tr key={name} id={`status-${STATUS[name]}`}>
                    <th scope="row" className="py-2 pr-4 font-normal">
                      <StatusBadge code={STATUS[name]} label={st(`${name}.label`)} meaning={st(`${name}.meaning`)} />
                    </th>
                    <td className="py-2 pr-4 font-mono text-xs">{name}</td>
                    <td className="tabular py-2 pr-4 text-right">{STATUS[name]}</td>
                    <td className="min-w-64 py-2 pr-4">{st(`${name}.meaning`)}</td>
                    <td className="py-2 whitespace-nowrap text-slate-600">{isFinalStatus(STATUS[name]) ? t('info.final') : t('info.awaiting')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </>
  );
}

function Pager({
  page,
  values,
  hasCursor,
  labels,
}: {
  page: HistoryPage;
  values: FilterValues;
  hasCursor: boolean;
  labels: { nav: string; newer: string; older: string; newest: string; rows: string };
}) {
  if (!page.newerCursor && !page.olderCursor && !hasCursor) return null;
  return (
    <nav aria-label={labels.nav} className="flex flex-wrap items-center justify-between gap-3">
      <div className="flex flex-wrap items-center gap-2">
        {page.newerCursor ? (
          <Link href={hrefFor(values, { cursor: page.newerCursor, dir: 'newer' })} rel="prev" className={linkButton}>
            <span aria-hidden="true">←</span> {labels.newer}
          </Link>
        ) : (
          <span aria-disabled="true" className={disabledButton}>
            <span aria-hidden="true">←</span> {labels.newer}
          </span>
        )}
        {page.olderCursor ? (
          <Link href={hrefFor(values, { cursor: page.olderCursor, dir: 'older' })} rel="next" className={linkButton}>
            {labels.older} <span aria-hidden="true">→</span>
          </Link>
        ) : (
          <span aria-disabled="true" className={disabledButton}>
            {labels.older} <span aria-hidden="true">→</span>
          </span>
        )}
      </div>
      <div className="flex items-center gap-3 text-sm text-slate-600">
        {page.rows.length ? <span className="tabular">{labels.rows}</span> : null}
        {hasCursor ? (
          <Link href={hrefFor(values)} className="font-medium text-brand-700 underline underline-offset-2">
            {labels.newest}
          </Link>
        ) : null}
      </div>
    </nav>
  );
}
