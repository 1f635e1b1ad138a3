'use client';

import { useTranslations } from 'next-intl';
import { Dialog } from 'radix-ui';
import { useState, useTransition } from 'react';
import { changeSchedule, type ScheduleInput } from './actions';

type Action = ScheduleInput['action'];

const button = 'text-sm font-medium text-brand-700 underline disabled:opacity-60';
const deleteButton = 'text-sm text-red-700 underline disabled:opacity-60';
const plain = 'rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-60';
const danger = 'rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60';

/** Pause or resume a schedule; delete it after a confirmation (it takes its reports with it). */
export function ScheduleControls({ id, name, paused }: { id: string; name: string; paused: boolean }) {
  const t = useTranslations('reportBuilder.schedules');
  const [open, setOpen] = useState(false);
  const [running, setRunning] = useState<Action | null>(null);
  const [failed, setFailed] = useState(false);
  const [pending, startTransition] = useTransition();

  function run(action: Action) {
    setRunning(action);
    setFailed(false);
    startTransition(async () => {
      try {
        const result = await changeSchedule({ id, action });
        setFailed(!result.ok);
      } catch {
        setFailed(true);
      }
      setRunning(null);
      if (action === 'delete') setOpen(false);
    });
  }

  const toggle: Action = paused ? 'resume' : 'pause';
  return (
    <div className="inline-flex flex-col items-end gap-1">
      <div className="inline-flex items-center gap-3">
        <button type="button" onClick={() => run(toggle)} disabled={pending} aria-label={t(paused ? 'resumeLabel' : 'pauseLabel', { name })} className={button}>
          {running === toggle ? t('working') : t(paused ? 'resume' : 'pause')}
        </button>
        <Dialog.Root open={open} onOpenChange={(next) => (pending ? undefined : setOpen(next))}>
          <Dialog.Trigger asChild>
            <button type="button" disabled={pending} aria-label={t('deleteLabel', { name })} className={deleteButton}>
              {t('delete')}
            </button>
          </Dialog.Trigger>
          <Dialog.Portal>
            <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
            <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 space-y-4 rounded-lg bg-white p-5 text-left whitespace-normal shadow-xl">
              <Dialog.Title className="text-lg font-semibold">{t('deleteTitle', { name })}</Dialog.Title>
              <Dialog.Description className="text-sm text-slate-700">{t('deleteBody')}</Dialog.Description>
              <div className="flex flex-wrap justify-end gap-3">
                <Dialog.Close asChild>
                  <button type="button" disabled={pending} className={plain}>
                    {t('deleteCancel')}
                  </button>
                </Dialog.Close>
                <button type="button" onClick={() => run('delete')} disabled={pending} className={danger}>
                  {running === 'delete' ? t('working') : t('deleteConfirm')}
                </button>
              </div>
            </Dialog.Content>
          </Dialog.Portal>
        </Dialog.Root>
      </div>
      {failed ? (
        <p role="alert" className="text-xs text-red-700">
          {t('notChanged')}
        </p>
      ) : null}
    </div>
  );
}
