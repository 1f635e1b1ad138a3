import type { campaignJson } from '@/lib/campaigns/api';

export type ProgressSummary = ReturnType<typeof campaignJson>['progress'];

export const PROGRESS_SEGMENTS = [
  { key: 'delivered', field: 'delivered', bar: 'bg-emerald-600' },
  { key: 'failed', field: 'failed', bar: 'bg-red-600' },
  { key: 'awaiting', field: 'awaiting_report', bar: 'bg-sky-500' },
  { key: 'pending', field: 'pending', bar: 'bg-slate-300' },
  { key: 'stopped', field: 'stopped', bar: 'bg-slate-500' },
] as const;

/** Delivered / failed / awaiting a report / waiting / stopped, as shares of all recipients. */
export function CampaignProgressBar({
  summary,
  total,
  label,
  labelledBy,
  size = 'h-3',
}: {
  summary: ProgressSummary;
  total: number;
  label: string;
  labelledBy?: string;
  size?: string;
}) {
  return (
    <div
      role="progressbar"
      aria-labelledby={labelledBy}
      aria-label={labelledBy ? undefined : label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={summary.sent}
      aria-valuetext={label}
      className={`flex ${size} w-full overflow-hidden rounded-full bg-slate-100`}
    >
      {PROGRESS_SEGMENTS.map((segment) =>
        summary[segment.field] ? (
          <div key={segment.key} className={`${segment.bar} h-full`} style={{ width: `${(summary[segment.field] / Math.max(total, 1)) * 100}%` }} />
        ) : null,
      )}
    </div>
  );
}
