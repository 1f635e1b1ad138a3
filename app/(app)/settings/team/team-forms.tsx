'use client';

import { useActionState, useState } from 'react';
import { useTranslations } from 'next-intl';
import type { ActionResult } from '@/lib/gates/action';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog } from '../../../_components/ui/dialog';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { Select } from '../../../_components/ui/select';
import { addUser, saveRole, setDisabled } from './actions';

const ROLES = ['owner', 'member', 'viewer'] as const;
type Role = (typeof ROLES)[number];

function Status({ state, done }: { state: ActionResult | null; done: string }) {
  if (!state) return null;
  return (
    <p role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
      {state.ok ? done : state.message}
    </p>
  );
}

const errorsOf = (state: ActionResult | null, field: string) =>
  state?.ok === false ? state.problems.filter((p) => p.field === field).map((p) => p.message) : null;

export function AddUserForm() {
  const t = useTranslations('team');
  const [state, action, pending] = useActionState(addUser, null);
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2">
      <Field id="team-email" label={t('email')} errors={errorsOf(state, 'email')}>
        {(control) => <Input {...control} name="email" type="email" required maxLength={320} autoComplete="off" />}
      </Field>
      <Field id="team-name" label={t('name')} errors={errorsOf(state, 'name')}>
        {(control) => <Input {...control} name="name" maxLength={100} autoComplete="off" />}
      </Field>
      <Field id="team-role" label={t('role')}>
        {(control) => (
          <Select {...control} name="role" defaultValue="member">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`roles.${role}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field id="team-password" label={t('add.password')} errors={errorsOf(state, 'password')}>
        {(control) => <Input {...control} name="password" type="password" required autoComplete="new-password" />}
      </Field>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {t('add.submit')}
        </Button>
        {/* a problem with no field of its own (an e-mail already taken) */}
        <Status state={state?.ok === false && state.problems.some((p) => p.field) ? null : state} done={t('add.added')} />
      </div>
    </form>
  );
}

export function RoleForm({ userId, email, role }: { userId: number; email: string; role: Role }) {
  const t = useTranslations('team');
  const [state, action, pending] = useActionState(saveRole, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Select name="role" defaultValue={role} aria-label={t('changeRole', { email })} className="w-auto">
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="secondary" size="sm" disabled={pending}>
        {t('saveRole')}
      </Button>
      <Status state={state} done={t('saved')} />
    </form>
  );
}

/** Disable (after asking) or enable a user. */
export function DisableControl({ userId, email, disabled }: { userId: number; email: string; disabled: boolean }) {
  const t = useTranslations('team');
  const [failed, setFailed] = useState<string | null>(null);
  const run = async (value: boolean) => {
    const result = await setDisabled({ userId, disabled: value });
    setFailed(result.ok ? null : result.message);
  };
  return (
    <>
      {disabled ? (
        <Button variant="secondary" size="sm" onClick={() => run(false)}>
          {t('enable')}
        </Button>
      ) : (
        <ConfirmDialog
          trigger={
            <Button variant="dangerOutline" size="sm">
              {t('disable')}
            </Button>
          }
          title={t('disableTitle', { email })}
          description={t('disableBody')}
          confirmLabel={t('disable')}
          pendingLabel={t('working')}
          cancelLabel={t('cancel')}
          onConfirm={() => run(true)}
        />
      )}
      {failed ? (
        <p role="alert" className="text-xs text-red-700">
          {failed}
        </p>
      ) : null}
    </>
  );
}
