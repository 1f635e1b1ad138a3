import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listOutbox, type OutboxEntry } from '@/lib/email';
import { DATE_TIME } from '@/lib/i18n/formats';
import { PageHeader } from '../../_components/page-header';
import { Badge, type BadgeTone } from '../../_components/ui/badge';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('emails.page'))('title') };
}

type BadgeKey = OutboxEntry['status'] | 'retrying';

// Colour follows the outcome; the word is always there too.
const tones: Record<BadgeKey, BadgeTone> = {
  queued: 'amber',
  retrying: 'amber',
  sent: 'green',
  failed: 'red',
  not_configured: 'slate',
};

const badgeOf = (entry: OutboxEntry): BadgeKey => (entry.status === 'queued' && entry.attempts > 0 ? 'retrying' : entry.status);

export default async function EmailsPage() {
  const user = await requireUser();
  const [t, format, entries] = await Promise.all([getTranslations('emails.page'), getFormatter(), listOutbox(user.account.id, 100)]);
  const when = (date: Date | null) =>
    date ? format.dateTime(date, { ...DATE_TIME, timeZone: user.account.timeZone }) : t('notSent');
  const anyNotConfigured = entries.some((entry) => entry.status === 'not_configured');
  return (
    <>
      <PageHeader title={t('title')} />
      <p className="mb-4 text-sm text-slate-600">{t('help')}</p>
      {anyNotConfigured ? (
        <p role="note" className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          {t('notConfiguredHelp')}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-sm text-slate-600">{t('empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {entries.map((entry) => {
            const badge = badgeOf(entry);
            return (
              <li key={entry.id}>
                <details className="group">
                  <summary className="grid cursor-pointer list-none gap-x-4 gap-y-1 px-4 py-3 text-sm hover:bg-slate-50 sm:grid-cols-[9rem_1fr_auto]">
                    <span>
                      <Badge tone={tones[badge]} dot={badge === 'queued' || badge === 'retrying' ? 'ring' : 'solid'}>
                        {t(`statuses.${badge}`)}
                      </Badge>
                    </span>
                    <span className="min-w-0">
                      <span className="block truncate font-medium">{entry.subject}</span>
                      <span className="block truncate text-slate-600">
                        <span className="sr-only">{t('recipients')}: </span>
                        {entry.to.join(', ')}
                      </span>
                    </span>
                    <span className="tabular text-slate-600 sm:text-right">{when(entry.createdAt)}</span>
                  </summary>
                  <div className="border-t border-slate-100 bg-slate-50 px-4 py-3 text-sm">
                    <dl className="mb-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
                      <dt className="text-slate-600">{t('recipients')}</dt>
                      <dd className="break-all">{entry.to.join(', ')}</dd>
                      <dt className="text-slate-600">{t('created')}</dt>
                      <dd className="tabular">{when(entry.createdAt)}</dd>
                      <dt className="text-slate-600">{t('sent')}</dt>
                      <dd className="tabular">{when(entry.sentAt)}</dd>
                      <dt className="text-slate-600">{t('attempts')}</dt>
                      <dd className="tabular">{entry.attempts}</dd>
                      {entry.attachments.length ? (
                        <>
                          <dt className="text-slate-600">{t('attachments')}</dt>
                          <dd>{entry.attachments.map((file) => file.filename).join(', ')}</dd>
                        </>
                      ) : null}
                      {entry.error ? (
                        <>
                          <dt className="text-slate-600">{t('error')}</dt>
                          <dd className="font-mono text-xs text-red-800">{entry.error}</dd>
                        </>
                      ) : null}
                    </dl>
                    <h2 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t('body')}</h2>
                    <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-white p-3 text-xs whitespace-pre-wrap">
                      {entry.text}
                    </pre>
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
