import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listContactFields } from '@/lib/contacts/fields';
import { listContactGroups } from '@/lib/contacts/groups';
import { listImportErrors } from '@/lib/contacts/import/errors';
import { IMPORT_ENCODINGS, type ImportDelimiter } from '@/lib/contacts/import/rows';
import { getImport, importPreview } from '@/lib/contacts/import/upload';
import { isErrorCode } from '@/lib/errors';
import { isUuid } from '@/lib/validation';
import { AutoRefresh } from '../../../../_components/auto-refresh';
import { PageHeader } from '../../../../_components/page-header';
import { Alert } from '../../../../_components/ui/alert';
import { buttonClass } from '../../../../_components/ui/button';
import { Section } from '../../../../_components/ui/card';
import { Table, TableCell } from '../../../../_components/ui/table';
import { ContactsTabs } from '../../contacts-tabs';
import { ImportStatus } from '../import-status';
import { DiscardImportButton } from './discard-import';
import { MappingForm } from './mapping-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.import'))('title') };
}

/** Bad lines listed on the page; all of them are in the CSV download. */
const SHOWN_ERRORS = 100;
const DELIMITER_KEYS: Record<string, ImportDelimiter> = { comma: ',', semicolon: ';', tab: '\t' };
const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

export default async function ImportPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const row = isUuid(id) ? await getImport(user.account.id, id.toLowerCase()) : null;
  if (!row) notFound();
  const [t, te, pages, format] = await Promise.all([getTranslations('contacts.import'), getTranslations('errors'), getTranslations('pages'), getFormatter()]);
  const live = row.status === 'queued' || row.status === 'running';
  const percent = row.sizeBytes ? Math.min(100, Math.round((row.bytesDone / row.sizeBytes) * 100)) : 0;
  const reason = (code: string) => (isErrorCode(code) ? te(code, { max: 100 }) : code);

  let body: React.ReactNode = null;
  if (row.status === 'uploading') {
    body = <Alert tone="warning">{t('incomplete')}</Alert>;
  } else if (row.status === 'uploaded') {
    const encoding = IMPORT_ENCODINGS.find((e) => e === one(query.encoding));
    const delimiter = DELIMITER_KEYS[one(query.delimiter) ?? ''];
    const header = one(query.header);
    const [preview, fields, groups] = await Promise.all([
      importPreview({ id: user.account.id, country: user.account.country }, row, { encoding, delimiter, hasHeader: header === undefined ? undefined : header === 'yes' }),
      listContactFields(user.account.id),
      listContactGroups(user.account.id),
    ]);
    body = (
      <Section id="mapping" title={t('mappingTitle')} help={t('mappingIntro', { name: row.fileName })}>
        <MappingForm
          key={`${preview.encoding}${preview.delimiter}${preview.hasHeader}`}
          id={row.id}
          encoding={preview.encoding}
          delimiter={preview.delimiter}
          hasHeader={preview.hasHeader}
          header={preview.header}
          rows={preview.rows}
          suggested={preview.suggested}
          fields={fields}
          groups={groups}
        />
      </Section>
    );
  } else if (live) {
    body = (
      <Section id="progress" title={t('progressTitle')}>
        <progress max={100} value={percent} aria-labelledby="progress-title" className="h-2 w-full accent-brand-600" />
        <p className="mt-2 text-sm text-slate-700" data-testid="import-progress">
          {t('progress', { percent, rows: row.rowsDone })}
        </p>
      </Section>
    );
  } else if (row.status === 'failed') {
    body = <Alert tone="error">{t('failed', { reason: row.error ? reason(row.error) : '' })}</Alert>;
  } else {
    const errors = row.invalid ? await listImportErrors(user.account.id, row.id, SHOWN_ERRORS) : [];
    body = (
      <>
        <Section id="result" title={t('resultTitle')}>
          <dl className="grid max-w-md grid-cols-[1fr_max-content] gap-y-1 text-sm [&>dt]:text-slate-600" data-testid="import-result">
            <dt>{t('lines')}</dt>
            <dd className="tabular text-right">{format.number(row.rowsDone)}</dd>
            <dt>{t('created')}</dt>
            <dd className="tabular text-right" data-testid="result-created">
              {format.number(row.created)}
            </dd>
            <dt>{t('updated')}</dt>
            <dd className="tabular text-right">{format.number(row.updated)}</dd>
            <dt>{row.onDuplicate === 'skip' ? t('duplicatesSkipped') : t('duplicatesFound')}</dt>
            <dd className="tabular text-right" data-testid="result-duplicates">
              {format.number(row.duplicates)}
            </dd>
            <dt>{t('invalid')}</dt>
            <dd className="tabular text-right" data-testid="result-invalid">
              {format.number(row.invalid)}
            </dd>
          </dl>
          {row.groupId ? (
            <Link href={`/contacts?group=${row.groupId}`} className={buttonClass({ variant: 'secondary', size: 'sm' }, 'mt-3')}>
              {t('openGroup')}
            </Link>
          ) : null}
        </Section>
        {row.invalid ? (
          <Section
            id="bad-lines"
            title={t('badLines', { count: row.invalid })}
            actions={
              <a href={`/contacts/import/${row.id}/errors.csv`} className={buttonClass({ variant: 'secondary', size: 'sm' })} data-testid="download-errors">
                {t('downloadBad')}
              </a>
            }
            help={row.invalid > SHOWN_ERRORS ? t('firstBad', { shown: SHOWN_ERRORS }) : undefined}
          >
            <Table caption={t('badLines', { count: row.invalid })} data-testid="bad-lines" columns={[{ label: t('row'), numeric: true }, { label: t('reason') }, { label: t('columnName') }, { label: t('value') }]}>
              {errors.map((error) => (
                <tr key={error.line}>
                  <TableCell numeric>{error.line}</TableCell>
                  <TableCell long>{reason(error.reason)}</TableCell>
                  <TableCell long>{error.column}</TableCell>
                  <TableCell long className="font-mono text-xs">
                    {error.value}
                  </TableCell>
                </tr>
              ))}
            </Table>
          </Section>
        ) : null}
      </>
    );
  }

  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="import" />
      <AutoRefresh active={live} intervalMs={1500} />
      <div className="space-y-6">
        <p className="flex flex-wrap items-center gap-3 text-sm">
          <span className="font-medium">{row.fileName}</span>
          <ImportStatus status={row.status} />
          <Link href="/contacts/import" className={buttonClass({ variant: 'link', size: 'inline' })}>
            {t('allImports')}
          </Link>
          {live ? null : <DiscardImportButton id={row.id} />}
        </p>
        {body}
      </div>
    </>
  );
}
