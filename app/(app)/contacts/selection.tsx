'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { Button } from '../../_components/ui/button';
import { ConfirmDialog } from '../../_components/ui/dialog';
import { Input } from '../../_components/ui/input';
import { Select } from '../../_components/ui/select';
import { changeMembers, optOutContacts, removeContacts } from './actions';

/**
 * The table's checkboxes (name "ids", inside this form) and what can be done with the ones
 * ticked: delete (after a confirmation that says how many), add to or remove from a group, opt
 * out. The rows stay server-rendered; this only counts the ticks and calls the actions.
 */
export function Selection({ groups, rows, children }: { groups: { id: string; name: string }[]; rows: number; children: React.ReactNode }) {
  const t = useTranslations('contacts.selection');
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [count, setCount] = useState(0);
  const [groupId, setGroupId] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  const boxes = () => [...(form.current?.querySelectorAll<HTMLInputElement>('input[name="ids"]') ?? [])];
  const ids = () => boxes().filter((box) => box.checked).map((box) => box.value);
  const recount = () => setCount(ids().length);
  const run = async (action: () => Promise<{ ok: true; count: number } | { ok: false; message: string }>, done: (n: number) => string) => {
    setPending(true);
    try {
      const result = await action();
      setMessage(result.ok ? { ok: true, text: done(result.count) } : { ok: false, text: result.message });
      if (result.ok) {
        for (const box of boxes()) box.checked = false;
        setCount(0);
        router.refresh();
      }
    } finally {
      setPending(false);
    }
  };

  return (
    <form ref={form} onChange={recount} onSubmit={(event) => event.preventDefault()} aria-label={t('label')}>
      <div className="mb-3 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="selection-bar">
        <label className="flex min-h-8 items-center gap-2">
          <input
            type="checkbox"
            className="size-4 accent-brand-600"
            checked={count > 0 && count === rows}
            onChange={(event) => {
              for (const box of boxes()) box.checked = event.target.checked;
              recount();
            }}
          />
          <span>{t('all')}</span>
        </label>
        <p role="status" className="min-w-28 text-slate-700" data-testid="selected-count">
          {t('selected', { count })}
        </p>
        <ConfirmDialog
          trigger={
            <Button variant="dangerOutline" size="sm" disabled={count === 0 || pending} data-testid="delete-selected">
              {t('delete')}
            </Button>
          }
          title={t('deleteTitle', { count })}
          description={t('deleteBody', { count })}
          confirmLabel={t('deleteConfirm', { count })}
          pendingLabel={t('working')}
          cancelLabel={t('cancel')}
          onConfirm={() => run(() => removeContacts({ ids: ids() }), (n) => t('deleted', { count: n }))}
        />
        <div className="flex flex-wrap items-end gap-2">
          <label className="space-y-1">
            <span className="block text-xs text-slate-600">{t('group')}</span>
            <Select value={groupId} onChange={(event) => setGroupId(event.target.value)} className="min-w-40" data-testid="selection-group">
              <option value="">{t('chooseGroup')}</option>
              {groups.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </Select>
          </label>
          <Button
            variant="secondary"
            size="sm"
            disabled={count === 0 || !groupId || pending}
            onClick={() => run(() => changeMembers({ ids: ids(), groupId, change: 'add' }), (n) => t('added', { count: n }))}
          >
            {t('add')}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={count === 0 || !groupId || pending}
            onClick={() => run(() => changeMembers({ ids: ids(), groupId, change: 'remove' }), (n) => t('removed', { count: n }))}
          >
            {t('remove')}
          </Button>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <label className="space-y-1">
            <span className="block text-xs text-slate-600">{t('reason')}</span>
            <Input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} className="min-w-40" />
          </label>
          <Button
            variant="secondary"
            size="sm"
            disabled={count === 0 || pending}
            onClick={() => run(() => optOutContacts({ ids: ids(), reason }), (n) => t('optedOut', { count: n }))}
          >
            {t('optOut')}
          </Button>
        </div>
        {message ? (
          <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-emerald-800' : 'text-red-700'}>
            {message.text}
          </p>
        ) : null}
      </div>
      {children}
    </form>
  );
}
