'use client';

import Link from 'next/link';
import { useActionState, useState, useTransition } from 'react';
import { useTranslations } from 'next-intl';
import type { ViewPage } from '@/lib/views/views';
import { Button, buttonClass } from '../../_components/ui/button';
import { Field } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { Popover, PopoverTrigger } from '../../_components/ui/popover';
import { TimeZoneOptions } from '../../_components/ui/time-zone-options';
import { Select } from '../../_components/ui/select';
import { deleteSavedView, exportCurrentView, saveCurrentView } from './actions';

type View = { id: string; name: string; query: string };
type State = { ok: boolean; problems?: { field?: string; message: string }[] } | null;

/** A form's problems beside `field` (a list's items too: emails.0); `rest` those of no field of the form. */
function problemsOf(state: State, field: string): string[] | null;
function problemsOf(state: State, field: null, fields: string[]): string[] | null;
function problemsOf(state: State, field: string | null, fields: string[] = []) {
  if (!state || state.ok) return null;
  const of = (p: { field?: string }) => (p.field ?? '').split('.')[0];
  return (state.problems ?? []).filter((p) => (field === null ? !fields.includes(of(p)) : of(p) === field)).map((p) => p.message);
}

function FormAlert({ errors }: { errors: string[] | null }) {
  return errors?.length ? (
    <p role="alert" className="text-red-700">
      {errors.join(' ')}
    </p>
  ) : null;
}

/**
 * The Saved views menu of a page (History, Contacts): the user's views as links, saving the
 * current one, deleting one. The page keys it by its query, so opening a view closes the menu.
 */
export function SavedViews({ page, path, query, views }: { page: ViewPage; path: string; query: string; views: View[] }) {
  const t = useTranslations('views');
  const [state, save, pending] = useActionState(saveCurrentView, null);
  const [failed, setFailed] = useState<string | null>(null);
  const [deleting, startDelete] = useTransition();
  const id = `views-${page}`;
  return (
    <>
      <PopoverTrigger target={id} className={buttonClass({ variant: 'secondary', size: 'sm' })} data-testid="views-menu">
        {t('menu')} ({views.length})
      </PopoverTrigger>
      <Popover id={id} title={t('title')} closeLabel={t('close')}>
        <div className="space-y-4 p-3 text-sm">
          {views.length ? (
            <ul aria-label={t('list')} className="space-y-1">
              {views.map((view) => (
                <li key={view.id} className="flex items-center justify-between gap-3">
                  <Link href={view.query ? `${path}?${view.query}` : path} className="min-w-0 font-medium wrap-anywhere text-brand-700 underline underline-offset-2">
                    {view.name}
                  </Link>
                  <Button
                    variant="dangerLink"
                    size="inline"
                    aria-label={t('deleteLabel', { name: view.name })}
                    disabled={deleting}
                    onClick={() =>
                      startDelete(async () => {
                        const result = await deleteSavedView({ id: view.id, page });
                        setFailed(result.ok ? null : result.message);
                      })
                    }
                  >
                    {t('delete')}
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-slate-600">{t('none')}</p>
          )}
          <FormAlert errors={failed ? [failed] : null} />
          <form action={save} className="space-y-2">
            <input type="hidden" name="page" value={page} />
            <input type="hidden" name="query" value={query} />
            <Field id={`${id}-name`} label={t('name')} errors={problemsOf(state, 'name')}>
              {(control) => <Input {...control} name="name" required maxLength={60} autoComplete="off" />}
            </Field>
            <FormAlert errors={problemsOf(state, null, ['name'])} />
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" size="sm" disabled={pending}>
                {t('save')}
              </Button>
              {state?.ok ? (
                <span role="status" className="text-emerald-700">
                  {state.replaced ? t('replaced') : t('saved')}
                </span>
              ) : null}
            </div>
          </form>
        </div>
      </Popover>
    </>
  );
}

/** "Export this view" of History: a one-off report of exactly these filters, made in the background. */
export function ExportView({ query, defaultName, timeZone }: { query: string; defaultName: string; timeZone: string }) {
  const t = useTranslations('views.export');
  const close = useTranslations('views')('close');
  const [state, run, pending] = useActionState(exportCurrentView, null);
  return (
    <>
      <PopoverTrigger target="export-view" className={buttonClass({ variant: 'secondary', size: 'sm' })} data-testid="export-view">
        {t('button')}
      </PopoverTrigger>
      <Popover id="export-view" title={t('title')} closeLabel={close}>
        <form action={run} className="space-y-3 p-3 text-sm">
          <p className="text-slate-600">{t('help')}</p>
          <input type="hidden" name="query" value={query} />
          <Field id="export-name" label={t('name')} errors={problemsOf(state, 'name')}>
            {(control) => <Input {...control} name="name" required maxLength={100} defaultValue={defaultName} />}
          </Field>
          <Field id="export-zone" label={t('timeZone')} errors={problemsOf(state, 'timeZone')}>
            {(control) => (
              <Select {...control} name="timeZone" defaultValue={timeZone}>
                <TimeZoneOptions current={timeZone} />
              </Select>
            )}
          </Field>
          <Field id="export-emails" label={t('emails')} help={t('emailsHelp')} errors={problemsOf(state, 'emails')}>
            {(control) => <Input {...control} name="emails" type="text" inputMode="email" autoComplete="off" />}
          </Field>
          <FormAlert errors={problemsOf(state, null, ['name', 'timeZone', 'emails'])} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" size="sm" disabled={pending}>
              {t('submit')}
            </Button>
            {state?.ok ? (
              <span role="status" className="text-emerald-700">
                {t('queued')}{' '}
                <Link href="/reports" className="font-medium underline underline-offset-2" data-testid="export-reports-link">
                  {t('open')}
                </Link>
              </span>
            ) : null}
          </div>
        </form>
      </Popover>
    </>
  );
}
