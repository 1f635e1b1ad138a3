'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import type { FilterValues } from '@/lib/history/filters';
import { Button, buttonClass } from '../../_components/ui/button';
import { Field, Fieldset } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';

type Option = { value: string; label: string };
type Errors = Partial<Record<'sender' | 'recipient' | 'status' | 'source' | 'from' | 'to' | 'size', string[]>>;

export type FilterFormText = Record<
  | 'title'
  | 'sender'
  | 'allSenders'
  | 'recipient'
  | 'recipientHelp'
  | 'recipientPlaceholder'
  | 'status'
  | 'allStatuses'
  | 'groups'
  | 'single'
  | 'source'
  | 'allSources'
  | 'api'
  | 'portal'
  | 'dates'
  | 'datesHelp'
  | 'from'
  | 'to'
  | 'size'
  | 'apply'
  | 'clear',
  string
>;

/**
 * The history's filters as a GET form: every text and option comes from the page (translated and
 * checked there), so the page's data carries them once, not as a tree of elements. Without
 * JavaScript it submits as any form (filters in the URL). With it, empty fields are left out of
 * the URL, so shared links stay short, and the page updates without a full reload. The page
 * mounts a new form for each URL, so the fields always show what the URL lists.
 */
export function FilterForm({
  action,
  values,
  status,
  senders,
  statusGroups,
  statusCodes,
  pageSizes,
  today,
  maxRecipient,
  errors,
  text,
}: {
  action: string;
  values: FilterValues;
  /** the status field's value, and the label of a list of codes none of the options is */
  status: { value: string; custom: string | null };
  senders: string[];
  statusGroups: Option[];
  statusCodes: Option[];
  pageSizes: readonly number[];
  today: string;
  maxRecipient: number;
  errors: Errors;
  text: FilterFormText;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const options = (list: Option[]) =>
    list.map((option) => (
      <option key={option.value} value={option.value}>
        {option.label}
      </option>
    ));
  return (
    <form
      method="get"
      action={action}
      role="search"
      aria-label={text.title}
      aria-busy={pending}
      className={pending ? 'opacity-70 transition-opacity' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(event.currentTarget)) {
          if (typeof value === 'string' && value.trim() !== '') params.append(key, value.trim());
        }
        const query = params.toString();
        startTransition(() => router.push(query ? `${action}?${query}` : action));
      }}
    >
      <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="f-sender" label={text.sender} errors={errors.sender}>
          {(control) => (
            <Select {...control} name="sender" defaultValue={values.sender}>
              <option value="">{text.allSenders}</option>
              {options(senders.map((name) => ({ value: name, label: name })))}
              {values.sender && !senders.includes(values.sender) ? <option value={values.sender}>{values.sender}</option> : null}
            </Select>
          )}
        </Field>
        <Field id="f-recipient" label={text.recipient} help={text.recipientHelp} errors={errors.recipient}>
          {(control) => (
            <Input
              {...control}
              name="recipient"
              type="search"
              inputMode="tel"
              autoComplete="off"
              maxLength={maxRecipient}
              defaultValue={values.recipient}
              placeholder={text.recipientPlaceholder}
            />
          )}
        </Field>
        <Field id="f-status" label={text.status} errors={errors.status}>
          {(control) => (
            <Select {...control} name="status" defaultValue={status.value}>
              <option value="">{text.allStatuses}</option>
              {status.custom ? <option value={status.value}>{status.custom}</option> : null}
              <optgroup label={text.groups}>{options(statusGroups)}</optgroup>
              <optgroup label={text.single}>{options(statusCodes)}</optgroup>
            </Select>
          )}
        </Field>
        <Field id="f-source" label={text.source} errors={errors.source}>
          {(control) => (
            <Select {...control} name="source" defaultValue={values.source}>
              <option value="">{text.allSources}</option>
              <option value="api">{text.api}</option>
              <option value="portal">{text.portal}</option>
            </Select>
          )}
        </Field>
        <Fieldset id="f-dates" legend={text.dates} help={text.datesHelp} className="sm:col-span-2">
          <div className="grid grid-cols-2 gap-3">
            <Field id="f-from" label={text.from} labelClassName="text-xs font-normal text-slate-600" errors={errors.from}>
              {(control) => <Input {...control} name="from" type="date" min="2000-01-01" max={today} defaultValue={values.from} />}
            </Field>
            <Field id="f-to" label={text.to} labelClassName="text-xs font-normal text-slate-600" errors={errors.to}>
              {(control) => <Input {...control} name="to" type="date" min="2000-01-01" defaultValue={values.to} />}
            </Field>
          </div>
        </Fieldset>
        <Field id="f-size" label={text.size} errors={errors.size}>
          {(control) => (
            <Select {...control} name="size" defaultValue={values.size || String(pageSizes[0])}>
              {options(pageSizes.map((size) => ({ value: String(size), label: String(size) })))}
            </Select>
          )}
        </Field>
        <div className="flex flex-wrap items-end gap-3">
          {values.campaign ? <input type="hidden" name="campaign" value={values.campaign} /> : null}
          <Button type="submit">{text.apply}</Button>
          <Link href={action} className={buttonClass({ variant: 'link', size: 'inline' })}>
            {text.clear}
          </Link>
        </div>
      </div>
    </form>
  );
}
