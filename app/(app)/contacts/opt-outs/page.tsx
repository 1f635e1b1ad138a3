import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { parseSearch } from '@/lib/contacts/filters';
import { listOptOuts } from '@/lib/contacts/opt-outs';
import { AppError } from '@/lib/errors';
import { DATE_TIME } from '@/lib/i18n/formats';
import { PageHeader } from '../../../_components/page-header';
import { Alert } from '../../../_components/ui/alert';
import { buttonClass } from '../../../_components/ui/button';
import { Section } from '../../../_components/ui/card';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { ContactsTabs } from '../contacts-tabs';
import { AddOptOutsForm, RemoveOptOutButton } from './opt-out-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.optOuts'))('title') };
}

const PAGE = 50;
const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value.trim() : '');

export default async function OptOutsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const [t, pages, format] = await Promise.all([getTranslations('contacts.optOuts'), getTranslations('pages'), getFormatter()]);
  const q = one(params.q).slice(0, 40);
  const search = q ? parseSearch(q, user.account.country) : null;
  const prefix = search && search !== 'invalid' && search.kind === 'number' ? search.prefix : null;
  const badSearch = q !== '' && prefix === null;
  const cursor = one(params.cursor) || null;
  // A crafted cursor shows the first page with a notice.
  const page = badSearch
    ? { rows: [], nextCursor: null }
    : await listOptOuts(user.account.id, { prefix, cursor, limit: PAGE }).catch(async (error: unknown) => {
        if (error instanceof AppError && error.code === 'invalid_cursor') return { ...(await listOptOuts(user.account.id, { prefix, limit: PAGE })), rejected: true };
        throw error;
      });
  const link = (next: string | null) => `/contacts/opt-outs?${new URLSearchParams({ ...(q ? { q } : {}), ...(next ? { cursor: next } : {}) })}`;
  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="optOuts" />
      <div className="space-y-6">
        <Section id="add-opt-outs" title={t('addTitle')} help={t('help')}>
          <AddOptOutsForm />
        </Section>
        <Section id="opt-outs" title={t('title')}>
          <form method="get" className="mb-4 flex flex-wrap items-end gap-3">
            <Field id="opt-q" label={t('search')} errors={badSearch ? t('badSearch') : null} className="sm:w-72">
              {(control) => <Input {...control} type="search" name="q" inputMode="tel" defaultValue={q} maxLength={40} />}
            </Field>
            <button type="submit" className={buttonClass({ variant: 'secondary' })}>
              {t('find')}
            </button>
          </form>
          {'rejected' in page ? <Alert tone="warning" className="mb-3">{t('badCursor')}</Alert> : null}
          {page.rows.length === 0 ? (
            <p className="text-sm text-slate-600">{q ? t('noMatch') : t('empty')}</p>
          ) : (
            <Table
              caption={t('title')}
              data-testid="opt-outs-table"
              columns={[{ label: t('number') }, { label: t('when') }, { label: t('why') }, { label: t('how') }, { label: t('actions'), srOnly: true }]}
            >
              {page.rows.map((row) => (
                <tr key={row.id} data-opt-out={row.phone}>
                  <TableRowHeader nowrap className="tabular">
                    {row.phone}
                  </TableRowHeader>
                  <TableCell nowrap className="tabular">
                    {format.dateTime(row.createdAt, DATE_TIME)}
                  </TableCell>
                  <TableCell long>{row.reason || t('noReason')}</TableCell>
                  <TableCell long>{row.login ? t('byUser', { source: t(`sources.${row.source}`), login: row.login }) : t(`sources.${row.source}`)}</TableCell>
                  <TableCell>
                    <RemoveOptOutButton id={row.id} phone={row.phone} />
                  </TableCell>
                </tr>
              ))}
            </Table>
          )}
          {page.nextCursor || cursor ? (
            <nav aria-label={t('pages')} className="mt-3 flex justify-between gap-3">
              {cursor ? (
                <Link href={link(null)} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                  {t('newest')}
                </Link>
              ) : (
                <span />
              )}
              {page.nextCursor ? (
                <Link href={link(page.nextCursor)} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                  {t('older')} →
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Section>
      </div>
    </>
  );
}
