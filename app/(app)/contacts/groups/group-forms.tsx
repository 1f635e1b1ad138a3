'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, useTransition } from 'react';
import { MAX_NAME_LENGTH } from '@/lib/contacts/limits';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog, Dialog, DialogContent, DialogFooter, DialogTitle, DialogTrigger, DialogClose } from '../../../_components/ui/dialog';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { createGroup, deleteGroup, renameGroup } from './actions';

export function CreateGroupForm() {
  const t = useTranslations('contacts.groups');
  const [state, action, pending] = useActionState(createGroup, null);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <Field id="group-name" label={t('name')} errors={state?.ok === false ? state.problems.map((p) => p.message) : null} className="sm:w-80">
        {(control) => <Input {...control} name="name" required maxLength={MAX_NAME_LENGTH} key={state?.ok ? state.id : 'new'} />}
      </Field>
      <Button type="submit" disabled={pending}>
        {t('create')}
      </Button>
      {state?.ok ? (
        <p role="status" className="text-sm text-emerald-800">
          {t('createdDone')}
        </p>
      ) : null}
    </form>
  );
}

/** Rename (in a small dialog) and delete (after asking; the contacts stay). */
export function GroupControls({ id, name, members }: { id: string; name: string; members: number }) {
  const t = useTranslations('contacts.groups');
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const rename = () =>
    startTransition(async () => {
      const result = await renameGroup({ id, name: value });
      if (result.ok) setOpen(false);
      setError(result.ok ? null : result.message);
    });
  return (
    <div className="flex flex-wrap gap-3">
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button variant="link" size="inline" aria-label={t('renameLabel', { name })}>
            {t('rename')}
          </Button>
        </DialogTrigger>
        <DialogContent aria-describedby={undefined}>
          <DialogTitle>{t('renameTitle', { name })}</DialogTitle>
          <Field id={`rename-${id}`} label={t('name')} errors={error}>
            {(control) => <Input {...control} value={value} maxLength={MAX_NAME_LENGTH} onChange={(e) => setValue(e.target.value)} />}
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{t('cancel')}</Button>
            </DialogClose>
            <Button onClick={rename} disabled={pending}>
              {t('save')}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline" aria-label={t('deleteLabel', { name })}>
            {t('delete')}
          </Button>
        }
        title={t('deleteTitle', { name })}
        description={t('deleteBody', { count: members })}
        confirmLabel={t('deleteConfirm')}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        onConfirm={async () => {
          const result = await deleteGroup({ id });
          setError(result.ok ? null : result.message);
        }}
      />
    </div>
  );
}
