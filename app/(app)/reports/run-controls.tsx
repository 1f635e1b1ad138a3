'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { Button } from '../../_components/ui/button';
import { ConfirmDialog } from '../../_components/ui/dialog';
import { cancelReportRun, deleteReportRun } from './actions';

export function CancelRunButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations('reportBuilder.runs');
  const [state, action, pending] = useActionState(cancelReportRun, null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="dangerLink" size="inline" disabled={pending} aria-label={t('cancelLabel', { name })}>
        {t('cancel')}
      </Button>
      {state?.ok === false ? (
        <p role="alert" className="text-xs text-red-700">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

/** Deletes a finished one-off report, file and links included, after asking. */
export function DeleteRunButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations('reportBuilder.runs');
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline" aria-label={t('deleteLabel', { name })} data-testid="delete-run">
            {t('delete')}
          </Button>
        }
        title={t('deleteTitle', { name })}
        description={t('deleteBody')}
        confirmLabel={t('deleteConfirm')}
        pendingLabel={t('deleting')}
        cancelLabel={t('deleteCancel')}
        onConfirm={async () => {
          const result = await deleteReportRun({ id });
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
