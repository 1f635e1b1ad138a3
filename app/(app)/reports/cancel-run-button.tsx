'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { cancelReportRun } from './actions';

export function CancelRunButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations('reportBuilder.runs');
  const [state, action, pending] = useActionState(cancelReportRun, null);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={t('cancelLabel', { name })} className="text-sm text-red-700 underline disabled:opacity-60">
        {t('cancel')}
      </button>
      {state?.ok === false ? (
        <p role="alert" className="text-xs text-red-700">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
