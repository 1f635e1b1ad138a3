'use client';

import { useLocale, useTranslations } from 'next-intl';
import { Dialog } from 'radix-ui';
import { useState, useTransition } from 'react';
import { formatPoints } from '@/lib/messaging/pricing';
import { changeCampaign, type ControlInput } from './actions';

type ControlState = { ok: boolean; message: string };

type Action = ControlInput['action'];

const button = 'rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-60';
const stopButton = 'rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-700 hover:bg-red-50 disabled:opacity-60';
const danger = 'rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60';

/**
 * Pause while sending (or scheduled); resume and stop while paused; stop while sending. Stop is
 * final and refunds the unsent messages, so it asks first and says how many points come back.
 */
export function CampaignControls({ id, status, pendingCount, refundableUnits }: { id: string; status: string; pendingCount: number; refundableUnits: number }) {
  const t = useTranslations('campaign');
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const [running, setRunning] = useState<Action | null>(null);
  const [result, setResult] = useState<ControlState | null>(null);
  const [pending, startTransition] = useTransition();

  const canPause = status === 'sending' || status === 'scheduled';
  const canResume = status === 'paused';
  const canStop = status === 'sending' || status === 'paused';

  function run(action: Action) {
    setRunning(action);
    setResult(null);
    startTransition(async () => {
      try {
        setResult(await changeCampaign({ id, action }));
      } catch {
        setResult({ ok: false, message: t('control.failed') });
      }
      setRunning(null);
      if (action === 'stop') setOpen(false);
    });
  }

  const message = result ? (
    <p role={result.ok ? 'status' : 'alert'} className={`text-sm ${result.ok ? 'text-emerald-800' : 'text-red-700'}`}>
      {result.message}
    </p>
  ) : null;

  if (!canPause && !canResume && !canStop) return message;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        {canPause ? (
          <button type="button" onClick={() => run('pause')} disabled={pending} className={button}>
            {running === 'pause' ? t('controls.pausing') : t('controls.pause')}
          </button>
        ) : null}
        {canResume ? (
          <button type="button" onClick={() => run('resume')} disabled={pending} className={button}>
            {running === 'resume' ? t('controls.resuming') : t('controls.resume')}
          </button>
        ) : null}
        {canStop ? (
          <Dialog.Root open={open} onOpenChange={(next) => (pending ? undefined : setOpen(next))}>
            <Dialog.Trigger asChild>
              <button type="button" disabled={pending} className={stopButton}>
                {t('controls.stop')}
              </button>
            </Dialog.Trigger>
            <Dialog.Portal>
              <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
              <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 space-y-4 rounded-lg bg-white p-5 shadow-xl">
                <Dialog.Title className="text-lg font-semibold">{t('controls.stopTitle')}</Dialog.Title>
                <Dialog.Description className="text-sm text-slate-700">
                  {t('controls.stopBody', { count: pendingCount, points: formatPoints(refundableUnits, locale) })}
                </Dialog.Description>
                <p className="text-sm text-slate-600">{t('controls.stopFinal')}</p>
                <div className="flex flex-wrap justify-end gap-3">
                  <Dialog.Close asChild>
                    <button type="button" disabled={pending} className={button}>
                      {t('controls.stopCancel')}
                    </button>
                  </Dialog.Close>
                  <button type="button" onClick={() => run('stop')} disabled={pending} className={danger}>
                    {running === 'stop' ? t('controls.stopping') : t('controls.stopConfirm')}
                  </button>
                </div>
              </Dialog.Content>
            </Dialog.Portal>
          </Dialog.Root>
        ) : null}
      </div>
      {message}
    </div>
  );
}
