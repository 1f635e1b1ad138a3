import { getTranslations } from 'next-intl/server';
import { Alert } from './ui/alert';

/** What a viewer sees where others have a form: their access reads and downloads only. */
export async function ReadOnlyNotice() {
  const t = await getTranslations('team');
  return (
    <Alert tone="info" data-testid="read-only">
      {t('readOnly')}
    </Alert>
  );
}
