'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { MAX_OPT_OUT_REASON_LENGTH } from '@/lib/contacts/limits';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog } from '../../../_components/ui/dialog';
import { Field } from '../../../_components/ui/field';
import { Input, Textarea } from '../../../_components/ui/input';
import { addOptOuts, removeOptOut } from './actions';

export function AddOptOutsForm() {
  const t = useTranslations('contacts.optOuts');
  const [state, action, pending] = useActionState(addOptOuts, null);
  const errors = (field: string) => (state?.ok === false ? state.problems.filter((p) => (p.field ?? 'numbers') === field).map((p) => p.message) : null);
  return (
    <form action={action} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="opt-numbers" label={t('numbers')} help={t('numbersHelp')} errors={errors('numbers')}>
          {(control) => <Textarea {...control} name="numbers" rows={3} required />}
        </Field>
        <Field id="opt-reason" label={t('reason')} errors={errors('reason')}>
          {(control) => <Input {...control} name="reason" maxLength={MAX_OPT_OUT_REASON_LENGTH} />}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t('add')}
        </Button>
        {state?.ok ? (
          <p role="status" className="text-sm text-emerald-800">
            {t('added', { count: state.added })}
            {state.invalid.length ? ` ${t('notNumbers', { entries: state.invalid.join(', ') })}` : ''}
          </p>
        ) : null}
      </div>
    </form>
  );
}

export function RemoveOptOutButton({ id, phone }: { id: number; phone: string }) {
  const t = useTranslations('contacts.optOuts');
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline" aria-label={t('removeLabel', { number: phone })}>
            {t('remove')}
          </Button>
        }
        title={t('removeTitle', { number: phone })}
        description={t('removeBody')}
        confirmLabel={t('removeConfirm')}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        confirmVariant="primary"
        onConfirm={async () => {
          const result = await removeOptOut({ id });
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
