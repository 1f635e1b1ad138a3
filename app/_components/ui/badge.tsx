import { clsx } from 'clsx';

const TONES = {
  green: 'bg-emerald-100 text-emerald-800',
  blue: 'bg-sky-100 text-sky-800',
  brand: 'bg-brand-100 text-brand-700',
  amber: 'bg-amber-100 text-amber-900',
  red: 'bg-red-100 text-red-800',
  slate: 'bg-slate-200 text-slate-700',
} as const;

export type BadgeTone = keyof typeof TONES;

/**
 * A state as a coloured pill that always carries its word (colour is never the only cue). The
 * dot rings while the state is not final, and pulses for work in progress.
 */
export function Badge({
  tone,
  dot = 'solid',
  className,
  children,
  ...props
}: React.ComponentProps<'span'> & { tone: BadgeTone; dot?: 'solid' | 'ring' | 'pulse' | 'none' }) {
  return (
    <span className={clsx('inline-flex max-w-full items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium', TONES[tone], className)} {...props}>
      {dot === 'none' ? null : (
        <span
          aria-hidden="true"
          className={clsx('size-1.5 shrink-0 rounded-full bg-current', dot === 'ring' && 'ring-2 ring-current/25', dot === 'pulse' && 'motion-safe:animate-pulse')}
        />
      )}
      <span className="min-w-0">{children}</span>
    </span>
  );
}
