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
  return <span className={clsx('ui-badge', className)} data-tone={tone === 'slate' ? undefined : tone} data-dot={dot === 'solid' ? undefined : dot} {...props} />;
}
