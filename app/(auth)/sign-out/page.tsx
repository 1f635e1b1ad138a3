import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { Button, buttonClass } from '../../_components/ui/button';
import { signOutAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signOut'))('title') };
}

export default async function SignOutPage() {
  const user = await requireUser();
  const t = await getTranslations('signOut');
  const nav = await getTranslations('nav');
  return (
    <>
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      <p className="mt-2 text-sm text-slate-600">{nav('signedInAs', { email: user.email })}</p>
      <p className="mt-4 text-sm">{t('question')}</p>
      <form action={signOutAction} className="mt-6 flex items-center gap-3">
        <Button type="submit">{t('submit')}</Button>
        <Link href="/history" className={buttonClass({ variant: 'link', size: 'inline' })}>
          {t('cancel')}
        </Link>
      </form>
    </>
  );
}
