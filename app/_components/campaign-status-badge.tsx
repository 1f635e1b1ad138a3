import type { CampaignState } from '@/lib/campaigns/states';
import { Badge, type BadgeTone } from './ui/badge';

const tones: Record<CampaignState, BadgeTone> = {
  scheduled: 'blue',
  sending: 'brand',
  paused: 'amber',
  completed: 'green',
  stopped: 'slate',
};

/** A campaign's state as a pill that always carries its word; it pulses while sending. */
export function CampaignStatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <Badge tone={tones[status as CampaignState] ?? 'slate'} dot={status === 'sending' ? 'pulse' : 'solid'} data-status={status}>
      {label}
    </Badge>
  );
}
