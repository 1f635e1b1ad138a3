'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog } from '../../../_components/ui/dialog';
import { removeContacts } from '../actions';

export function DeleteContactButton({ id, phone }: { id: string; phone: string }) {
  const t = useTranslations('contacts.selection');
  const router = useRouter();
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-2">
      <ConfirmDialog
        trigger={<Button variant="dangerOutline">{t('deleteOne')}</Button>}
        title={t('deleteOneTitle', { number: phone })}
        description={t('deleteBody', { count: 1 })}
        confirmLabel={t('deleteConfirm', { count: 1 })}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        onConfirm={async () => {
          const result = await removeContacts({ ids: [id] });
          if (result.ok) router.push('/contacts');
          else setFailed(result.message);
        }}
      />
      {failed ? (
        <p role="alert" className="text-sm text-red-700">
          {failed}
        </p>
      ) : null}
    </div>
  );
}
