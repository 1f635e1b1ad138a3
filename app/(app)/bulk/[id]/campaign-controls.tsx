'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { formatPoints } from '@/lib/messaging/pricing';
import { Button } from '../../../_components/ui/button';
import { ConfirmDialog } from '../../../_components/ui/dialog';
import { changeCampaign, type ControlInput } from './actions';

type ControlState = { ok: boolean; message: string };

type Action = ControlInput['action'];

/**
 * Pause while sending (or scheduled); resume and stop while paused; stop while sending. Stop is
 * final and refunds the unsent messages, so it asks first and says how many points come back.
 */
export function CampaignControls({ id, status, pendingCount, refundableUnits }: { id: string; status: string; pendingCount: number; refundableUnits: number }) {
  const t = useTranslations('campaign');
  const locale = useLocale();
  const [running, setRunning] = useState<Action | null>(null);
  const [result, setResult] = useState<ControlState | null>(null);
  const [pending, startTransition] = useTransition();

  const canPause = status === 'sending' || status === 'scheduled';
  const canResume = status === 'paused';
  const canStop = status === 'sending' || status === 'paused';

  async function change(action: Action) {
    setResult(null);
    try {
      setResult(await changeCampaign({ id, action }));
    } catch {
      setResult({ ok: false, message: t('control.failed') });
    }
  }

  function run(action: Action) {
    setRunning(action);
    startTransition(async () => {
      await change(action);
      setRunning(null);
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
          <Button variant="secondary" onClick={() => run('pause')} disabled={pending}>
            {running === 'pause' ? t('controls.pausing') : t('controls.pause')}
          </Button>
        ) : null}
        {canResume ? (
          <Button variant="secondary" onClick={() => run('resume')} disabled={pending}>
            {running === 'resume' ? t('controls.resuming') : t('controls.resume')}
          </Button>
        ) : null}
        {canStop ? (
          <ConfirmDialog
            trigger={
              <Button variant="dangerOutline" disabled={pending} data-testid="stop-campaign">
                {t('controls.stop')}
              </Button>
            }
            title={t('controls.stopTitle')}
            description={t('controls.stopBody', { count: pendingCount, points: formatPoints(refundableUnits, locale) })}
            confirmLabel={t('controls.stopConfirm')}
            pendingLabel={t('controls.stopping')}
            cancelLabel={t('controls.stopCancel')}
            onConfirm={() => change('stop')}
          >
            <p className="text-sm text-slate-600">{t('controls.stopFinal')}</p>
          </ConfirmDialog>
        ) : null}
      </div>
      {message}
    </div>
  );
}
