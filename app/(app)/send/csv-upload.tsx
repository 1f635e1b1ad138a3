'use client';

import Papa from 'papaparse';
import { useTranslations } from 'next-intl';
import { useId, useRef, useState } from 'react';
import {
  columnCount,
  CSV_SAMPLE_ROWS,
  detectHeader,
  guessNumberColumn,
  MAX_CSV_BYTES,
  MAX_FORM_RECIPIENTS,
  toEntry,
} from '@/lib/messaging/csv-numbers';
import { controlClass } from '../../_components/ui/input';

export type CsvRecipients = { fileName: string; entries: string[] };

type Layout = { file: File; sample: string[][]; delimiter: string; hasHeader: boolean; column: number };
type Status =
  | { kind: 'idle' }
  | { kind: 'reading' }
  | { kind: 'ready'; rows: number; numbers: number; blanks: number }
  | { kind: 'error'; error: 'tooLarge' | 'empty' | 'unreadable' | 'tooMany' };

const MAX_CSV_MB = MAX_CSV_BYTES / (1024 * 1024);
const inputClass = controlClass;

/**
 * A CSV file of recipients, read in the browser: the first rows decide whether there is a header
 * and which column holds the numbers (the user can change both), then the whole file streams
 * through papaparse in 1 MB chunks keeping only that column.
 */
export function CsvUpload({ onChange, onBusy }: { onChange: (value: CsvRecipients | null) => void; onBusy: (busy: boolean) => void }) {
  const t = useTranslations('send.csv');
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const run = useRef(0);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  function fail(error: Extract<Status, { kind: 'error' }>['error']) {
    run.current++;
    onBusy(false);
    onChange(null);
    setStatus({ kind: 'error', error });
  }

  function extract(next: Layout) {
    const current = ++run.current;
    setLayout(next);
    setStatus({ kind: 'reading' });
    onBusy(true);
    onChange(null);
    const entries: string[] = [];
    let rows = 0;
    let blanks = 0;
    let first = true;
    let tooMany = false;
    Papa.parse<string[]>(next.file, {
      worker: false,
      delimiter: next.delimiter,
      skipEmptyLines: 'greedy',
      chunkSize: 1024 * 1024,
      chunk(results, parser) {
        if (current !== run.current) return parser.abort();
        for (const row of results.data) {
          if (first) {
            first = false;
            if (next.hasHeader) continue;
          }
          rows++;
          const entry = toEntry(row[next.column]);
          if (entry) entries.push(entry);
          else blanks++;
        }
        if (entries.length > MAX_FORM_RECIPIENTS) {
          tooMany = true;
          parser.abort();
        }
      },
      complete() {
        if (current !== run.current) return;
        if (tooMany) return fail('tooMany');
        if (entries.length === 0) return fail('empty');
        onBusy(false);
        setStatus({ kind: 'ready', rows, numbers: entries.length, blanks });
        onChange({ fileName: next.file.name, entries });
      },
      error() {
        if (current === run.current) fail('unreadable');
      },
    });
  }

  function choose(file: File | undefined) {
    setLayout(null);
    if (!file) {
      run.current++;
      onBusy(false);
      onChange(null);
      setStatus({ kind: 'idle' });
      return;
    }
    if (file.size > MAX_CSV_BYTES) return fail('tooLarge');
    const current = ++run.current;
    setStatus({ kind: 'reading' });
    onBusy(true);
    Papa.parse<string[]>(file, {
      worker: false,
      preview: CSV_SAMPLE_ROWS,
      skipEmptyLines: 'greedy',
      complete(results) {
        if (current !== run.current) return;
        const sample = results.data.filter((row) => Array.isArray(row));
        if (sample.length === 0) return fail('empty');
        const hasHeader = detectHeader(sample);
        extract({ file, sample, delimiter: results.meta.delimiter, hasHeader, column: guessNumberColumn(sample, hasHeader) });
      },
      error() {
        if (current === run.current) fail('unreadable');
      },
    });
  }

  function clear() {
    if (fileInput.current) fileInput.current.value = '';
    choose(undefined);
  }

  const columns = layout ? columnCount(layout.sample) : 0;
  const columnLabel = (column: number) => {
    if (!layout) return '';
    const head = layout.sample[0][column]?.trim();
    if (layout.hasHeader && head) return head;
    const example = (layout.hasHeader ? layout.sample[1] : layout.sample[0])?.[column]?.trim();
    return example ? t('columnExample', { n: column + 1, example: example.slice(0, 24) }) : t('column', { n: column + 1 });
  };
  const previewRows = layout ? layout.sample.slice(layout.hasHeader ? 1 : 0, (layout.hasHeader ? 1 : 0) + 3) : [];

  return (
    <div className="space-y-3">
      <div className="space-y-1">
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-700">
          {t('label')}
        </label>
        <div className="flex flex-wrap items-center gap-3">
          <input
            ref={fileInput}
            id={`${id}-file`}
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            aria-describedby={`${id}-help ${id}-status`}
            onChange={(event) => choose(event.target.files?.[0])}
            className="block max-w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-50"
          />
          {status.kind !== 'idle' ? (
            <button type="button" onClick={clear} className="text-sm text-slate-700 underline underline-offset-2">
              {t('remove')}
            </button>
          ) : null}
        </div>
        <p id={`${id}-help`} className="text-xs text-slate-500">
          {t('help', { size: MAX_CSV_MB })}
        </p>
      </div>

      {layout && columns > 0 ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={`${id}-column`} className="block text-sm font-medium text-slate-700">
              {t('columnLabel')}
            </label>
            <select
              id={`${id}-column`}
              value={layout.column}
              onChange={(event) => extract({ ...layout, column: Number(event.target.value) })}
              className={inputClass}
            >
              {Array.from({ length: columns }, (_, column) => (
                <option key={column} value={column}>
                  {columnLabel(column)}
                </option>
              ))}
            </select>
          </div>
          <div className="flex items-end pb-2">
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={layout.hasHeader}
                onChange={(event) => extract({ ...layout, hasHeader: event.target.checked })}
                className="size-4 rounded border-slate-300"
              />
              {t('hasHeader')}
            </label>
          </div>
        </div>
      ) : null}

      {layout && previewRows.length ? (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full text-left text-xs">
            <caption className="sr-only">{t('previewCaption')}</caption>
            <thead className="bg-slate-50 text-slate-500">
              <tr>
                {Array.from({ length: columns }, (_, column) => (
                  <th key={column} scope="col" className={`px-2 py-1 font-medium ${column === layout.column ? 'bg-brand-50 text-brand-700' : ''}`}>
                    {columnLabel(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 font-mono">
              {previewRows.map((row, r) => (
                <tr key={r}>
                  {Array.from({ length: columns }, (_, column) => (
                    <td key={column} className={`max-w-48 truncate px-2 py-1 ${column === layout.column ? 'bg-brand-50' : ''}`}>
                      {row[column] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <div id={`${id}-status`} aria-live="polite" className="text-sm">
        {status.kind === 'reading' ? <p className="text-slate-600">{t('reading')}</p> : null}
        {status.kind === 'ready' ? (
          <p className="text-slate-700">
            {t('ready', { numbers: status.numbers, rows: status.rows })}
            {status.blanks ? <span className="text-slate-500"> {t('blanks', { count: status.blanks })}</span> : null}
          </p>
        ) : null}
        {status.kind === 'error' ? (
          <p role="alert" className="text-red-700">
            {t(`errors.${status.error}`, { size: MAX_CSV_MB, max: MAX_FORM_RECIPIENTS })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
