'use client';

import Link from 'next/link';
import { GUARD_DEFAULTS, GUARD_LIMITS } from '@/lib/campaigns/guard-limits';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { useDeferredValue, useMemo, useRef, useState, useTransition } from 'react';
import { estimateRecipients, MAX_FORM_RECIPIENTS, splitRecipientText } from '@/lib/messaging/csv-numbers';
import { instantToZonedLocal, zonedLocalToIso } from '@/lib/calendar';
import { formatPoints } from '@/lib/messaging/pricing';
import { countParts, isGsm7Char, UI_MAX_PARTS } from '@/lib/messaging/segments';
import type { ActionFailure } from '@/lib/gates/action';
import { previewSend, sendNow, type SendFormInput } from './actions';

type PreviewResult = Awaited<ReturnType<typeof previewSend>>;
type SendNowResult = Awaited<ReturnType<typeof sendNow>>;
import { CsvUpload, type CsvRecipients } from './csv-upload';
import { CheckResult, FailureNotice } from './check-result';
import { buttonClass } from '../../_components/ui/button';
import { controlClass } from '../../_components/ui/input';
import { DATE_TIME } from '@/lib/i18n/formats';

export type SendFormProps = {
  senders: string[];
  groups: { id: string; name: string; members: number }[];
  /** units per part for the account's country, for the live estimate */
  unitPrice: number | null;
  country: string;
  countryName: string;
  callingCode: string;
  balance: number;
  timeZone: string;
  /** an earlier campaign's recipients by result, from its page ("ID:segment"), and how to name them */
  audience?: { value: string; label: string; count: number | null } | null;
};

type Problem = 'noSender' | 'noRecipients' | 'tooManyRecipients' | 'emptyMessage' | 'tooLong' | 'scheduleInvalid' | 'csvBusy';
type Sent = Extract<SendNowResult, { ok: true }>;

const MAX_CONTENT = 5_000;
const MAX_IDX = 255;
// The UI kit's looks, for the many fields of this form.
const labelClass = 'block text-sm font-medium text-slate-700';
const inputClass = controlClass;
const sectionClass = 'min-w-0 rounded-lg border border-slate-200 bg-white p-4 sm:p-5';
const legendClass = 'mb-1 text-base font-semibold';
const primaryButton = buttonClass();
const secondaryButton = buttonClass({ variant: 'secondary' });

function sameInput(a: SendFormInput, b: SendFormInput): boolean {
  return (
    a.sender === b.sender &&
    a.recipients === b.recipients &&
    a.groupIds.join() === b.groupIds.join() &&
    a.content === b.content &&
    a.idx === b.idx &&
    a.scheduledAt === b.scheduledAt &&
    a.campaignName === b.campaignName &&
    a.audience === b.audience &&
    JSON.stringify(a.guard) === JSON.stringify(b.guard)
  );
}

const MAX_CULPRITS = 5;

/** Characters that force UCS-2, as the user can recognise them (invisible ones by code point). */
function unicodeCulprits(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (!isGsm7Char(char)) found.add(char);
    // Many (a Cyrillic text) need no explanation; a few strays (’ “ emoji) in Latin text do.
    if (found.size > MAX_CULPRITS) return [];
  }
  return [...found].map((c) => (c.trim() === '' ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : c));
}

export function SendForm({ senders, groups, unitPrice, country, countryName, callingCode, balance, timeZone, audience }: SendFormProps) {
  const t = useTranslations('send');
  const format = useFormatter();
  const locale = useLocale();
  const points = (units: number) => formatPoints(units, locale);

  const [sender, setSender] = useState(senders[0] ?? '');
  const [typed, setTyped] = useState('');
  const [csv, setCsv] = useState<CsvRecipients | null>(null);
  const [csvBusy, setCsvBusy] = useState(false);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [content, setContent] = useState('');
  const [idx, setIdx] = useState('');
  const [campaignName, setCampaignName] = useState('');
  const [audienceOn, setAudienceOn] = useState(Boolean(audience));
  const [guardOn, setGuardOn] = useState(true);
  const [guardPercent, setGuardPercent] = useState(String(GUARD_DEFAULTS.failurePercent));
  const [guardWindow, setGuardWindow] = useState(String(GUARD_DEFAULTS.window));
  const [scheduleOn, setScheduleOn] = useState(false);
  const [scheduleLocal, setScheduleLocal] = useState('');
  const [scheduleMin, setScheduleMin] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checked, setChecked] = useState<{ input: SendFormInput; result: PreviewResult } | null>(null);
  const [sendFailure, setSendFailure] = useState<ActionFailure | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const [busy, setBusy] = useState<'check' | 'send' | null>(null);
  const [pending, startTransition] = useTransition();
  const resultRef = useRef<HTMLDivElement>(null);
  const unreachable = (): ActionFailure => ({ ok: false, code: 'failed', message: t('errors.unreachable'), problems: [] });

  // Pasting 100,000 numbers must not make typing lag: the split runs on a deferred copy.
  const deferredTyped = useDeferredValue(typed);
  const typedEntries = useMemo(() => splitRecipientText(deferredTyped), [deferredTyped]);
  const entries = useMemo(() => (csv ? typedEntries.concat(csv.entries) : typedEntries), [typedEntries, csv]);
  const recipientsText = useMemo(() => entries.join('\n'), [entries]);
  const estimate = useMemo(() => estimateRecipients(entries, callingCode), [entries, callingCode]);
  const groupMembers = groups.filter((g) => groupIds.includes(g.id)).reduce((sum, g) => sum + g.members, 0);
  const counted = useMemo(() => countParts(content), [content]);
  const culprits = useMemo(() => (counted.encoding === 'ucs2' ? unicodeCulprits(content) : []), [counted.encoding, content]);
  const scheduledAt = scheduleOn && scheduleLocal ? zonedLocalToIso(scheduleLocal, timeZone) : null;

  const input: SendFormInput = useMemo(
    () => ({
      sender,
      recipients: recipientsText,
      groupIds: [...groupIds].sort(),
      content,
      idx: idx.trim() || undefined,
      scheduledAt: scheduledAt ?? undefined,
      campaignName: campaignName.trim() || undefined,
      audience: audience && audienceOn ? audience.value : undefined,
      guard: guardOn ? { failurePercent: Number(guardPercent), window: Number(guardWindow) } : null,
    }),
    [sender, recipientsText, groupIds, content, idx, scheduledAt, campaignName, audience, audienceOn, guardOn, guardPercent, guardWindow],
  );
  const current = checked && sameInput(checked.input, input) ? checked.result : null;
  const exact = current?.ok ? current : null;
  const recipientCount = exact ? exact.valid : estimate.likely + groupMembers;
  const costUnits = exact ? exact.totalUnits : unitPrice === null ? null : unitPrice * counted.parts * recipientCount;
  const currentBalance = exact ? exact.balance : balance;
  const tooLong = counted.parts > UI_MAX_PARTS;
  const left = counted.parts ? counted.perPart * counted.parts - counted.units : counted.perPart;

  function findProblems(entryCount: number): Problem[] {
    const found: Problem[] = [];
    if (!sender) found.push('noSender');
    if (entryCount === 0 && groupIds.length === 0 && !(audience && audienceOn)) found.push('noRecipients');
    if (entryCount > MAX_FORM_RECIPIENTS) found.push('tooManyRecipients');
    if (csvBusy) found.push('csvBusy');
    if (content.trim() === '') found.push('emptyMessage');
    if (tooLong) found.push('tooLong');
    if (scheduleOn && !scheduledAt) found.push('scheduleInvalid');
    return found;
  }

  function check() {
    // Right after a paste the deferred split may lag behind: check what is in the box now.
    const latest = typed === deferredTyped ? entries : splitRecipientText(typed).concat(csv?.entries ?? []);
    const found = findProblems(latest.length);
    setProblems(found);
    setSendFailure(null);
    if (found.length) return;
    const snapshot = latest === entries ? input : { ...input, recipients: latest.join('\n') };
    setBusy('check');
    startTransition(async () => {
      try {
        setChecked({ input: snapshot, result: await previewSend(snapshot) });
      } catch {
        // The request itself failed (network, or a body over the server's limit).
        setChecked({ input: snapshot, result: unreachable() });
      }
      setBusy(null);
      resultRef.current?.focus();
    });
  }

  function send() {
    if (!exact) return;
    const snapshot = input;
    setBusy('send');
    setSendFailure(null);
    startTransition(async () => {
      let result: SendNowResult | undefined;
      try {
        // A campaign redirects to its page; only a single message comes back here.
        result = await sendNow(snapshot);
      } catch {
        result = unreachable();
      }
      setBusy(null);
      if (!result) return;
      if (result.ok) {
        setSent(result);
        setChecked(null);
      } else {
        setSendFailure(result);
      }
      resultRef.current?.focus();
    });
  }

  function startOver() {
    setSent(null);
    setTyped('');
    setCsv(null);
    setGroupIds([]);
    setContent('');
    setIdx('');
    setCampaignName('');
    setScheduleOn(false);
    setScheduleLocal('');
    setProblems([]);
  }

  function toggleSchedule(on: boolean) {
    setScheduleOn(on);
    if (on) {
      const now = Date.now();
      setScheduleMin(instantToZonedLocal(now, timeZone));
      // A sensible default: the next full hour, at least 30 minutes away.
      if (!scheduleLocal) setScheduleLocal(instantToZonedLocal(Math.ceil((now + 30 * 60_000) / 3_600_000) * 3_600_000, timeZone));
    }
  }

  // Once shown, the list follows the form: fixed problems drop off as the user fixes them.
  const liveProblems = problems.length ? findProblems(entries.length) : [];

  const problemIds: Partial<Record<Problem, string>> = {
    noSender: 'sender',
    noRecipients: 'recipients-typed',
    tooManyRecipients: 'recipients-typed',
    csvBusy: 'recipients-typed',
    emptyMessage: 'message-text',
    tooLong: 'message-text',
    scheduleInvalid: 'scheduled-at',
  };

  if (sent) {
    return (
      <section ref={(node) => node?.focus()} tabIndex={-1} role="status" aria-labelledby="sent-title" className="max-w-2xl space-y-4 rounded-lg border border-emerald-200 bg-emerald-50 p-5">
        <h2 id="sent-title" className="text-lg font-semibold text-emerald-900">
          {sent.scheduledAt ? t('sent.scheduledTitle') : t('sent.title')}
        </h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="text-slate-600">{t('sent.messageId')}</dt>
          <dd className="tabular font-mono" data-testid="message-id">
            {sent.messageId}
          </dd>
          <dt className="text-slate-600">{t('sent.recipient')}</dt>
          <dd className="tabular font-mono">{sent.recipient}</dd>
          <dt className="text-slate-600">{t('sent.points')}</dt>
          <dd className="tabular">{points(sent.totalUnits)}</dd>
          {sent.scheduledAt ? (
            <>
              <dt className="text-slate-600">{t('sent.when')}</dt>
              <dd>{format.dateTime(new Date(sent.scheduledAt), { ...DATE_TIME, timeZone })}</dd>
            </>
          ) : null}
        </dl>
        <div className="flex flex-wrap gap-3">
          <button type="button" onClick={startOver} className={primaryButton}>
            {t('sent.another')}
          </button>
          <Link href="/history" className={secondaryButton}>
            {t('sent.history')}
          </Link>
        </div>
      </section>
    );
  }

  if (senders.length === 0) {
    return (
      <section className="max-w-2xl rounded-lg border border-amber-200 bg-amber-50 p-5 text-sm text-amber-900">
        <h2 className="mb-1 font-semibold">{t('noSenders.title')}</h2>
        <p>{t('noSenders.body')}</p>
      </section>
    );
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        check();
      }}
      className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem] lg:items-start"
    >
      <div className="min-w-0 space-y-6">
        {liveProblems.length ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
            <p className="font-semibold">{t('problems.title')}</p>
            <ul className="mt-1 list-disc pl-5">
              {liveProblems.map((problem) => (
                <li key={problem}>
                  <a
                    href={`#${problemIds[problem]}`}
                    onClick={(event) => {
                      event.preventDefault();
                      document.getElementById(problemIds[problem] ?? '')?.focus();
                    }}
                    className="underline underline-offset-2"
                  >
                    {t(`problems.${problem}`, { max: MAX_FORM_RECIPIENTS, parts: UI_MAX_PARTS })}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        <div className={sectionClass}>
          <fieldset className="space-y-4">
            <legend className={legendClass}>{t('sender.legend')}</legend>
            <div className="space-y-1">
              <label htmlFor="sender" className={labelClass}>
                {t('sender.label')}
              </label>
              <select id="sender" value={sender} onChange={(e) => setSender(e.target.value)} className={`${inputClass} sm:max-w-xs`} aria-describedby="sender-help">
                {senders.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
              <p id="sender-help" className="text-xs text-slate-500">
                {t('sender.help')}
              </p>
            </div>
          </fieldset>
        </div>

        <div className={sectionClass}>
          <fieldset className="space-y-4">
            <legend className={legendClass}>{t('recipients.legend')}</legend>
            <div className="space-y-1">
              <label htmlFor="recipients-typed" className={labelClass}>
                {t('recipients.typedLabel')}
              </label>
              <textarea
                id="recipients-typed"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                rows={5}
                spellCheck={false}
                autoComplete="off"
                placeholder={t('recipients.placeholder')}
                aria-describedby="recipients-help"
                className={`${inputClass} font-mono`}
              />
              <p id="recipients-help" className="text-xs text-slate-500">
                {t('recipients.typedHelp', { country: countryName, code: country, callingCode })}
              </p>
            </div>

            <CsvUpload onChange={setCsv} onBusy={setCsvBusy} />

            <div className="space-y-1">
              <p className={labelClass} id="groups-label">
                {t('recipients.groupsLabel')}
              </p>
              {groups.length === 0 ? (
                <p className="text-sm text-slate-600">
                  {t('recipients.noGroups')}{' '}
                  <Link href="/contacts" className="underline underline-offset-2">
                    {t('recipients.contactsLink')}
                  </Link>
                </p>
              ) : (
                <ul aria-labelledby="groups-label" className="max-h-56 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200">
                  {groups.map((group) => (
                    <li key={group.id}>
                      <label className="flex items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
                        <input
                          type="checkbox"
                          checked={groupIds.includes(group.id)}
                          onChange={(e) => setGroupIds((ids) => (e.target.checked ? [...ids, group.id] : ids.filter((id) => id !== group.id)))}
                          className="size-4 rounded border-slate-300"
                        />
                        <span className="min-w-0 flex-1 truncate">{group.name}</span>
                        <span className="tabular text-right text-slate-600">{t('recipients.members', { count: group.members })}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </div>

            {audience ? (
              <label className="flex items-center gap-3 rounded-md border border-slate-200 px-3 py-2 text-sm" data-testid="send-audience">
                <input type="checkbox" checked={audienceOn} onChange={(e) => setAudienceOn(e.target.checked)} className="size-4 rounded border-slate-300" />
                <span className="min-w-0 flex-1 wrap-anywhere">{audience.label}</span>
                {audience.count !== null ? <span className="tabular text-right text-slate-600">{t('recipients.members', { count: audience.count })}</span> : null}
              </label>
            ) : null}

            <dl className="grid grid-cols-[1fr_max-content] gap-x-6 gap-y-1 rounded-md bg-slate-50 px-3 py-2 text-sm sm:max-w-sm">
              <dt className="text-slate-600">{t('recipients.entries')}</dt>
              <dd className="tabular text-right">{format.number(entries.length)}</dd>
              {estimate.duplicates ? (
                <>
                  <dt className="text-slate-600">{t('recipients.repeated')}</dt>
                  <dd className="tabular text-right">{format.number(estimate.duplicates)}</dd>
                </>
              ) : null}
              {estimate.unlikely ? (
                <>
                  <dt className="text-slate-600">{t('recipients.notNumbers')}</dt>
                  <dd className="tabular text-right text-red-700">{format.number(estimate.unlikely)}</dd>
                </>
              ) : null}
              {groupIds.length ? (
                <>
                  <dt className="text-slate-600">{t('recipients.fromGroups')}</dt>
                  <dd className="tabular text-right">{format.number(groupMembers)}</dd>
                </>
              ) : null}
            </dl>
          </fieldset>
        </div>

        <div className={sectionClass}>
          <fieldset className="space-y-4">
            <legend className={legendClass}>{t('message.legend')}</legend>
            <div className="space-y-1">
              <label htmlFor="message-text" className={labelClass}>
                {t('message.label')}
              </label>
              <textarea
                id="message-text"
                value={content}
                onChange={(e) => setContent(e.target.value)}
                rows={6}
                maxLength={MAX_CONTENT}
                aria-describedby="content-counter content-limit"
                aria-invalid={tooLong || undefined}
                className={inputClass}
              />
              <p id="content-counter" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
                <span>{t('message.characters', { count: counted.characters })}</span>
                <span>{counted.encoding === 'gsm7' ? t('message.gsm7') : t('message.ucs2')}</span>
                <span>{t('message.parts', { count: counted.parts })}</span>
                {counted.parts ? <span>{t('message.left', { count: Math.max(left, 0) })}</span> : null}
              </p>
              {culprits.length ? (
                <p className="text-xs text-slate-600">
                  {t('message.unicodeBecause')}{' '}
                  {culprits.map((c) => (
                    <code key={c} className="mr-1 rounded bg-slate-100 px-1 font-mono">
                      {c}
                    </code>
                  ))}
                </p>
              ) : null}
              <div id="content-limit" aria-live="polite">
                {tooLong ? (
                  <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{t('message.tooLong', { parts: counted.parts, max: UI_MAX_PARTS })}</p>
                ) : counted.parts === UI_MAX_PARTS ? (
                  <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{t('message.atLimit', { max: UI_MAX_PARTS })}</p>
                ) : null}
              </div>
            </div>
          </fieldset>
        </div>

        <div className={sectionClass}>
          <fieldset className="space-y-4">
            <legend className={legendClass}>{t('options.legend')}</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="space-y-1">
                <label htmlFor="idx" className={labelClass}>
                  {t('options.idx')}
                </label>
                <input id="idx" value={idx} onChange={(e) => setIdx(e.target.value)} maxLength={MAX_IDX} autoComplete="off" aria-describedby="idx-help" className={inputClass} />
                <p id="idx-help" className="text-xs text-slate-500">
                  {t('options.idxHelp')}
                </p>
              </div>
              <div className="space-y-1">
                <label htmlFor="campaign-name" className={labelClass}>
                  {t('options.campaignName')}
                </label>
                <input
                  id="campaign-name"
                  value={campaignName}
                  onChange={(e) => setCampaignName(e.target.value)}
                  maxLength={100}
                  autoComplete="off"
                  aria-describedby="campaign-name-help"
                  className={inputClass}
                />
                <p id="campaign-name-help" className="text-xs text-slate-500">
                  {t('options.campaignNameHelp')}
                </p>
              </div>
            </div>
            <div className="space-y-2">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
                <input type="checkbox" checked={guardOn} onChange={(e) => setGuardOn(e.target.checked)} className="size-4 rounded border-slate-300" data-testid="guard-on" />
                {t('options.guard')}
              </label>
              <p id="guard-help" className="text-xs text-slate-500">
                {t('options.guardHelp')}
              </p>
              {guardOn ? (
                <div className="grid gap-3 pl-6 sm:max-w-md sm:grid-cols-2">
                  <div className="space-y-1">
                    <label htmlFor="guard-percent" className={labelClass}>
                      {t('options.guardPercent')}
                    </label>
                    <input
                      id="guard-percent"
                      type="number"
                      inputMode="numeric"
                      min={GUARD_LIMITS.percent.min}
                      max={GUARD_LIMITS.percent.max}
                      value={guardPercent}
                      onChange={(e) => setGuardPercent(e.target.value)}
                      aria-describedby="guard-help"
                      className={inputClass}
                    />
                  </div>
                  <div className="space-y-1">
                    <label htmlFor="guard-window" className={labelClass}>
                      {t('options.guardWindow')}
                    </label>
                    <input
                      id="guard-window"
                      type="number"
                      inputMode="numeric"
                      min={GUARD_LIMITS.window.min}
                      max={GUARD_LIMITS.window.max}
                      value={guardWindow}
                      onChange={(e) => setGuardWindow(e.target.value)}
                      aria-describedby="guard-help"
                      className={inputClass}
                    />
                  </div>
                </div>
              ) : null}
            </div>
            <div className="space-y-2">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
                <input type="checkbox" checked={scheduleOn} onChange={(e) => toggleSchedule(e.target.checked)} className="size-4 rounded border-slate-300" />
                {t('options.schedule')}
              </label>
              {scheduleOn ? (
                <div className="space-y-1 pl-6">
                  <label htmlFor="scheduled-at" className={labelClass}>
                    {t('options.scheduledAt')}
                  </label>
                  <input
                    id="scheduled-at"
                    type="datetime-local"
                    value={scheduleLocal}
                    min={scheduleMin}
                    onChange={(e) => setScheduleLocal(e.target.value)}
                    aria-describedby="scheduled-at-help"
                    aria-invalid={(scheduleLocal !== '' && !scheduledAt) || undefined}
                    className={`${inputClass} sm:max-w-xs`}
                  />
                  <p id="scheduled-at-help" className="text-xs text-slate-500">
                    {scheduledAt
                      ? t('options.scheduledHelp', {
                          timeZone,
                          when: format.dateTime(new Date(scheduledAt), { ...DATE_TIME, timeZone }),
                        })
                      : t('options.timeZoneHelp', { timeZone })}
                  </p>
                </div>
              ) : null}
            </div>
          </fieldset>
        </div>
      </div>

      <aside aria-labelledby="summary-title" className="space-y-4 lg:sticky lg:top-4">
        <section className={`${sectionClass} space-y-4`}>
          <h2 id="summary-title" className="text-base font-semibold">
            {t('summary.title')}
          </h2>
          <dl className="grid grid-cols-[1fr_max-content] gap-y-1 [&>dt]:pr-4 text-sm">
            <dt className="text-slate-600">{t('summary.characters')}</dt>
            <dd className="tabular text-right">{format.number(counted.characters)}</dd>
            <dt className="text-slate-600">{t('summary.encoding')}</dt>
            <dd className="text-right">{counted.encoding === 'gsm7' ? t('message.gsm7') : t('message.ucs2')}</dd>
            <dt className="text-slate-600">{t('summary.parts')}</dt>
            <dd className={`tabular text-right ${tooLong ? 'font-semibold text-red-700' : ''}`}>
              {t('summary.partsOf', { parts: counted.parts, max: UI_MAX_PARTS })}
            </dd>
            <dt className="text-slate-600">{exact ? t('summary.recipients') : t('summary.recipientsEstimate')}</dt>
            <dd className="tabular text-right">{format.number(recipientCount)}</dd>
            <dt className="text-slate-600">{t('summary.pricePerPart', { country })}</dt>
            <dd className="tabular text-right">{unitPrice === null ? '—' : points(unitPrice)}</dd>
            <dt className="border-t border-slate-200 pt-1 font-medium">{exact ? t('summary.cost') : t('summary.costEstimate')}</dt>
            <dd className="tabular border-t border-slate-200 pt-1 text-right font-semibold" data-testid="cost">
              {costUnits === null ? '—' : points(costUnits)}
            </dd>
            <dt className="text-slate-600">{t('summary.balance')}</dt>
            <dd className="tabular text-right">{points(currentBalance)}</dd>
          </dl>
          {costUnits !== null && costUnits > currentBalance ? <p className="text-sm text-red-700">{t('summary.notEnough')}</p> : null}
          {!exact ? <p className="text-xs text-slate-500">{t('summary.estimateNote')}</p> : null}
          <button type="submit" disabled={pending} className={`w-full ${exact ? secondaryButton : primaryButton}`}>
            {busy === 'check' ? t('actions.checking') : exact ? t('actions.checkAgain') : t('actions.check')}
          </button>
        </section>

        <div ref={resultRef} tabIndex={-1} aria-live="polite" className="outline-none">
          {sendFailure ? <FailureNotice failure={sendFailure} /> : null}
          {current ? (
            <CheckResult
              result={current}
              scheduledAt={scheduledAt}
              timeZone={timeZone}
              sending={busy === 'send'}
              disabled={pending}
              onSend={send}
            />
          ) : checked ? (
            <p className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">{t('check.changed')}</p>
          ) : null}
        </div>
      </aside>
    </form>
  );
}
