import type { Metadata } from 'next';
import Link from 'next/link';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { canWrite } from '@/lib/auth/roles';
import { localToday } from '@/lib/calendar';
import { DAY } from '@/lib/i18n/formats';
import {
  hasNarrowingFilters,
  historyFilterQuery,
  MAX_RANGE_DAYS,
  MAX_RECIPIENT_INPUT,
  PAGE_SIZES,
  parseHistoryFilters,
  STATUS_GROUPS,
  type FilterField,
  type FilterIssue,
  type FilterValues,
  type HistoryFilters,
} from '@/lib/history/filters';
import { ownReader } from '@/lib/gates/own-writes';
import { listHistorySenders, listMessages, type HistoryPage } from '@/lib/history/query';
import { isFinalStatus, STATUS, STATUS_CODES, type StatusName } from '@/lib/messaging/statuses';
import { statusLabel } from '../../_components/message-details';
import { MessageTable } from '../../_components/message-table';
import { PageHeader } from '../../_components/page-header';
import { StatusBadge } from '../../_components/status-badge';
import { Alert } from '../../_components/ui/alert';
import { buttonClass } from '../../_components/ui/button';
import { Card, Section } from '../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../_components/ui/table';
import { listViews, viewOwner } from '@/lib/views/views';
import { FilterForm } from './filter-form';
import { ExportView, SavedViews } from './saved-views';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('history') };
}

type SearchParams = Record<string, string | string[] | undefined>;

const PATH = '/history';
const pagerButton = buttonClass({ variant: 'secondary', size: 'sm' });

/** The filters the form has a field for, and where each is (the error list links to it). */
const FIELD_IDS: Partial<Record<FilterField, string>> = {
  sender: 'f-sender',
  recipient: 'f-recipient',
  status: 'f-status',
  source: 'f-source',
  from: 'f-from',
  to: 'f-to',
  size: 'f-size',
};

function callingCodeOf(country: string): string {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return '359';
  }
}

/** The page's URL with these filter values (as the user gave them) and, optionally, a cursor. */
function hrefFor(values: FilterValues, cursor?: { cursor: string; dir: 'older' | 'newer' }): string {
  const query = historyFilterQuery(values, cursor);
  return query ? `${PATH}?${query}` : PATH;
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const account = user.account;
  // A replica's when one has what this user wrote (db/replica.ts), else the primary's.
  const reader = await ownReader();
  const [params, senders, views, t, st, pages, format] = await Promise.all([
    searchParams,
    listHistorySenders(account.id, reader.db),
    listViews(viewOwner(user), 'history'),
    getTranslations('history'),
    getTranslations('statuses'),
    getTranslations('pages'),
    getFormatter(),
  ]);
  const parsed = parseHistoryFilters(params, { country: account.country, timeZone: account.timeZone, senderNames: senders });
  const filters: HistoryFilters | null = parsed.ok ? parsed.filters : null;
  const page: HistoryPage | null = filters ? await listMessages(account.id, filters, reader.db) : null;
  const values = parsed.values;

  const label = (code: number) => statusLabel((key) => st(key), code);
  const statusValue = filters ? filters.statuses.join(',') : values.status.join(',');
  const statusOptions = [
    ...STATUS_GROUPS.map((group) => group.codes.join(',')),
    ...STATUS_CODES.map(String),
  ];
  const customStatus = statusValue !== '' && !statusOptions.includes(statusValue);
  const day = (iso: string) => format.dateTime(new Date(`${iso}T12:00:00Z`), { ...DAY, timeZone: 'UTC' });
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

  // What each field's error says, naming the value that was given.
  const errorText = (issue: FilterIssue): string => {
    if (issue.code === 'range_order' || issue.code === 'range_too_long') {
      // Both ends are real days here; an empty end is today.
      return t(`errors.${issue.code}`, { from: day(values.from || today), to: day(values.to || today), max: MAX_RANGE_DAYS });
    }
    const value = issue.field === 'status' ? values.status.join(',') : ((values[issue.field as keyof FilterValues] as string | undefined) ?? '');
    return t(`errors.${issue.code}`, { value, max: MAX_RANGE_DAYS });
  };
  const errorsOf = (field: FilterField) => (parsed.ok ? [] : parsed.errors.filter((issue) => issue.field === field).map(errorText));
  // The form shows the URL: a new URL (Clear filters, the menu, Back) mounts a new form, so no
  // field keeps a value the URL no longer has.
  const formKey = JSON.stringify(values);

  return (
    <>
      <PageHeader title={pages('history')}>
        <div className="flex flex-wrap gap-2">
          <SavedViews key={historyFilterQuery(values)} page="history" path={PATH} query={historyFilterQuery(values)} views={views} />
          {parsed.ok && canWrite(user) ? (
            <ExportView
              query={historyFilterQuery(values)}
              defaultName={`${pages('history')} ${today}`}
              timeZone={account.timeZone}
            />
          ) : null}
        </div>
      </PageHeader>
      <div className="space-y-6">
        <Card>
          <FilterForm
            key={formKey}
            action={PATH}
            values={values}
            status={{
              value: statusValue,
              custom: customStatus
                ? t('filters.selected', { names: statusValue.split(',').map((c) => (/^\d+$/.test(c) ? label(Number(c)) : c)).join(', ') })
                : null,
            }}
            senders={senders}
            statusGroups={STATUS_GROUPS.map((group) => ({ value: group.codes.join(','), label: t(`filters.${group.key}`) }))}
            statusCodes={STATUS_CODES.map((code) => ({ value: String(code), label: `${label(code)} (${code})` }))}
            pageSizes={PAGE_SIZES}
            today={today}
            maxRecipient={MAX_RECIPIENT_INPUT}
            errors={Object.fromEntries((Object.keys(FIELD_IDS) as FilterField[]).map((field) => [field, errorsOf(field)]).filter(([, errors]) => errors.length))}
            text={{
              title: t('filters.title'),
              sender: t('filters.sender'),
              allSenders: t('filters.allSenders'),
              recipient: t('filters.recipient'),
              recipientHelp: t('filters.recipientHelp', { callingCode: callingCodeOf(account.country) }),
              recipientPlaceholder: t('filters.recipientPlaceholder'),
              status: t('filters.status'),
              allStatuses: t('filters.allStatuses'),
              groups: t('filters.groups'),
              single: t('filters.single'),
              source: t('filters.source'),
              allSources: t('filters.allSources'),
              api: t('filters.api'),
              portal: t('filters.portal'),
              dates: t('filters.dates'),
              datesHelp: t('filters.datesHelp', { timeZone: account.timeZone, max: MAX_RANGE_DAYS }),
              from: t('filters.from'),
              to: t('filters.to'),
              size: t('filters.size'),
              apply: t('filters.apply'),
              clear: t('filters.clear'),
            }}
          />
        </Card>

        {!parsed.ok ? (
          <Alert tone="error" title={t('errors.title')}>
            <ul className="mt-1 list-disc pl-5">
              {parsed.errors.map((issue) => (
                <li key={issue.field}>
                  {FIELD_IDS[issue.field] ? (
                    <a href={`#${FIELD_IDS[issue.field]}`} className="underline underline-offset-2">
                      {errorText(issue)}
                    </a>
                  ) : (
                    errorText(issue)
                  )}
                </li>
              ))}
            </ul>
            <p className="mt-2">
              <Link href={PATH} className="font-medium underline underline-offset-2">
                {t('filters.clear')}
              </Link>
            </p>
          </Alert>
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

        <Section id="info" title={t('info.title')} help={t('info.intro')}>
          <Table
            caption={t('info.title')}
            columns={[
              { label: t('info.status') },
              { label: t('info.name') },
              { label: t('info.code'), numeric: true },
              { label: t('info.meaning') },
              { label: t('info.kind') },
            ]}
          >
            {(Object.keys(STATUS) as StatusName[]).map((name) => (
              <tr key={name} id={`status-${STATUS[name]}`}>
                <TableRowHeader className="font-normal">
                  <StatusBadge code={STATUS[name]} label={st(`${name}.label`)} />
                </TableRowHeader>
                <TableCell className="font-mono text-xs">{name}</TableCell>
                <TableCell numeric>{STATUS[name]}</TableCell>
                <TableCell wide>{st(`${name}.meaning`)}</TableCell>
                <TableCell className="text-slate-600">{isFinalStatus(STATUS[name]) ? t('info.final') : t('info.awaiting')}</TableCell>
              </tr>
            ))}
          </Table>
        </Section>
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
          <Link href={hrefFor(values, { cursor: page.newerCursor, dir: 'newer' })} rel="prev" className={pagerButton}>
            <span aria-hidden="true">←</span> {labels.newer}
          </Link>
        ) : (
          <span aria-disabled="true" className={pagerButton}>
            <span aria-hidden="true">←</span> {labels.newer}
          </span>
        )}
        {page.olderCursor ? (
          <Link href={hrefFor(values, { cursor: page.olderCursor, dir: 'older' })} rel="next" className={pagerButton}>
            {labels.older} <span aria-hidden="true">→</span>
          </Link>
        ) : (
          <span aria-disabled="true" className={pagerButton}>
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
