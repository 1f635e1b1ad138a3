'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Button } from '../../../../_components/ui/button';
import { ConfirmDialog } from '../../../../_components/ui/dialog';
import { discardImport } from '../actions';

/** Deletes an import that has not started, or has ended: its file and its list of bad lines. */
export function DiscardImportButton({ id }: { id: string }) {
  const t = useTranslations('contacts.import');
  const router = useRouter();
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline">
            {t('discard')}
          </Button>
        }
        title={t('discardTitle')}
        description={t('discardBody')}
        confirmLabel={t('discardConfirm')}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        onConfirm={async () => {
          const result = await discardImport({ id });
          if (result.ok) router.push('/contacts/import');
          else setFailed(result.message);
        }}
      />
      {failed ? (
        <span role="alert" className="text-sm text-red-700">
          {failed}
        </span>
      ) : null}
    </>
  );
}
