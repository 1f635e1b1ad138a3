'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Alert } from '../../_components/ui/alert';
import { Button } from '../../_components/ui/button';
import { Field } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { signInAction, type SignInState } from './actions';

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const t = useTranslations('signIn');
  const te = useTranslations('errors');
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <Field id="email" label={t('email')}>
        {(control) => <Input {...control} name="email" type="email" autoComplete="username" required defaultValue={state.email} />}
      </Field>
      <Field id="password" label={t('password')}>
        {(control) => <Input {...control} name="password" type="password" autoComplete="current-password" required />}
      </Field>
      {state.error ? <Alert tone="error">{state.error === 'busy' ? te('busy') : t(state.error)}</Alert> : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? t('submitting') : t('submit')}
      </Button>
    </form>
  );
}
