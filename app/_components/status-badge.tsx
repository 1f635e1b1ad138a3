import { isFinalStatus, STATUS } from '@/lib/messaging/statuses';
import { Badge, type BadgeTone } from './ui/badge';

// Colour follows the outcome; the word is always there too (colour is never the only cue).
const tones: Record<number, BadgeTone> = {
  [STATUS.DELIVERED]: 'green',
  [STATUS.SENT]: 'blue',
  [STATUS.ACCEPTED]: 'blue',
  [STATUS.QUEUE]: 'amber',
  [STATUS.RENEWAL]: 'amber',
  [STATUS.EXPIRED]: 'red',
  [STATUS.UNDELIVERED]: 'red',
  [STATUS.FAILED]: 'red',
  [STATUS.REJECTED]: 'red',
};

/** A message status as a pill with its name; the dot rings while a delivery report is awaited. */
export function StatusBadge({ code, label }: { code: number; label: string }) {
  return (
    <Badge tone={tones[code] ?? 'slate'} dot={isFinalStatus(code) ? 'solid' : 'ring'} data-status={code}>
      {label}
    </Badge>
  );
}
