import { isFinalStatus, STATUS } from '@/lib/messaging/statuses';

// Colour follows the outcome; the word is always there too (colour is never the only cue).
const DELIVERED = 'bg-emerald-100 text-emerald-800';
const AWAITING = 'bg-sky-100 text-sky-800';
const WAITING = 'bg-amber-100 text-amber-900';
const FAILED = 'bg-red-100 text-red-800';
const NEUTRAL = 'bg-slate-200 text-slate-700';

const tones: Record<number, string> = {
  [STATUS.DELIVERED]: DELIVERED,
  [STATUS.SENT]: AWAITING,
  [STATUS.ACCEPTED]: AWAITING,
  [STATUS.QUEUE]: WAITING,
  [STATUS.RENEWAL]: WAITING,
  [STATUS.EXPIRED]: FAILED,
  [STATUS.UNDELIVERED]: FAILED,
  [STATUS.FAILED]: FAILED,
  [STATUS.REJECTED]: FAILED,
  [STATUS.NOT_FOUND]: NEUTRAL,
  [STATUS.UNKNOWN]: NEUTRAL,
  [STATUS.STOP]: NEUTRAL,
};

const pill = 'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap';

/**
 * A message status as a coloured pill with its name. With `tooltipId`, its meaning shows on
 * hover (title), and on keyboard focus or a tap as a tooltip that screen readers get as the
 * pill's description. Without it (the legend, where the meaning is written out), a plain pill.
 */
export function StatusBadge({ code, label, meaning, tooltipId }: { code: number; label: string; meaning: string; tooltipId?: string }) {
  const tone = tones[code] ?? NEUTRAL;
  const dot = (
    <span
      aria-hidden="true"
      className={`size-1.5 shrink-0 rounded-full bg-current ${isFinalStatus(code) ? '' : 'ring-2 ring-current/25'}`}
    />
  );
  if (!tooltipId) {
    return (
      <span data-status={code} className={`${pill} ${tone}`}>
        {dot}
        {label}
      </span>
    );
  }
  return (
    <span className="group relative inline-flex">
      <span
        tabIndex={0}
        data-status={code}
        title={meaning}
        aria-describedby={tooltipId}
        className={`${pill} ${tone} cursor-help`}
      >
        {dot}
        {label}
      </span>
      <span
        role="tooltip"
        id={tooltipId}
        className="pointer-events-none invisible absolute top-1/2 left-full z-20 ml-2 w-max max-w-64 -translate-y-1/2 rounded-md bg-slate-900 px-2 py-1 text-xs font-normal whitespace-normal text-white opacity-0 shadow group-focus-within:visible group-focus-within:opacity-100"
      >
        {meaning}
      </span>
    </span>
  );
}
