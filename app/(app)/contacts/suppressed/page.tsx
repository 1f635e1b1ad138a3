import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { parseSearch } from '@/lib/contacts/filters';
import { listSuppressed, suppressionSetting } from '@/lib/contacts/suppressions';
import { AppError } from '@/lib/errors';
import { DATE_TIME } from '@/lib/i18n/formats';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale';
import { failureWords } from '@/lib/insights/words';
import { PageHeader } from '../../../_components/page-header';
import { Alert } from '../../../_components/ui/alert';
import { buttonClass } from '../../../_components/ui/button';
import { Section } from '../../../_components/ui/card';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { ContactsTabs } from '../contacts-tabs';
import { ReleaseButton, SuppressAfterForm } from './suppressed-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.suppressed'))('title') };
}

const PAGE = 50;
const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value.trim() : '');

/** Numbers suppressed after repeated permanent failures: why, since when, and a release by hand. */
export default async function SuppressedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = await searchParams;
  const [t, pages, format, requested, after] = await Promise.all([
    getTranslations('contacts.suppressed'),
    getTranslations('pages'),
    getFormatter(),
    getLocale(),
    suppressionSetting(user.account.id),
  ]);
  const words = failureWords(isLocale(requested) ? requested : DEFAULT_LOCALE);
  const q = one(params.q).slice(0, 40);
  const search = q ? parseSearch(q, user.account.country) : null;
  const prefix = search && search !== 'invalid' && search.kind === 'number' ? search.prefix : null;
  const badSearch = q !== '' && prefix === null;
  const cursor = one(params.cursor) || null;
  const page = badSearch
    ? { rows: [], nextCursor: null }
    : await listSuppressed(user.account.id, { prefix, cursor, limit: PAGE }).catch(async (error: unknown) => {
        if (error instanceof AppError && error.code === 'invalid_cursor') return { ...(await listSuppressed(user.account.id, { prefix, limit: PAGE })), rejected: true };
        throw error;
      });
  const link = (next: string | null) => `/contacts/suppressed?${new URLSearchParams({ ...(q ? { q } : {}), ...(next ? { cursor: next } : {}) })}`;
  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="suppressed" />
      <div className="space-y-6">
        <Section id="suppress-rule" title={t('ruleTitle')} help={t('help')}>
          <SuppressAfterForm after={after} canChange={user.role === 'owner'} />
        </Section>
        <Section id="suppressed" title={t('title')}>
          <form method="get" className="mb-4 flex flex-wrap items-end gap-3">
            <Field id="suppressed-q" label={t('search')} errors={badSearch ? t('badSearch') : null} className="sm:w-72">
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
              data-testid="suppressed-table"
              columns={[
                { label: t('number') },
                { label: t('since') },
                { label: t('failures'), numeric: true },
                { label: t('why') },
                { label: t('actions'), srOnly: true },
              ]}
            >
              {page.rows.map((row) => (
                <tr key={row.phone} data-suppressed={row.phone}>
                  <TableRowHeader nowrap className="tabular">
                    {row.phone}
                  </TableRowHeader>
                  <TableCell nowrap className="tabular">
                    {format.dateTime(row.suppressedAt, DATE_TIME)}
                  </TableCell>
                  <TableCell numeric>{format.number(row.failures)}</TableCell>
                  <TableCell long>
                    {words(row.status, row.errorCode)?.meaning ?? '—'}
                    {row.errorCode !== null ? <span className="text-slate-500"> ({t('code', { code: row.errorCode })})</span> : null}
                  </TableCell>
                  <TableCell>{user.role === 'viewer' ? null : <ReleaseButton phone={row.phone} />}</TableCell>
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
