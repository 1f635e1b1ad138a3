import { clsx } from 'clsx';
import './badge.css';

export type BadgeTone = 'green' | 'blue' | 'brand' | 'amber' | 'red' | 'slate';

/**
 * A state as a coloured pill that always carries its word (colour is never the only cue). The
 * dot rings while the state is not final, and pulses for work in progress (badge.css).
 */
export function Badge({
  tone,
  dot = 'solid',
  className,
  ...props
}: React.ComponentProps<'span'> & { tone: BadgeTone; dot?: 'solid' | 'ring' | 'pulse' }) {
  // Absent rather than undefined attributes: a history page draws 50 of these (see ui/table.tsx).
  const data = { ...(tone === 'slate' ? {} : { 'data-tone': tone }), ...(dot === 'solid' ? {} : { 'data-dot': dot }) };
  return <span className={clsx('ui-badge', className)} {...data} {...props} />;
}
