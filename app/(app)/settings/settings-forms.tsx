'use client';

import { useActionState, useState } from 'react';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/lib/gates/action';
import { Button } from '../../_components/ui/button';
import { ConfirmDialog } from '../../_components/ui/dialog';
import { Field } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';
import { TimeZoneOptions } from '../../_components/ui/time-zone-options';
import { createToken, deleteToken, revokeToken, saveLanguage, saveTimeZone } from './actions';

function Status({ state }: { state: ActionResult | null }) {
  const t = useTranslations('settings');
  if (!state) return null;
  return (
    <p role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
      {state.ok ? t('saved') : state.message}
    </p>
  );
}

export function LanguageForm({ current }: { current: 'en' | 'bg' | null }) {
  const t = useTranslations('settings.language');
  const [state, action, pending] = useActionState(saveLanguage, null);
  return (
    <form action={action} className="space-y-3">
      <Field id="language" label={t('label')}>
        {(control) => (
          <Select {...control} name="language" defaultValue={current ?? 'auto'} className="sm:max-w-xs">
            <option value="auto">{t('auto')}</option>
            <option value="en">{t('en')}</option>
            <option value="bg">{t('bg')}</option>
          </Select>
        )}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t('save')}
        </Button>
        <Status state={state} />
      </div>
    </form>
  );
}

export function TimeZoneForm({ current, canEdit }: { current: string; canEdit: boolean }) {
  const t = useTranslations('settings.timeZone');
  const [state, action, pending] = useActionState(saveTimeZone, null);
  return (
    <form action={action} className="space-y-3">
      <Field id="timeZone" label={t('label')} help={canEdit ? t('help') : t('ownerOnly')}>
        {(control) => (
          <Select {...control} name="timeZone" defaultValue={current} disabled={!canEdit} className="sm:max-w-xs">
            <TimeZoneOptions current={current} />
          </Select>
        )}
      </Field>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={pending}>
            {t('save')}
          </Button>
          <Status state={state} />
        </div>
      ) : null}
    </form>
  );
}

/** Copies a text to the clipboard and says so. */
function CopyButton({ text, label, done }: { text: string; label: string; done: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={async () => {
          await navigator.clipboard.writeText(text);
          setCopied(true);
        }}
      >
        {label}
      </Button>
      <span role="status" className="text-sm text-emerald-800">
        {copied ? done : null}
      </span>
    </>
  );
}

export function CreateTokenForm() {
  const t = useTranslations('settings.tokens');
  const [state, action, pending] = useActionState(createToken, null);
  return (
    <form action={action} className="space-y-3">
      <Field id="token-name" label={t('name')} errors={state?.ok === false ? state.problems.map((p) => p.message) : null}>
        {(control) => (
          <div className="flex flex-wrap items-center gap-3">
            <Input {...control} name="name" required maxLength={60} className="sm:max-w-xs" />
            <Button type="submit" disabled={pending}>
              {t('create')}
            </Button>
          </div>
        )}
      </Field>
      {state?.ok && state.token ? (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
          <p className="text-emerald-900">{t('createdOnce')}</p>
          <code data-testid="new-token" className="mt-2 block rounded bg-white px-2 py-1 font-mono text-xs break-all">
            {state.token}
          </code>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <CopyButton text={state.token} label={t('copy')} done={t('copied')} />
          </div>
        </div>
      ) : null}
    </form>
  );
}

/** Revoke (a live token) or delete (a revoked one), each after asking. */
export function TokenControls({ id, name, revoked }: { id: string; name: string; revoked: boolean }) {
  const t = useTranslations('settings.tokens');
  const [failed, setFailed] = useState<string | null>(null);
  const action = revoked ? 'delete' : 'revoke';
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline" aria-label={t(`${action}Label`, { name })} data-testid={`${action}-token`}>
            {t(action)}
          </Button>
        }
        title={t(`${action}Title`, { name })}
        description={t(`${action}Body`)}
        confirmLabel={t(`${action}Confirm`)}
        pendingLabel={t('working')}
        cancelLabel={t('keep')}
        onConfirm={async () => {
          const result = await (revoked ? deleteToken : revokeToken)({ id });
          setFailed(result.ok ? null : result.message);
        }}
      />
      {failed ? (
        <p role="alert" className="text-xs text-red-700">
          {failed}
        </p>
      ) : null}
    </>
  );
}
