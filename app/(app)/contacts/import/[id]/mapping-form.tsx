'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { ContactImportMapping } from '@/db/schema';
import type { ImportDelimiter, ImportEncoding } from '@/lib/contacts/import/rows';
import type { ActionFailure } from '@/lib/gates/action';
import { Alert } from '../../../../_components/ui/alert';
import { Button } from '../../../../_components/ui/button';
import { Choice, Field, Fieldset } from '../../../../_components/ui/field';
import { Input } from '../../../../_components/ui/input';
import { Select } from '../../../../_components/ui/select';
import { Table, TableCell } from '../../../../_components/ui/table';
import { startContactImport } from '../actions';

const KINDS = ['phone', 'first_name', 'last_name', 'email', 'groups', 'opted_out'] as const;
const DELIMITERS: { value: ImportDelimiter; key: 'comma' | 'semicolon' | 'tab' }[] = [
  { value: ',', key: 'comma' },
  { value: ';', key: 'semicolon' },
  { value: '\t', key: 'tab' },
];
/** Preview columns shown side by side (the table's limit); the mapping lists every column. */
const PREVIEW_COLUMNS = 10;

const choiceOf = (target: ContactImportMapping['columns'][number]) => (target === null ? '' : target.kind === 'field' ? `field:${target.fieldId}` : target.kind);

/** The file's first rows as read, a choice of what each column holds, and what to do with duplicates. */
export function MappingForm({
  id,
  encoding,
  delimiter,
  hasHeader,
  header,
  rows,
  suggested,
  fields,
  groups,
}: {
  id: string;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  hasHeader: boolean;
  header: string[] | null;
  rows: string[][];
  suggested: ContactImportMapping['columns'];
  fields: { id: string; name: string }[];
  groups: { id: string; name: string }[];
}) {
  const t = useTranslations('contacts.import');
  const router = useRouter();
  const pathname = usePathname();
  const width = Math.max(suggested.length, header?.length ?? 0, ...rows.map((r) => r.length));
  const [columns, setColumns] = useState<string[]>(() => Array.from({ length: width }, (_, i) => choiceOf(suggested[i] ?? null)));
  const [onDuplicate, setOnDuplicate] = useState<'update' | 'skip'>('update');
  const [group, setGroup] = useState('');
  const [newGroupName, setNewGroupName] = useState('');
  const [optOutAll, setOptOutAll] = useState(false);
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const [pending, startTransition] = useTransition();
  const title = (i: number) => header?.[i]?.trim() || t('column', { n: i + 1 });

  // Another encoding, separator or header choice reads the file again on the server.
  const reread = (change: Record<string, string>) => {
    const query = new URLSearchParams({ encoding, delimiter: DELIMITERS.find((d) => d.value === delimiter)!.key, header: hasHeader ? 'yes' : 'no', ...change });
    router.replace(`${pathname}?${query}`);
  };
  const start = () =>
    startTransition(async () => {
      const result = await startContactImport({
        id,
        encoding,
        delimiter,
        hasHeader,
        columns,
        onDuplicate,
        groupId: group && group !== 'new' ? group : undefined,
        newGroupName: group === 'new' ? newGroupName : undefined,
        optOutAll,
      });
      if (result && !result.ok) setFailure(result);
    });

  return (
    <div className="space-y-5">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field id="imp-encoding" label={t('encoding')}>
          {(control) => (
            <Select {...control} value={encoding} onChange={(e) => reread({ encoding: e.target.value })}>
              <option value="utf-8">UTF-8</option>
              <option value="windows-1251">Windows-1251 (Кирилица)</option>
            </Select>
          )}
        </Field>
        <Field id="imp-delimiter" label={t('delimiter')}>
          {(control) => (
            <Select {...control} value={DELIMITERS.find((d) => d.value === delimiter)!.key} onChange={(e) => reread({ delimiter: e.target.value })}>
              {DELIMITERS.map((d) => (
                <option key={d.key} value={d.key}>
                  {t(`delimiters.${d.key}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Fieldset id="imp-header" legend={t('firstRow')}>
          <Choice type="checkbox" label={t('hasHeader')} checked={hasHeader} onChange={(e) => reread({ header: e.target.checked ? 'yes' : 'no' })} />
        </Fieldset>
      </div>

      <Table
        caption={t('previewCaption')}
        data-testid="import-preview"
        columns={Array.from({ length: Math.min(width, PREVIEW_COLUMNS) }, (_, i) => ({ label: title(i) }))}
      >
        {rows.map((row, r) => (
          <tr key={r}>
            {Array.from({ length: Math.min(width, PREVIEW_COLUMNS) }, (_, i) => (
              <TableCell key={i} long>
                {row[i] ?? ''}
              </TableCell>
            ))}
          </tr>
        ))}
      </Table>

      <Fieldset id="imp-mapping" legend={t('mapping')} help={t('mappingHelp')} errors={failure?.problems.filter((p) => p.field === 'mapping').map((p) => p.message)}>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {columns.map((choice, i) => (
            <Field key={i} id={`imp-col-${i}`} label={t('columnMeans', { column: title(i) })} help={rows[0]?.[i] ? t('example', { value: rows[0][i] }) : undefined}>
              {(control) => (
                <Select {...control} value={choice} data-testid={`map-${i}`} onChange={(e) => setColumns(columns.map((c, j) => (j === i ? e.target.value : c)))}>
                  <option value="">{t('skip')}</option>
                  {KINDS.map((kind) => (
                    <option key={kind} value={kind}>
                      {t(`kinds.${kind}`)}
                    </option>
                  ))}
                  {fields.map((field) => (
                    <option key={field.id} value={`field:${field.id}`}>
                      {t('fieldOption', { name: field.name })}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ))}
        </div>
      </Fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <Fieldset id="imp-duplicates" legend={t('duplicates')} help={t('duplicatesHelp')}>
          <Choice type="radio" name="onDuplicate" label={t('update')} checked={onDuplicate === 'update'} onChange={() => setOnDuplicate('update')} />
          <Choice type="radio" name="onDuplicate" label={t('skipDuplicates')} checked={onDuplicate === 'skip'} onChange={() => setOnDuplicate('skip')} />
        </Fieldset>
        <div className="space-y-3">
          <Field id="imp-group" label={t('intoGroup')} errors={failure?.problems.filter((p) => p.field === 'groupId' || p.field === 'name').map((p) => p.message)}>
            {(control) => (
              <Select {...control} value={group} onChange={(e) => setGroup(e.target.value)} data-testid="import-group">
                <option value="">{t('noGroup')}</option>
                <option value="new">{t('newGroup')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {group === 'new' ? (
            <Field id="imp-new-group" label={t('newGroupName')}>
              {(control) => <Input {...control} value={newGroupName} maxLength={100} onChange={(e) => setNewGroupName(e.target.value)} data-testid="import-new-group" />}
            </Field>
          ) : null}
          <Choice type="checkbox" label={t('optOutAll')} help={t('optOutAllHelp')} checked={optOutAll} onChange={(e) => setOptOutAll(e.target.checked)} />
        </div>
      </div>
      {failure && !failure.problems.some((p) => ['mapping', 'groupId', 'name'].includes(p.field ?? '')) ? <Alert tone="error">{failure.message}</Alert> : null}
      <Button onClick={start} disabled={pending} data-testid="start-import">
        {pending ? t('starting') : t('start')}
      </Button>
    </div>
  );
}
