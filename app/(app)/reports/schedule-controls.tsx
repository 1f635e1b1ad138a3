'use client';

import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { Button } from '../../_components/ui/button';
import { ConfirmDialog } from '../../_components/ui/dialog';
import { changeSchedule, type ScheduleInput } from './actions';

type Action = ScheduleInput['action'];

/** Pause or resume a schedule; delete it after a confirmation (it takes its reports with it). */
export function ScheduleControls({ id, name, paused }: { id: string; name: string; paused: boolean }) {
  const t = useTranslations('reportBuilder.schedules');
  const [failed, setFailed] = useState(false);
  const [pending, startTransition] = useTransition();

  async function change(action: Action) {
    setFailed(false);
    try {
      setFailed(!(await changeSchedule({ id, action })).ok);
    } catch {
      setFailed(true);
    }
  }

  const toggle: Action = paused ? 'resume' : 'pause';
  return (
    <div className="flex flex-col items-start gap-1">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <Button
          variant="link"
          size="inline"
          onClick={() => startTransition(() => change(toggle))}
          disabled={pending}
          aria-label={t(paused ? 'resumeLabel' : 'pauseLabel', { name })}
        >
          {pending ? t('working') : t(paused ? 'resume' : 'pause')}
        </Button>
        <ConfirmDialog
          trigger={
            <Button variant="dangerLink" size="inline" disabled={pending} aria-label={t('deleteLabel', { name })}>
              {t('delete')}
            </Button>
          }
          title={t('deleteTitle', { name })}
          description={t('deleteBody')}
          confirmLabel={t('deleteConfirm')}
          pendingLabel={t('working')}
          cancelLabel={t('deleteCancel')}
          onConfirm={() => change('delete')}
        />
      </div>
      {failed ? (
        <p role="alert" className="text-xs text-red-700">
          {t('notChanged')}
        </p>
      ) : null}
    </div>
  );
}
