'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { ResendPreview } from '@/lib/campaigns/resend';
import { formatPoints } from '@/lib/messaging/pricing';
import { Button } from '../../../_components/ui/button';
import { Field } from '../../../_components/ui/field';
import { Select } from '../../../_components/ui/select';
import { Textarea } from '../../../_components/ui/input';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { previewCampaignResend, resendToUndelivered } from './actions';

type Checked = ResendPreview & { balance: number };
const ROWS = ['resendable', 'delivered', 'permanent', 'awaiting', 'stopped', 'optedOut', 'suppressed'] as const;

/**
 * "Send again to the undelivered": first a check (who, how many, what it costs, with the sender
 * and text as edited), then one button that makes the linked follow-up and opens it. Pressing it
 * again, here or elsewhere, leads to the same follow-up: it is charged once.
 */
export function ResendPanel({ id, sender, content, senders }: { id: string; sender: string; content: string; senders: string[] }) {
  const t = useTranslations('campaign.resend');
  const locale = useLocale();
  const [form, setForm] = useState({ sender, content });
  const [checked, setChecked] = useState<Checked | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<'check' | 'send' | null>(null);
  const [pending, startTransition] = useTransition();

  function run(kind: 'check' | 'send') {
    setError(null);
    setRunning(kind);
    startTransition(async () => {
      const input = { id, ...form };
      const result = kind === 'check' ? await previewCampaignResend(input) : await resendToUndelivered(input);
      if (!result.ok) setError(result.message);
      else if (kind === 'check') setChecked(result as unknown as Checked);
      setRunning(null);
    });
  }

  const change = (field: 'sender' | 'content', value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setChecked(null);
  };
  const choices = senders.includes(sender) ? senders : [sender, ...senders];

  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-[14rem_minmax(0,1fr)]">
        <Field id="resend-sender" label={t('sender')}>
          {(control) => (
            <Select {...control} value={form.sender} onChange={(e) => change('sender', e.target.value)}>
              {choices.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="resend-content" label={t('content')}>
          {(control) => <Textarea {...control} rows={3} value={form.content} onChange={(e) => change('content', e.target.value)} />}
        </Field>
      </div>
      <Button variant="secondary" onClick={() => run('check')} disabled={pending} data-testid="resend-check">
        {running === 'check' ? t('checking') : t('check')}
      </Button>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {checked ? (
        <div className="space-y-3" data-testid="resend-preview">
          <Table caption={t('breakdownCaption')} className="max-w-xl" columns={[{ label: t('group') }, { label: t('count'), numeric: true }]}>
            {ROWS.map((row) => (
              <tr key={row} className={row === 'resendable' ? 'font-medium' : undefined}>
                <TableRowHeader className={row === 'resendable' ? undefined : 'font-normal'}>{t(row)}</TableRowHeader>
                <TableCell numeric data-testid={`resend-${row}`}>
                  {checked.breakdown[row].toLocaleString(locale)}
                </TableCell>
              </tr>
            ))}
          </Table>
          {checked.recipients > 0 ? (
            <>
              <p role="status" className="text-sm" data-testid="resend-cost">
                {t('cost', { count: checked.recipients, parts: checked.parts, points: formatPoints(checked.points, locale), balance: formatPoints(checked.balance, locale) })}
              </p>
              <Button onClick={() => run('send')} disabled={pending} data-testid="resend-send">
                {running === 'send' ? t('sending') : t('send')}
              </Button>
            </>
          ) : (
            <p role="status" className="text-sm text-slate-600">
              {t('nobody')}
            </p>
          )}
        </div>
      ) : null}
    </div>
  );
}
