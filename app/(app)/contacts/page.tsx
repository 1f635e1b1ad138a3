import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { canWrite } from '@/lib/auth/roles';
import { listContactFields, type ContactField } from '@/lib/contacts/fields';
import { contactFilterQuery, parseContactFilters } from '@/lib/contacts/filters';
import { listViews, viewOwner } from '@/lib/views/views';
import { listContactGroups } from '@/lib/contacts/groups';
import { CONTACT_PAGE_SIZES } from '@/lib/contacts/limits';
import { listContacts, type ContactRow } from '@/lib/contacts/list';
import { DATE_TIME, DAY } from '@/lib/i18n/formats';
import { PageHeader } from '../../_components/page-header';
import { Alert } from '../../_components/ui/alert';
import { Badge } from '../../_components/ui/badge';
import { buttonClass } from '../../_components/ui/button';
import { Card } from '../../_components/ui/card';
import { Field } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { DetailList, Popover, PopoverTrigger } from '../../_components/ui/popover';
import { Select } from '../../_components/ui/select';
import { Table, TableCell } from '../../_components/ui/table';
import { ContactsTabs } from './contacts-tabs';
import { Selection } from './selection';
import { SavedViews } from '../history/saved-views';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('contacts') };
}

type SearchParams = Record<string, string | string[] | undefined>;

/** Columns the table has room for besides its own (ui/table: at most 10); the rest show in the details. */
const FIELD_COLUMNS = 4;

function fieldValue(field: ContactField, value: string | undefined, format: Awaited<ReturnType<typeof getFormatter>>): string {
  if (value === undefined || value === '') return '';
  if (field.type === 'number') return format.number(Number(value), { maximumFractionDigits: 6 });
  if (field.type === 'date') return format.dateTime(new Date(`${value}T12:00:00Z`), { ...DAY, timeZone: 'UTC' });
  return value;
}

export default async function ContactsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  // A viewer reads and exports contacts; adding, importing and editing are not theirs.
  const writer = canWrite(user);
  const accountId = user.account.id;
  const [params, views, t, pages, format, fields, groups] = await Promise.all([
    searchParams,
    listViews(viewOwner(user), 'contacts'),
    getTranslations('contacts'),
    getTranslations('pages'),
    getFormatter(),
    listContactFields(accountId),
    listContactGroups(accountId),
  ]);
  const parsed = parseContactFilters(params, user.account.country);
  const values = parsed.values;
  const page = parsed.ok ? await listContacts(accountId, parsed.filters) : null;
  const problems = new Map(parsed.ok ? [] : parsed.errors.map((e) => [e.field, t(`filters.errors.${e.code}`)]));
  const shown = fields.slice(0, FIELD_COLUMNS);
  const when = (date: Date) => format.dateTime(date, DATE_TIME);
  const href = (cursor?: { cursor: string; dir: 'older' | 'newer' }) => {
    const query = contactFilterQuery(values, cursor);
    return query ? `/contacts?${query}` : '/contacts';
  };
  const exportQuery = contactFilterQuery(values);
  const filtered = values.q !== '' || values.group !== '' || values.optedOut !== '';
  const saved = typeof params.saved === 'string';

  const rows = (row: ContactRow) => {
    const name = `${row.firstName} ${row.lastName}`.trim();
    const popover = `c${row.id}`;
    return (
      <tr key={row.id} data-contact={row.phone}>
        <TableCell className="w-8">
          <input type="checkbox" name="ids" value={row.id} aria-label={t('table.select', { number: row.phone })} className="size-4 accent-brand-600" />
        </TableCell>
        <TableCell nowrap className="tabular">
          <span className="block">{row.phone}</span>
          {row.optOut ? (
            <Badge tone="red" data-testid="opted-out">
              {t('table.optedOut')}
            </Badge>
          ) : null}
        </TableCell>
        <TableCell long>{name}</TableCell>
        <TableCell long>{row.email ?? ''}</TableCell>
        <TableCell long>{row.groups.map((g) => g.name).join(', ')}</TableCell>
        {shown.map((field) => (
          <TableCell key={field.id} long numeric={field.type === 'number'}>
            {fieldValue(field, row.customFields[field.id], format)}
          </TableCell>
        ))}
        <TableCell nowrap className="py-1">
          <PopoverTrigger target={popover} aria-label={t('details.open', { number: row.phone })} className="ui-info-button">
            i
          </PopoverTrigger>
          <Popover id={popover} title={t('details.title', { number: row.phone })} closeLabel={t('details.close')}>
            <DetailList
              items={[
                { label: t('table.number'), value: row.phone, mono: true },
                { label: t('table.name'), value: name || t('details.none') },
                { label: t('table.email'), value: row.email ?? t('details.none') },
                { label: t('table.groups'), value: row.groups.map((g) => g.name).join(', ') || t('details.none') },
                ...fields.map((field) => ({ label: field.name, value: fieldValue(field, row.customFields[field.id], format) || t('details.none') })),
                {
                  label: t('details.optOut'),
                  value: row.optOut ? t('details.optedOutAt', { when: when(row.optOut.createdAt), reason: row.optOut.reason || t('details.noReason') }) : t('details.no'),
                },
                { label: t('details.created'), value: when(row.createdAt) },
                { label: t('details.updated'), value: when(row.updatedAt) },
                { label: t('details.id'), value: row.id, mono: true },
              ]}
            />
          </Popover>
          {writer ? (
            <>
              {' '}
              <Link href={`/contacts/${row.id}`} className={buttonClass({ variant: 'link', size: 'inline' })} aria-label={t('table.editLabel', { number: row.phone })}>
                {t('table.edit')}
              </Link>
            </>
          ) : null}
        </TableCell>
      </tr>
    );
  };

  return (
    <>
      <PageHeader title={pages('contacts')}>
        <div className="flex flex-wrap gap-2">
          {writer ? (
            <>
              <Link href="/contacts/new" className={buttonClass()}>
                {t('add')}
              </Link>
              <Link href="/contacts/import" className={buttonClass({ variant: 'secondary' })}>
                {t('import')}
              </Link>
            </>
          ) : null}
          <SavedViews key={exportQuery} page="contacts" path="/contacts" query={exportQuery} views={views} />
          <a href={`/contacts/export.csv${exportQuery ? `?${exportQuery}` : ''}`} className={buttonClass({ variant: 'secondary' })} data-testid="export">
            {filtered ? t('exportFiltered') : t('export')}
          </a>
        </div>
      </PageHeader>
      <ContactsTabs current="contacts" />
      <div className="space-y-4">
        {saved ? <Alert tone="success">{t('saved')}</Alert> : null}
        <Card>
          <form method="get" action="/contacts" className="grid grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_auto_auto]" aria-label={t('filters.label')}>
            <Field id="f-q" label={t('filters.search')} help={t('filters.searchHelp')} errors={problems.get('q')}>
              {(control) => <Input {...control} type="search" name="q" defaultValue={values.q} maxLength={100} autoComplete="off" />}
            </Field>
            <Field id="f-group" label={t('filters.group')} errors={problems.get('group')}>
              {(control) => (
                <Select {...control} name="group" defaultValue={values.group}>
                  <option value="">{t('filters.allGroups')}</option>
                  {groups.map((group) => (
                    <option key={group.id} value={group.id}>
                      {t('filters.groupOption', { name: group.name, members: group.members })}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id="f-opted" label={t('filters.optedOut')} errors={problems.get('optedOut')}>
              {(control) => (
                <Select {...control} name="optedOut" defaultValue={values.optedOut}>
                  <option value="">{t('filters.everyone')}</option>
                  <option value="yes">{t('filters.onlyOptedOut')}</option>
                  <option value="no">{t('filters.notOptedOut')}</option>
                </Select>
              )}
            </Field>
            <Field id="f-size" label={t('filters.size')} errors={problems.get('size')}>
              {(control) => (
                <Select {...control} name="size" defaultValue={values.size || String(CONTACT_PAGE_SIZES[0])}>
                  {CONTACT_PAGE_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {size}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <div className="flex gap-2">
              <button type="submit" className={buttonClass()}>
                {t('filters.show')}
              </button>
              {filtered ? (
                <Link href="/contacts" className={buttonClass({ variant: 'ghost' })}>
                  {t('filters.clear')}
                </Link>
              ) : null}
            </div>
          </form>
          {problems.get('cursor') ? (
            <Alert tone="warning" className="mt-3">
              {problems.get('cursor')} <Link href={href()}>{t('pager.first')}</Link>
            </Alert>
          ) : null}
        </Card>

        {page && page.rows.length === 0 ? (
          <Card>
            <p className="text-sm text-slate-600" data-testid="contacts-empty">
              {filtered ? t('emptyFiltered') : t('empty')}
            </p>
          </Card>
        ) : null}
        {page && page.rows.length ? (
          <Selection groups={groups} rows={page.rows.length}>
            <Table
              caption={t('table.caption')}
              framed
              data-testid="contacts-table"
              columns={[
                { label: t('table.select', { number: '' }), srOnly: true },
                { label: t('table.number') },
                { label: t('table.name') },
                { label: t('table.email') },
                { label: t('table.groups') },
                ...shown.map((field) => ({ label: field.name, numeric: field.type === 'number' })),
                { label: t('table.actions'), srOnly: true },
              ]}
            >
              {page.rows.map(rows)}
            </Table>
          </Selection>
        ) : null}
        {fields.length > FIELD_COLUMNS ? <p className="text-xs text-slate-600">{t('table.moreFields', { count: fields.length - FIELD_COLUMNS })}</p> : null}
        {page && (page.newerCursor || page.olderCursor) ? (
          <nav aria-label={t('pager.label')} className="flex flex-wrap justify-between gap-3">
            {page.newerCursor ? (
              <Link href={href({ cursor: page.newerCursor, dir: 'newer' })} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                ← {t('pager.previous')}
              </Link>
            ) : (
              <span />
            )}
            {page.olderCursor ? (
              <Link href={href({ cursor: page.olderCursor, dir: 'older' })} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                {t('pager.next')} →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </div>
    </>
  );
}
