'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { ActionProblem, ActionResult } from '@/lib/gates/action';
import type { ReportRequest } from '@/lib/reports/definitions';
import type { DaySpanText, PeriodPreviews, PeriodPreviewTexts } from '@/lib/reports/periods';
import { DATE_TIME, formatDaySpan } from '@/lib/i18n/formats';
import { Alert } from '../../_components/ui/alert';
import { Button } from '../../_components/ui/button';
import { Choice, Field, Fieldset } from '../../_components/ui/field';
import { Input, Textarea } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';
import { estimateReport, generateReport } from './actions';

/** Where a problem shows in the form; anything else goes in the general list. */
type ReportField = 'name' | 'emails' | 'period' | 'frequency' | 'format' | 'form';
const FIELDS: readonly ReportField[] = ['name', 'emails', 'period', 'frequency', 'format'];
const fieldOf = (problem: ActionProblem): ReportField => FIELDS.find((field) => field === problem.field?.split('.')[0]) ?? 'form';

type Method = 'once' | 'periodic';
type Frequency = 'daily' | 'weekly' | 'monthly';
type PeriodKind = 'last_week' | 'last_month' | 'last_year' | 'custom';
type ReportType = 'detailed' | 'short' | 'group';

const FREQUENCIES: Frequency[] = ['daily', 'weekly', 'monthly'];
const PERIODS: PeriodKind[] = ['last_week', 'last_month', 'last_year', 'custom'];
const TYPES: ReportType[] = ['detailed', 'short', 'group'];
const NAME_MAX = 100;

/** The report builder: settings, the dates they cover, an estimate of its rows, and "Generate" (the run appears in the list below). */
export function ReportForm({ previews, texts }: { previews: PeriodPreviews; texts: PeriodPreviewTexts }) {
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
  // null: the user has not typed a name, so the form offers one made of the choices.
  const [typedName, setTypedName] = useState<string | null>(null);
  const [emails, setEmails] = useState('');
  const [idx, setIdx] = useState(false);
  const [contacts, setContacts] = useState(false);
  const [shortLinks, setShortLinks] = useState(false);

  const [problems, setProblems] = useState<ActionProblem[]>([]);
  const [estimate, setEstimate] = useState<{ key: string; rows: number; capped: boolean } | null>(null);
  const [done, setDone] = useState<{ nextRunAt: string | null } | null>(null);
  const [pending, startTransition] = useTransition();

  // The choices' days come formatted from the server (the browser's ICU may space a range
  // otherwise, and the first render must match the server's); only typed dates are formatted here.
  const days = (span: DaySpanText) => texts.spans[`${span.from}/${span.to}`] ?? formatDaySpan(format, span);
  const covered: DaySpanText | null =
    method === 'periodic' ? previews.schedules[frequency] : period === 'custom' ? (from && to && from <= to ? { from, to } : null) : previews.periods[period];
  const coverage =
    method === 'periodic'
      ? t('coversSchedule', {
          first: texts.firstRuns[frequency],
          days: days(previews.schedules[frequency]),
        })
      : covered
        ? t('covers', { period: t(`periods.${period}`), days: days(covered) })
        : null;
  const defaultName = `${t(`names.${type}`)}: ${method === 'periodic' ? t(`frequencies.${frequency}`) : covered ? days(covered) : t(`periods.${period}`)}`.slice(0, NAME_MAX);
  const name = typedName ?? defaultName;
  const emailList = emails
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);

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
    emails: emailList,
    enrichments: { idx, contacts, shortLinks },
  };
  const key = JSON.stringify(request);
  const shownEstimate = estimate?.key === key ? estimate : null;

  // A problem with one of several values (emails.3) names that value.
  const text = (problem: ActionProblem) => {
    const [field, index] = problem.field?.split('.') ?? [];
    return field === 'emails' && index !== undefined && emailList[Number(index)] !== undefined
      ? t('badValue', { value: emailList[Number(index)], problem: problem.message })
      : problem.message;
  };
  const of = (field: ReportField) => problems.filter((p) => fieldOf(p) === field).map(text);

  function submit<R extends ActionResult>(action: (input: ReportRequest) => Promise<R>, after: (result: R) => void) {
    setDone(null);
    startTransition(async () => {
      const result = await action(request);
      setProblems(result.ok ? [] : result.problems);
      after(result);
    });
  }
  const onEstimate = () =>
    submit(estimateReport, (result) => setEstimate(result.ok ? { key, rows: result.rows, capped: result.capped } : null));
  const onGenerate = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit(generateReport, (result) => {
      if (result.ok) setDone({ nextRunAt: result.nextRunAt });
    });
  };

  return (
    <form onSubmit={onGenerate} noValidate className="space-y-5">
      <div className="grid gap-5 md:grid-cols-2">
        <Fieldset id="report-method" legend={t('method')}>
          {(['once', 'periodic'] as const).map((m) => (
            <Choice key={m} type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} label={t(`methods.${m}`)} />
          ))}
        </Fieldset>

        {method === 'periodic' ? (
          <Field id="report-frequency" label={t('frequency')} help={t('frequencyHelp')} errors={of('frequency')}>
            {(control) => (
              <Select {...control} value={frequency} onChange={(e) => setFrequency(e.target.value as Frequency)} className="sm:max-w-xs">
                {FREQUENCIES.map((f) => (
                  <option key={f} value={f}>
                    {t(`frequencies.${f}`)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : (
          <div className="space-y-2">
            <Field id="report-period" label={t('period')} errors={period === 'custom' ? [] : of('period')}>
              {(control) => (
                <Select {...control} value={period} onChange={(e) => setPeriod(e.target.value as PeriodKind)} className="sm:max-w-xs">
                  {PERIODS.map((p) => (
                    <option key={p} value={p}>
                      {t(`periods.${p}`)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            {period === 'custom' ? (
              <Fieldset id="report-dates" legend={t('dates')} errors={of('period')} legendClassName="sr-only">
                <div className="flex flex-wrap gap-3">
                  <Field id="report-from" label={t('from')}>
                    {(control) => (
                      <Input
                        {...control}
                        type="date"
                        value={from}
                        max={to || previews.today}
                        onChange={(e) => setFrom(e.target.value)}
                        aria-invalid={of('period').length ? true : undefined}
                      />
                    )}
                  </Field>
                  <Field id="report-to" label={t('to')}>
                    {(control) => (
                      <Input
                        {...control}
                        type="date"
                        value={to}
                        min={from || undefined}
                        max={previews.today}
                        onChange={(e) => setTo(e.target.value)}
                        aria-invalid={of('period').length ? true : undefined}
                      />
                    )}
                  </Field>
                </div>
              </Fieldset>
            ) : null}
          </div>
        )}
      </div>
      {coverage ? (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="report-coverage">
          {coverage}
        </p>
      ) : null}

      <Fieldset id="report-type" legend={t('type')}>
        <div className="grid gap-2 sm:grid-cols-3">
          {TYPES.map((ty) => (
            <Choice
              key={ty}
              type="radio"
              name="type"
              value={ty}
              checked={type === ty}
              onChange={() => setType(ty)}
              label={<span className="font-medium">{t(`types.${ty}`)}</span>}
              help={t(`typeHelp.${ty}`)}
              className="rounded-md border border-slate-200 p-2 has-checked:border-brand-600 has-checked:bg-slate-50"
            />
          ))}
        </div>
      </Fieldset>

      <div className="grid gap-5 md:grid-cols-2">
        <Fieldset id="report-contents" legend={t('contents')}>
          <Choice type="checkbox" checked={includeBulk} onChange={(e) => setIncludeBulk(e.target.checked)} label={t('includeBulk')} />
          <Choice type="checkbox" checked={includeContent} onChange={(e) => setIncludeContent(e.target.checked)} label={t('includeContent')} />
        </Fieldset>
        <Fieldset id="report-enrichments" legend={t('enrichments')}>
          <Choice type="checkbox" checked={idx} onChange={(e) => setIdx(e.target.checked)} label={t('idx')} />
          <Choice type="checkbox" checked={contacts} onChange={(e) => setContacts(e.target.checked)} label={t('contacts')} />
          <Choice type="checkbox" checked={shortLinks} onChange={(e) => setShortLinks(e.target.checked)} label={t('shortLinks')} />
        </Fieldset>
      </div>

      <Fieldset id="report-format" legend={t('format')} help={t('pdfNote')} errors={of('format')}>
        <div className="flex flex-wrap gap-x-5">
          <Choice type="radio" name="format" value="csv" checked={fileFormat === 'csv'} onChange={() => setFormat('csv')} label="CSV" />
          <Choice
            type="radio"
            name="format"
            value="pdf"
            checked={fileFormat === 'pdf'}
            disabled={type === 'detailed'}
            onChange={() => setFormat('pdf')}
            label="PDF"
          />
        </div>
      </Fieldset>

      <div className="grid gap-5 md:grid-cols-2">
        <Field id="report-name" label={t('name')} help={typedName === null ? t('nameOffered') : undefined} errors={of('name')}>
          {(control) => <Input {...control} value={name} maxLength={NAME_MAX} required onChange={(e) => setTypedName(e.target.value)} />}
        </Field>
        <Field id="report-emails" label={t('emails')} help={t('emailsHelp')} errors={of('emails')}>
          {(control) => (
            <Textarea {...control} value={emails} rows={2} onChange={(e) => setEmails(e.target.value)} placeholder="name@example.com, team@example.com" />
          )}
        </Field>
      </div>

      {of('form').length ? (
        <Alert tone="error">
          <ul className="list-inside list-disc">
            {of('form').map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </Alert>
      ) : problems.length ? (
        <Alert tone="error">{t('fixProblems', { count: problems.length })}</Alert>
      ) : null}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t('generate')}
        </Button>
        <Button variant="secondary" disabled={pending} onClick={onEstimate}>
          {t('estimate')}
        </Button>
        <p role="status" className="text-sm text-slate-700">
          {pending
            ? t('working')
            : done
              ? done.nextRunAt
                ? t('scheduled', { date: format.dateTime(new Date(done.nextRunAt), DATE_TIME) })
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
