import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { clsx } from 'clsx';

const TABS = [
  { key: 'contacts', href: '/contacts' },
  { key: 'groups', href: '/contacts/groups' },
  { key: 'fields', href: '/contacts/fields' },
  { key: 'optOuts', href: '/contacts/opt-outs' },
  { key: 'suppressed', href: '/contacts/suppressed' },
  { key: 'import', href: '/contacts/import' },
] as const;

/** The contacts database's parts, one link each; the current one marked. */
export function ContactsTabs({ current }: { current: (typeof TABS)[number]['key'] }) {
  const t = useTranslations('contacts.tabs');
  return (
    <nav aria-label={t('label')} className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {TABS.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? 'page' : undefined}
          className={clsx(
            '-mb-px inline-flex min-h-10 items-center border-b-2 px-3 text-sm font-medium',
            tab.key === current ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900',
          )}
        >
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  );
}
