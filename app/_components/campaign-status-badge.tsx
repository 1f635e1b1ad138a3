export type CampaignStatus = 'scheduled' | 'sending' | 'paused' | 'completed' | 'stopped';

const tones: Record<CampaignStatus, string> = {
  scheduled: 'bg-sky-100 text-sky-800',
  sending: 'bg-brand-100 text-brand-700',
  paused: 'bg-amber-100 text-amber-900',
  completed: 'bg-emerald-100 text-emerald-800',
  stopped: 'bg-slate-200 text-slate-700',
};

/** A campaign's state as a coloured pill that always carries its word (colour is never the only cue). */
export function CampaignStatusBadge({ status, label }: { status: string; label: string }) {
  const tone = tones[status as CampaignStatus] ?? 'bg-slate-100 text-slate-700';
  return (
    <span data-status={status} className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ${tone}`}>
      <span aria-hidden="true" className={`size-1.5 rounded-full bg-current ${status === 'sending' ? 'motion-safe:animate-pulse' : ''}`} />
      {label}
    </span>
  );
}
