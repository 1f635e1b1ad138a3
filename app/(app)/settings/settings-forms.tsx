'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/lib/gates/action';
import { createToken, revokeToken, saveLanguage, saveTimeZone } from './actions';

const inputClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-xs sm:max-w-xs';
const buttonClass = 'rounded-md bg-brand-600 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60';

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
      <label htmlFor="language" className="block text-sm font-medium text-slate-700">
        {t('label')}
      </label>
      <select id="language" name="language" defaultValue={current ?? 'auto'} className={inputClass}>
        <option value="auto">{t('auto')}</option>
        <option value="en">{t('en')}</option>
        <option value="bg">{t('bg')}</option>
      </select>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className={buttonClass}>
          {t('save')}
        </button>
        <Status state={state} />
      </div>
    </form>
  );
}

export function TimeZoneForm({ current, zones, canEdit }: { current: string; zones: string[]; canEdit: boolean }) {
  const t = useTranslations('settings.timeZone');
  const [state, action, pending] = useActionState(saveTimeZone, null);
  return (
    <form action={action} className="space-y-3">
      <label htmlFor="timeZone" className="block text-sm font-medium text-slate-700">
        {t('label')}
      </label>
      <select id="timeZone" name="timeZone" defaultValue={current} disabled={!canEdit} className={inputClass} aria-describedby="timeZone-help">
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      <p id="timeZone-help" className="text-xs text-slate-500">
        {canEdit ? t('help') : t('ownerOnly')}
      </p>
      {canEdit ? (
        <div className="flex items-center gap-3">
          <button type="submit" disabled={pending} className={buttonClass}>
            {t('save')}
          </button>
          <Status state={state} />
        </div>
      ) : null}
    </form>
  );
}

export function CreateTokenForm() {
  const t = useTranslations('settings.tokens');
  const [state, action, pending] = useActionState(createToken, null);
  return (
    <form action={action} className="space-y-3">
      <label htmlFor="token-name" className="block text-sm font-medium text-slate-700">
        {t('name')}
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <input id="token-name" name="name" required maxLength={60} className={inputClass} />
        <button type="submit" disabled={pending} className={buttonClass}>
          {t('create')}
        </button>
      </div>
      {state?.ok && state.token ? (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
          <p className="text-emerald-900">{t('createdOnce')}</p>
          <code data-testid="new-token" className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs">
            {state.token}
          </code>
        </div>
      ) : (
        state?.ok === false && <Status state={state} />
      )}
    </form>
  );
}

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations('settings.tokens');
  const [state, action, pending] = useActionState(revokeToken, null);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={t('revokeLabel', { name })} className="text-sm text-red-700 underline">
        {t('revoke')}
      </button>
      {state?.ok === false ? <Status state={state} /> : null}
    </form>
  );
}
