'use client';

import { useTranslations } from 'next-intl';
import { useActionState, useId, useState } from 'react';
import type { MessageDetailItem } from '../../_components/message-details';
import { Button } from '../../_components/ui/button';
import { Field } from '../../_components/ui/field';
import { Input } from '../../_components/ui/input';
import { DetailList, Popover, PopoverTrigger } from '../../_components/ui/popover';
import { saveLowBalanceThreshold } from './actions';

/** The owner's low-balance threshold, in points as they write them; empty: off. */
export function ThresholdForm({ current }: { current: string }) {
  const t = useTranslations('points.threshold');
  const [state, action, pending] = useActionState(saveLowBalanceThreshold, null);
  const errors = state && !state.ok ? [state.message] : [];
  return (
    <form action={action} className="space-y-3">
      <Field id="threshold" label={t('label')} help={t('hint')} errors={errors}>
        {(control) => <Input {...control} name="threshold" inputMode="decimal" defaultValue={current} placeholder={t('placeholder')} className="sm:max-w-xs" />}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t('save')}
        </Button>
        <p role="status" className="text-sm text-emerald-700">
          {state?.ok ? t('saved') : null}
        </p>
      </div>
    </form>
  );
}

type Details = { items: MessageDetailItem[] } | 'loading' | 'failed';

/** "Message N": opens that message's details as History's "i" does (app/(app)/history/messages/[id]). */
export function MessageDetailsLink({ id, labels }: { id: number; labels: { open: string; title: string; close: string; loading: string; failed: string } }) {
  const popover = useId();
  const [details, setDetails] = useState<Details | null>(null);
  const load = () => {
    if (details && details !== 'failed') return;
    setDetails('loading');
    fetch(`/history/messages/${id}`, { headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? (response.json() as Promise<{ items: MessageDetailItem[] }>) : Promise.reject(new Error(String(response.status)))))
      .then(setDetails, () => setDetails('failed'));
  };
  return (
    <>
      <PopoverTrigger target={popover} onClick={load} className="text-brand-700 underline underline-offset-2 hover:text-brand-800">
        {labels.open}
      </PopoverTrigger>
      <Popover id={popover} title={labels.title} closeLabel={labels.close}>
        {details === null ? null : details === 'loading' ? (
          <p role="status">{labels.loading}</p>
        ) : details === 'failed' ? (
          <p role="alert">{labels.failed}</p>
        ) : (
          <DetailList items={details.items} />
        )}
      </Popover>
    </>
  );
}
