import { useTranslations } from 'next-intl';
import type { ContactImport } from '@/lib/contacts/import/upload';
import { Badge, type BadgeTone } from '../../../_components/ui/badge';

const TONES: Record<ContactImport['status'], BadgeTone> = {
  uploading: 'amber',
  uploaded: 'amber',
  queued: 'blue',
  running: 'blue',
  done: 'green',
  failed: 'red',
};

export function ImportStatus({ status }: { status: ContactImport['status'] }) {
  const t = useTranslations('contacts.import.status');
  return (
    <Badge tone={TONES[status]} dot={status === 'running' ? 'pulse' : status === 'done' || status === 'failed' ? 'solid' : 'ring'} data-testid="import-status">
      {t(status)}
    </Badge>
  );
}
