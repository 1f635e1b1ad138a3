'use client';

import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { ActionFailure } from '@/lib/gates/action';
import { MAX_EMAIL_LENGTH, MAX_FIELD_VALUE_LENGTH, MAX_NAME_LENGTH, MAX_OPT_OUT_REASON_LENGTH } from '@/lib/contacts/limits';
import { Alert } from '../../_components/ui/alert';
import { Button } from '../../_components/ui/button';
import { Choice, Field, Fieldset } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { saveContact } from './actions';

export type ContactFormValues = {
  id?: string;
  phone: string;
  firstName: string;
  lastName: string;
  email: string;
  fields: Record<string, string>;
  groupIds: string[];
  optedOut: boolean;
  optOutReason: string;
};

/** Adding or editing one contact: every value checked on the server, each problem shown beside its field. */
export function ContactForm({
  initial,
  fields,
  groups,
  callingCode,
}: {
  initial: ContactFormValues;
  fields: { id: string; name: string; type: 'text' | 'number' | 'date' }[];
  groups: { id: string; name: string }[];
  callingCode: string;
}) {
  const t = useTranslations('contacts.form');
  const [values, setValues] = useState(initial);
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const [pending, startTransition] = useTransition();
  const errors = (field: string) => failure?.problems.filter((p) => p.field === field).map((p) => p.message) ?? null;
  const set = <K extends keyof ContactFormValues>(key: K, value: ContactFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    startTransition(async () => {
      // Success goes back to the table (a redirect); only a refusal comes back.
      const result = await saveContact(values);
      if (result && !result.ok) setFailure(result);
    });
  };

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {failure ? <Alert tone="error">{t('fix')}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="c-phone" label={t('phone')} help={t('phoneHelp', { callingCode })} errors={errors('phone')}>
          {(control) => <Input {...control} name="phone" inputMode="tel" autoComplete="off" required maxLength={40} value={values.phone} onChange={(e) => set('phone', e.target.value)} />}
        </Field>
        <Field id="c-email" label={t('email')} errors={errors('email')}>
          {(control) => <Input {...control} name="email" type="email" maxLength={MAX_EMAIL_LENGTH} value={values.email} onChange={(e) => set('email', e.target.value)} />}
        </Field>
        <Field id="c-first" label={t('firstName')} errors={errors('firstName')}>
          {(control) => <Input {...control} name="firstName" maxLength={MAX_NAME_LENGTH} value={values.firstName} onChange={(e) => set('firstName', e.target.value)} />}
        </Field>
        <Field id="c-last" label={t('lastName')} errors={errors('lastName')}>
          {(control) => <Input {...control} name="lastName" maxLength={MAX_NAME_LENGTH} value={values.lastName} onChange={(e) => set('lastName', e.target.value)} />}
        </Field>
        {fields.map((field) => (
          <Field key={field.id} id={`c-f-${field.id}`} label={field.name} help={t(`fieldHelp.${field.type}`)} errors={errors(`fields.${field.id}`)}>
            {(control) => (
              <Input
                {...control}
                name={`field-${field.id}`}
                inputMode={field.type === 'number' ? 'decimal' : undefined}
                maxLength={MAX_FIELD_VALUE_LENGTH}
                value={values.fields[field.id] ?? ''}
                onChange={(e) => set('fields', { ...values.fields, [field.id]: e.target.value })}
              />
            )}
          </Field>
        ))}
      </div>
      {groups.length ? (
        <Fieldset id="c-groups" legend={t('groups')} errors={errors('groupIds')}>
          <div className="grid gap-x-4 sm:grid-cols-2 lg:grid-cols-3">
            {groups.map((group) => (
              <Choice
                key={group.id}
                type="checkbox"
                label={group.name}
                checked={values.groupIds.includes(group.id)}
                onChange={(e) => set('groupIds', e.target.checked ? [...values.groupIds, group.id] : values.groupIds.filter((id) => id !== group.id))}
              />
            ))}
          </div>
        </Fieldset>
      ) : null}
      <Fieldset id="c-opt" legend={t('optOut')} help={t('optOutHelp')} errors={errors('reason')}>
        <Choice type="checkbox" label={t('optedOut')} checked={values.optedOut} onChange={(e) => set('optedOut', e.target.checked)} data-testid="opted-out-box" />
        {values.optedOut ? (
          <Field id="c-reason" label={t('reason')} className="mt-2 sm:max-w-md">
            {(control) => <Input {...control} maxLength={MAX_OPT_OUT_REASON_LENGTH} value={values.optOutReason} onChange={(e) => set('optOutReason', e.target.value)} />}
          </Field>
        ) : null}
      </Fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? t('saving') : values.id ? t('save') : t('create')}
      </Button>
    </form>
  );
}
