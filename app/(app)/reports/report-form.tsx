'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { ReportRequest } from '@/lib/reports/definitions';
import type { ActionProblem } from '@/lib/gates/action';
import { estimateReport, generateReport } from './actions';

/** Where a problem shows in the form; anything else goes in the general list. */
type ReportField = 'name' | 'emails' | 'period' | 'frequency' | 'format' | 'form';
const FIELDS: readonly ReportField[] = ['name', 'emails', 'period', 'frequency', 'format'];
const fieldOf = (problem: ActionProblem): ReportField => FIELDS.find((field) => field === problem.field?.split('.')[0]) ?? 'form';

type Method = 'once' | 'periodic';
type Frequency = 'daily' | 'weekly' | 'monthly';
type PeriodKind = 'last_week' | 'last_month' | 'last_year' | 'custom';
type ReportType = 'detailed' | 'short' | 'group';

const labelClass = 'block text-sm font-medium text-slate-700';
const inputClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-xs aria-invalid:border-red-500';
const legendClass = 'mb-1 text-sm font-medium text-slate-700';
const helpClass = 'mt-1 text-xs text-slate-500';
const choiceClass = 'flex items-start gap-2 text-sm';
const primaryButton = 'rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60';
const secondaryButton =
  'rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-60';

const FREQUENCIES: Frequency[] = ['daily', 'weekly', 'monthly'];
const PERIODS: PeriodKind[] = ['last_week', 'last_month', 'last_year', 'custom'];
const TYPES: ReportType[] = ['detailed', 'short', 'group'];

function FieldError({ id, problems }: { id: string; problems: ActionProblem[] }) {
  if (!problems.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {problems.map((p) => p.message).join(' ')}
    </p>
  );
}

/** The report builder: settings, an estimate of its rows, and "Generate" (the run appears in the list below). */
export function ReportForm({ today }: { today: string }) {
  const t = useTranslations('reportBuilder.form');
  const format = useFormatter();

  const [method, setMethod] = useState<Method>('once');
  const [frequency, setFrequency] = useState<Frequency>('weekly');
  const [period, setPeriod] = useState<PeriodKind>('last_month');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [type, setType] = useState<ReportType>('detailed');
  const [chosenFormat, setFormat] = useState<'csv' | 'pdf'>('csv');
  // PDF is for the summaries (short, group); a detailed report is always CSV.
  const fileFormat = type === 'detailed' ? 'csv' : chosenFormat;
  const [includeBulk, setIncludeBulk] = useState(true);
  const [includeContent, setIncludeContent] = useState(false);
  const [name, setName] = useState('');
  const [emails, setEmails] = useState('');
  const [idx, setIdx] = useState(false);
  const [contacts, setContacts] = useState(false);
  const [shortLinks, setShortLinks] = useState(false);

  const [problems, setProblems] = useState<ActionProblem[]>([]);
  const [estimate, setEstimate] = useState<{ key: string; rows: number; capped: boolean } | null>(null);
  const [done, setDone] = useState<{ nextRunAt: string | null } | null>(null);
  const [pending, startTransition] = useTransition();

  const request: ReportRequest = {
    method,
    ...(method === 'periodic'
      ? { frequency }
      : { period: period === 'custom' ? { kind: period, from: from || undefined, to: to || undefined } : { kind: period } }),
    type,
    format: fileFormat,
    includeBulk,
    includeContent,
    name,
    emails: emails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    enrichments: { idx, contacts, shortLinks },
  };
  const key = JSON.stringify(request);
  const shownEstimate = estimate?.key === key ? estimate : null;

  // One line per distinct text: five bad addresses say "Enter a valid e-mail address" once.
  const of = (field: ReportField) => [...new Map(problems.filter((p) => fieldOf(p) === field).map((p) => [p.message, p])).values()];
  const invalid = (field: ReportField) => (of(field).length ? true : undefined);
  const describedBy = (field: ReportField, help?: string) => [help, of(field).length ? `report-${field}-error` : null].filter(Boolean).join(' ') || undefined;

  function onEstimate() {
    setDone(null);
    startTransition(async () => {
      const result = await estimateReport(request);
      if (result.ok) {
        setProblems([]);
        setEstimate({ key, rows: result.rows, capped: result.capped });
      } else {
        setProblems(result.problems);
        setEstimate(null);
      }
    });
  }

  function onGenerate(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    startTransition(async () => {
      const result = await generateReport(request);
      if (result.ok) {
        setProblems([]);
        setDone({ nextRunAt: result.nextRunAt });
      } else {
        setProblems(result.problems);
      }
    });
  }

  return (
    <form onSubmit={onGenerate} noValidate className="space-y-5" aria-describedby="report-problems">
      <div className="grid gap-5 md:grid-cols-2">
        <fieldset>
          <legend className={legendClass}>{t('method')}</legend>
          <div className="space-y-1">
            {(['once', 'periodic'] as const).map((m) => (
              <label key={m} className={choiceClass}>
                <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} className="mt-0.5" />
                {t(`methods.${m}`)}
              </label>
            ))}
          </div>
        </fieldset>

        {method === 'periodic' ? (
          <div>
            <label htmlFor="report-frequency" className={labelClass}>
              {t('frequency')}
            </label>
            <select
              id="report-frequency"
              value={frequency}
              onChange={(e) => setFrequency(e.target.value as Frequency)}
              aria-invalid={invalid('frequency')}
              aria-describedby={describedBy('frequency', 'report-frequency-help')}
              className={`${inputClass} mt-1 sm:max-w-xs`}
            >
              {FREQUENCIES.map((f) => (
                <option key={f} value={f}>
                  {t(`frequencies.${f}`)}
                </option>
              ))}
            </select>
            <p id="report-frequency-help" className={helpClass}>
              {t('frequencyHelp')}
            </p>
            <FieldError id="report-frequency-error" problems={of('frequency')} />
          </div>
        ) : (
          <div>
            <label htmlFor="report-period" className={labelClass}>
              {t('period')}
            </label>
            <select
              id="report-period"
              value={period}
              onChange={(e) => setPeriod(e.target.value as PeriodKind)}
              aria-invalid={invalid('period')}
              aria-describedby={describedBy('period')}
              className={`${inputClass} mt-1 sm:max-w-xs`}
            >
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t(`periods.${p}`)}
                </option>
              ))}
            </select>
            {period === 'custom' ? (
              <div className="mt-2 flex flex-wrap gap-3">
                <div>
                  <label htmlFor="report-from" className={labelClass}>
                    {t('from')}
                  </label>
                  <input
                    id="report-from"
                    type="date"
                    value={from}
                    max={to || today}
                    onChange={(e) => setFrom(e.target.value)}
                    aria-invalid={invalid('period')}
                    aria-describedby={describedBy('period')}
                    className={`${inputClass} mt-1`}
                  />
                </div>
                <div>
                  <label htmlFor="report-to" className={labelClass}>
                    {t('to')}
                  </label>
                  <input
                    id="report-to"
                    type="date"
                    value={to}
                    min={from || undefined}
                    max={today}
                    onChange={(e) => setTo(e.target.value)}
                    aria-invalid={invalid('period')}
                    aria-describedby={describedBy('period')}
                    className={`${inputClass} mt-1`}
                  />
                </div>
              </div>
            ) : null}
            <FieldError id="report-period-error" problems={of('period')} />
          </div>
        )}
      </div>

      <fieldset>
        <legend className={legendClass}>{t('type')}</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {TYPES.map((ty) => (
            <label key={ty} className={`${choiceClass} rounded-md border border-slate-200 p-2 has-checked:border-brand-600 has-checked:bg-slate-50`}>
              <input type="radio" name="type" value={ty} checked={type === ty} onChange={() => setType(ty)} className="mt-0.5" />
              <span>
                <span className="font-medium">{t(`types.${ty}`)}</span>
                <span className="block text-xs text-slate-500">{t(`typeHelp.${ty}`)}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="grid gap-5 md:grid-cols-2">
        <fieldset>
          <legend className={legendClass}>{t('contents')}</legend>
          <div className="space-y-1">
            <label className={choiceClass}>
              <input type="checkbox" checked={includeBulk} onChange={(e) => setIncludeBulk(e.target.checked)} className="mt-0.5" />
              {t('includeBulk')}
            </label>
            <label className={choiceClass}>
              <input type="checkbox" checked={includeContent} onChange={(e) => setIncludeContent(e.target.checked)} className="mt-0.5" />
              {t('includeContent')}
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend className={legendClass}>{t('enrichments')}</legend>
          <div className="space-y-1">
            <label className={choiceClass}>
              <input type="checkbox" checked={idx} onChange={(e) => setIdx(e.target.checked)} className="mt-0.5" />
              {t('idx')}
            </label>
            <label className={choiceClass}>
              <input type="checkbox" checked={contacts} onChange={(e) => setContacts(e.target.checked)} className="mt-0.5" />
              {t('contacts')}
            </label>
            <label className={choiceClass}>
              <input type="checkbox" checked={shortLinks} onChange={(e) => setShortLinks(e.target.checked)} className="mt-0.5" />
              {t('shortLinks')}
            </label>
          </div>
        </fieldset>
      </div>

      <fieldset>
        <legend className={legendClass}>{t('format')}</legend>
        <div className="flex flex-wrap gap-x-5 gap-y-1">
          <label className={choiceClass}>
            <input type="radio" name="format" value="csv" checked={fileFormat === 'csv'} onChange={() => setFormat('csv')} className="mt-0.5" />
            CSV
          </label>
          <label className={`${choiceClass} ${type === 'detailed' ? 'text-slate-400' : ''}`}>
            <input
              type="radio"
              name="format"
              value="pdf"
              checked={fileFormat === 'pdf'}
              disabled={type === 'detailed'}
              onChange={() => setFormat('pdf')}
              aria-describedby="report-pdf-note"
              className="mt-0.5"
            />
            PDF
          </label>
        </div>
        <p id="report-pdf-note" className={helpClass}>
          {t('pdfNote')}
        </p>
        <FieldError id="report-format-error" problems={of('format')} />
      </fieldset>

      <div className="grid gap-5 md:grid-cols-2">
        <div>
          <label htmlFor="report-name" className={labelClass}>
            {t('name')}
          </label>
          <input
            id="report-name"
            value={name}
            maxLength={100}
            required
            onChange={(e) => setName(e.target.value)}
            aria-invalid={invalid('name')}
            aria-describedby={describedBy('name')}
            className={`${inputClass} mt-1`}
          />
          <FieldError id="report-name-error" problems={of('name')} />
        </div>
        <div>
          <label htmlFor="report-emails" className={labelClass}>
            {t('emails')}
          </label>
          <textarea
            id="report-emails"
            value={emails}
            rows={2}
            onChange={(e) => setEmails(e.target.value)}
            aria-invalid={invalid('emails')}
            aria-describedby={describedBy('emails', 'report-emails-help')}
            placeholder="name@example.com, team@example.com"
            className={`${inputClass} mt-1`}
          />
          <p id="report-emails-help" className={helpClass}>
            {t('emailsHelp')}
          </p>
          <FieldError id="report-emails-error" problems={of('emails')} />
        </div>
      </div>

      <div id="report-problems" aria-live="polite">
        {of('form').length ? (
          <ul role="alert" className="list-inside list-disc rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            {of('form').map((p) => (
              <li key={p.message}>{p.message}</li>
            ))}
          </ul>
        ) : problems.length ? (
          <p role="alert" className="text-sm text-red-700">
            {t('fixProblems')}
          </p>
        ) : null}
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={primaryButton}>
          {t('generate')}
        </button>
        <button type="button" disabled={pending} onClick={onEstimate} className={secondaryButton}>
          {t('estimate')}
        </button>
        <p role="status" className="text-sm text-slate-700">
          {pending
            ? t('working')
            : done
              ? done.nextRunAt
                ? t('scheduled', { date: format.dateTime(new Date(done.nextRunAt), { dateStyle: 'medium', timeStyle: 'short' }) })
                : t('queued')
              : shownEstimate
                ? shownEstimate.capped
                  ? t('estimateCapped', { rows: shownEstimate.rows })
                  : t('estimateRows', { rows: shownEstimate.rows })
                : null}
        </p>
      </div>
    </form>
  );
}
