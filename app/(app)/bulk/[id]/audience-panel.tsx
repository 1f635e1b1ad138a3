'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { AudienceSegment } from '@/lib/campaigns/audiences';
import { Button, buttonClass } from '../../../_components/ui/button';
import { Input } from '../../../_components/ui/input';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { saveAudienceAsGroup } from './actions';

/** One row per result segment: how many (when the counters know), save as a group, or send to them. */
export function AudiencePanel({ id, campaignName, segments }: { id: string; campaignName: string; segments: { segment: AudienceSegment; count: number | null }[] }) {
  const t = useTranslations('campaign.audiences');
  const [names, setNames] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [saving, setSaving] = useState<AudienceSegment | null>(null);
  const [pending, startTransition] = useTransition();

  const nameOf = (segment: AudienceSegment) => names[segment] ?? t('defaultName', { campaign: campaignName, segment: t(segment) }).slice(0, 100);
  function save(segment: AudienceSegment) {
    setResult(null);
    setSaving(segment);
    startTransition(async () => {
      const reply = await saveAudienceAsGroup({ id, segment, name: nameOf(segment) });
      setResult(reply.ok ? { ok: true, message: reply.message } : { ok: false, message: reply.message });
      setSaving(null);
    });
  }

  return (
    <div className="space-y-3">
      <Table caption={t('title')} columns={[{ label: t('segment') }, { label: t('count'), numeric: true }, { label: t('groupName') }, { label: t('actions'), srOnly: true }]}>
        {segments.map(({ segment, count }) => (
          <tr key={segment} data-segment={segment}>
            <TableRowHeader className="font-normal">{t(segment)}</TableRowHeader>
            <TableCell numeric>{count === null ? <span className="text-slate-500">{t('countUnknown')}</span> : count.toLocaleString()}</TableCell>
            <TableCell>
              <Input
                aria-label={`${t('groupName')}: ${t(segment)}`}
                value={nameOf(segment)}
                maxLength={100}
                onChange={(e) => setNames((n) => ({ ...n, [segment]: e.target.value }))}
                className="min-w-40"
              />
            </TableCell>
            <TableCell>
              <div className="flex flex-wrap gap-2">
                <Button size="sm" variant="secondary" onClick={() => save(segment)} disabled={pending || count === 0} aria-label={`${t('save')}: ${t(segment)}`}>
                  {saving === segment ? t('saving') : t('save')}
                </Button>
                <Link
                  href={`/send?audience=${id}:${segment}`}
                  className={buttonClass({ variant: 'secondary', size: 'sm' })}
                  aria-label={`${t('sendTo')}: ${t(segment)}`}
                  prefetch={false}
                >
                  {t('sendTo')}
                </Link>
              </div>
            </TableCell>
          </tr>
        ))}
      </Table>
      {result ? (
        <p role={result.ok ? 'status' : 'alert'} className={`text-sm ${result.ok ? 'text-emerald-800' : 'text-red-700'}`}>
          {result.message}
        </p>
      ) : null}
    </div>
  );
}
