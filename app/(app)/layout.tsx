import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { formatPoints } from '@/lib/messaging';
import { signOutAction } from '../(auth)/sign-out/actions';
import { NavLinks } from '../_components/nav-links';
import { Button } from '../_components/ui/button';

// Layouts do not re-render on client navigation, so every page checks the session itself too.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const t = await getTranslations('nav');
  const meta = await getTranslations('meta');
  const locale = await getLocale();
  const items = (['send', 'history', 'bulk', 'insights', 'reports', 'points', 'emails', 'contacts', 'settings'] as const).map((key) => ({
    href: `/${key}`,
    // nav.points is the header's "{value} points"; the page's link has a key of its own.
    label: t(key === 'points' ? 'pointsPage' : key),
  }));
  // The audit log is the owner's (its page refuses anyone else).
  if (user.role === 'owner') items.push({ href: '/audit', label: t('audit') });
  return (
    <div className="min-h-dvh">
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:p-2">
        {t('skipToContent')}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/history" className="text-base font-semibold tracking-tight text-brand-700">
            {meta('title')}
          </Link>
          <div className="flex items-center gap-4 text-sm">
            <p data-testid="balance" className="rounded-md bg-slate-100 px-3 py-1">
              <span className="text-slate-600">{t('balance')}: </span>
              <span className="tabular font-semibold">{t('points', { value: formatPoints(user.account.balance, locale) })}</span>
            </p>
            <span className="hidden text-slate-600 sm:inline">{user.account.name} · {user.email}</span>
            <form action={signOutAction}>
              <Button type="submit" variant="ghost" size="sm">
                {t('signOut')}
              </Button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row">
        <NavLinks items={items} label={t('main')} openLabel={t('openMenu')} closeLabel={t('closeMenu')} />
        <main id="content" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
