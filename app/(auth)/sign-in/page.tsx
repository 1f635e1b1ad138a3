import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getCurrentUser } from '@/lib/auth';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { SignInForm } from './sign-in-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signIn'))('title') };
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; signedOut?: string }>;
}) {
  if (await getCurrentUser()) redirect('/history');
  const params = await searchParams;
  const t = await getTranslations('signIn');
  // The form carries on only a path of this site; the action checks it again.
  const callbackUrl = safeCallbackPath(params.callbackUrl) ?? undefined;
  return (
    <>
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">{t('subtitle')}</p>
      {params.signedOut ? (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {t('signedOut')}
        </p>
      ) : null}
      <SignInForm callbackUrl={callbackUrl} />
    </>
  );
}
