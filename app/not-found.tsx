import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getCurrentUser } from '@/lib/auth';
import { buttonClass } from './_components/ui/button';
import { ErrorScreen } from './_components/error-screen';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('notFound'))('title') };
}

/** Any address that names nothing (and notFound() in a page): translated, with a way back. */
export default async function NotFound() {
  const [t, user] = await Promise.all([getTranslations('notFound'), getCurrentUser()]);
  return (
    <ErrorScreen code="404" title={t('title')} body={t('body')}>
      {user ? (
        <Link href="/history" className={buttonClass()}>
          {t('toHistory')}
        </Link>
      ) : (
        <Link href="/sign-in" className={buttonClass()}>
          {t('toSignIn')}
        </Link>
      )}
    </ErrorScreen>
  );
}
