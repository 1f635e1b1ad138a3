import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { auditUsers, listAuditEvents, parseAuditFilters, type AuditFilters } from '@/lib/audit/list';
import { AUDIT_ACTIONS } from '@/lib/audit/record';
import { requireUser } from '@/lib/auth';
import { AuditTable } from '../../_components/audit-table';
import { PageHeader } from '../../_components/page-header';
import { Button, buttonClass } from '../../_components/ui/button';
import { Field } from '../../_components/ui/field';
import { Select } from '../../_components/ui/select';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('audit'))('title') };
}

type SearchParams = Record<string, string | string[] | undefined>;

/** The page's URL with these filters (and a cursor): empty filters are left out. */
function hrefFor(filters: AuditFilters, before?: string): string {
  const query = new URLSearchParams();
  if (filters.action) query.set('action', filters.action);
  if (filters.userId !== null) query.set('user', String(filters.userId));
  if (before) query.set('before', before);
  const text = query.toString();
  return text ? `/audit?${text}` : '/audit';
}

// Owners only: anyone else is told there is no such page, checked here and not only in the navigation.
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  if (user.role !== 'owner') notFound();
  const params = await searchParams;
  const filters = parseAuditFilters(params);
  const before = typeof params.before === 'string' ? params.before : null;
  const [t, page, people] = await Promise.all([
    getTranslations('audit'),
    listAuditEvents(user.account.id, filters, before),
    auditUsers(user.account.id),
  ]);
  const filtered = filters.action !== null || filters.userId !== null;
  return (
    <>
      <PageHeader title={t('title')} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      <form method="get" action="/audit" role="search" aria-label={t('filters')} className="mb-4 flex flex-wrap items-end gap-3">
        <Field id="a-action" label={t('action')} className="w-full sm:w-64">
          {(control) => (
            <Select {...control} name="action" defaultValue={filters.action ?? ''}>
              <option value="">{t('allActions')}</option>
              {AUDIT_ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {t(`actions.${action}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="a-user" label={t('user')} className="w-full sm:w-64">
          {(control) => (
            <Select {...control} name="user" defaultValue={filters.userId === null ? '' : String(filters.userId)}>
              <option value="">{t('allUsers')}</option>
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name ? `${person.name} (${person.email})` : person.email}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" variant="secondary">
          {t('apply')}
        </Button>
        {filtered ? (
          <Link href="/audit" className={buttonClass({ variant: 'link', size: 'inline' })}>
            {t('clear')}
          </Link>
        ) : null}
      </form>
      {page.rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{filtered ? t('emptyFiltered') : t('empty')}</p>
      ) : (
        <AuditTable rows={page.rows} caption={t('caption')} />
      )}
      {before || page.older ? (
        <nav aria-label={t('pages')} className="mt-4 flex justify-between text-sm">
          {before ? (
            <Link href={hrefFor(filters)} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              {t('newest')}
            </Link>
          ) : (
            <span />
          )}
          {page.older ? (
            <Link href={hrefFor(filters, page.older)} rel="next" className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              {t('older')} →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
