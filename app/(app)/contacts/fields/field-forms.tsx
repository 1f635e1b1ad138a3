'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState, useTransition } from 'react';
import { MAX_FIELD_NAME_LENGTH } from '@/lib/contacts/limits';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog, Dialog, DialogClose, DialogContent, DialogFooter, DialogTitle, DialogTrigger } from '../../../_components/ui/dialog';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { Select } from '../../../_components/ui/select';
import { createField, deleteField, renameField } from './actions';

export function CreateFieldForm({ full }: { full: boolean }) {
  const t = useTranslations('contacts.fields');
  const [state, action, pending] = useActionState(createField, null);
  const errors = (field: string) => (state?.ok === false ? state.problems.filter((p) => (p.field ?? 'name') === field).map((p) => p.message) : null);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <Field id="field-name" label={t('name')} errors={errors('name')} className="sm:w-72">
        {(control) => <Input {...control} name="name" required maxLength={MAX_FIELD_NAME_LENGTH} disabled={full} key={state?.ok ? state.id : 'new'} />}
      </Field>
      <Field id="field-type" label={t('type')} errors={errors('type')}>
        {(control) => (
          <Select {...control} name="type" defaultValue="text" disabled={full}>
            <option value="text">{t('types.text')}</option>
            <option value="number">{t('types.number')}</option>
            <option value="date">{t('types.date')}</option>
          </Select>
        )}
      </Field>
      <Button type="submit" disabled={pending || full}>
        {t('create')}
      </Button>
      {state?.ok ? (
        <p role="status" className="text-sm text-emerald-800">
          {t('created')}
        </p>
      ) : null}
    </form>
  );
}

export function FieldControls({ id, name }: { id: string; name: string }) {
  const t = useTranslations('contacts.fields');
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const rename = () =>
    startTransition(async () => {
      const result = await renameField({ id, name: value });
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
            {(control) => <Input {...control} value={value} maxLength={MAX_FIELD_NAME_LENGTH} onChange={(e) => setValue(e.target.value)} />}
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
        description={t('deleteBody')}
        confirmLabel={t('deleteConfirm')}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        onConfirm={async () => {
          const result = await deleteField({ id });
          setError(result.ok ? null : result.message);
        }}
      />
    </div>
  );
}
