import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { PageHeader } from './page-header';

type PageKey = 'send' | 'history' | 'bulk' | 'reports' | 'contacts';

/** A signed-in page that says plainly that it is not built yet. */
export function notBuiltPage(key: PageKey) {
  async function generateMetadata(): Promise<Metadata> {
    return { title: (await getTranslations('pages'))(key) };
  }
  async function Page() {
    await requireUser();
    const t = await getTranslations('placeholder');
    return (
      <>
        <PageHeader title={(await getTranslations('pages'))(key)} />
        <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6">
          <p className="inline-flex items-center rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-800">
            {t('notBuilt')}
          </p>
          <p className="mt-3 text-sm text-slate-600">{t('body')}</p>
        </section>
      </>
    );
  }
  return { generateMetadata, Page };
}
