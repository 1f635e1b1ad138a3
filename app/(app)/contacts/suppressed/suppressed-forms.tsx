'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { SUPPRESS_AFTER } from '@/lib/contacts/suppression-limits';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog } from '../../../_components/ui/dialog';
import { Field } from '../../../_components/ui/field';
import { Select } from '../../../_components/ui/select';
import { changeSuppressAfter, releaseNumber } from './actions';

/** The account's rule: after how many permanent failures in a row a number is suppressed, or never. */
export function SuppressAfterForm({ after, canChange }: { after: number | null; canChange: boolean }) {
  const t = useTranslations('contacts.suppressed');
  const [state, action, pending] = useActionState(changeSuppressAfter, null);
  const choices = Array.from({ length: SUPPRESS_AFTER.max - SUPPRESS_AFTER.min + 1 }, (_, i) => SUPPRESS_AFTER.min + i);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <Field id="suppress-after" label={t('rule')} errors={state?.ok === false ? state.message : null} className="sm:w-72">
        {(control) => (
          <Select {...control} name="after" defaultValue={after === null ? 'off' : String(after)} disabled={!canChange}>
            {choices.map((n) => (
              <option key={n} value={n}>
                {t('ruleValue', { count: n })}
              </option>
            ))}
            <option value="off">{t('ruleOff')}</option>
          </Select>
        )}
      </Field>
      {canChange ? (
        <Button type="submit" variant="secondary" disabled={pending}>
          {t('save')}
        </Button>
      ) : null}
      {state?.ok ? (
        <p role="status" className="text-sm text-emerald-800">
          {t('saved')}
        </p>
      ) : null}
    </form>
  );
}

export function ReleaseButton({ phone }: { phone: string }) {
  const t = useTranslations('contacts.suppressed');
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="dangerLink" size="inline" aria-label={t('releaseLabel', { number: phone })}>
            {t('release')}
          </Button>
        }
        title={t('releaseTitle', { number: phone })}
        description={t('releaseBody')}
        confirmLabel={t('releaseConfirm')}
        pendingLabel={t('working')}
        cancelLabel={t('cancel')}
        confirmVariant="primary"
        onConfirm={async () => {
          const result = await releaseNumber({ phone });
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
