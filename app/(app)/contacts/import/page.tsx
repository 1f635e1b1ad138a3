import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listImports } from '@/lib/contacts/import/upload';
import { DATE_TIME } from '@/lib/i18n/formats';
import { AutoRefresh } from '../../../_components/auto-refresh';
import { PageHeader } from '../../../_components/page-header';
import { Section } from '../../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { ContactsTabs } from '../contacts-tabs';
import { ImportStatus } from './import-status';
import { UploadForm } from './upload-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.import'))('title') };
}

export default async function ImportsPage() {
  const user = await requireUser();
  const [t, pages, format, imports] = await Promise.all([getTranslations('contacts.import'), getTranslations('pages'), getFormatter(), listImports(user.account.id)]);
  const live = imports.some((i) => i.status === 'queued' || i.status === 'running');
  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="import" />
      <AutoRefresh active={live} intervalMs={2000} />
      <div className="space-y-6">
        <Section id="upload" title={t('title')} help={t('help')}>
          <UploadForm />
        </Section>
        <Section id="imports" title={t('recent')}>
          {imports.length === 0 ? (
            <p className="text-sm text-slate-600">{t('none')}</p>
          ) : (
            <Table
              caption={t('recent')}
              columns={[{ label: t('fileName') }, { label: t('started') }, { label: t('state') }, { label: t('created'), numeric: true }, { label: t('invalid'), numeric: true }]}
            >
              {imports.map((row) => (
                <tr key={row.id}>
                  <TableRowHeader long>
                    <Link href={`/contacts/import/${row.id}`} className="underline-offset-2 hover:underline">
                      {row.fileName}
                    </Link>
                  </TableRowHeader>
                  <TableCell nowrap className="tabular">
                    {format.dateTime(row.createdAt, DATE_TIME)}
                  </TableCell>
                  <TableCell>
                    <ImportStatus status={row.status} />
                  </TableCell>
                  <TableCell numeric>{row.status === 'done' ? format.number(row.created) : ''}</TableCell>
                  <TableCell numeric>{row.status === 'done' ? format.number(row.invalid) : ''}</TableCell>
                </tr>
              ))}
            </Table>
          )}
        </Section>
      </div>
    </>
  );
}
