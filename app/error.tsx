'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { Button, buttonClass } from './_components/ui/button';
import { ErrorScreen } from './_components/error-screen';

/** A page that failed: said plainly, in the user's language, with Try again and a way back. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations('errorPage');
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <ErrorScreen code="500" title={t('title')} body={t('body')} reference={error.digest ? t('reference', { digest: error.digest }) : undefined}>
      <Button onClick={reset}>{t('retry')}</Button>
      <Link href="/history" className={buttonClass({ variant: 'secondary' })}>
        {t('toHistory')}
      </Link>
    </ErrorScreen>
  );
}
