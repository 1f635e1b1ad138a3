import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { formatPoints } from '@/lib/messaging';
import { TableHead } from '../../_components/table-head';
import { PageHeader } from '../../_components/page-header';
import { CreateTokenForm, LanguageForm, RevokeTokenButton, TimeZoneForm } from './settings-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('settings') };
}

const sectionClass = 'rounded-lg border border-slate-200 bg-white p-5';

export default async function SettingsPage() {
  const user = await requireUser();
  const [t, format, locale, tokens] = await Promise.all([
    getTranslations('settings'),
    getFormatter(),
    getLocale(),
    listApiTokens(user.account.id, user.role === 'owner' ? null : user.id),
  ]);
  const when = (date: Date | null) => (date ? format.dateTime(date, { dateStyle: 'medium', timeStyle: 'short' }) : t('tokens.never'));
  return (
    <>
      <PageHeader title={(await getTranslations('pages'))('settings')} />
      <div className="space-y-6">
        <section aria-labelledby="account-title" className={sectionClass}>
          <h2 id="account-title" className="mb-3 text-lg font-semibold">{t('account.title')}</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
            <dt className="text-slate-600">{t('account.name')}</dt>
            <dd>{user.account.name}</dd>
            <dt className="text-slate-600">{t('account.country')}</dt>
            <dd>{user.account.country}</dd>
            <dt className="text-slate-600">{t('account.balance')}</dt>
            <dd className="tabular">{formatPoints(user.account.balance, locale)}</dd>
          </dl>
        </section>
        <section aria-labelledby="language-title" className={sectionClass}>
          <h2 id="language-title" className="mb-3 text-lg font-semibold">{t('language.title')}</h2>
          <LanguageForm current={user.language} />
        </section>
        <section aria-labelledby="tz-title" className={sectionClass}>
          <h2 id="tz-title" className="mb-3 text-lg font-semibold">{t('timeZone.title')}</h2>
          <TimeZoneForm current={user.account.timeZone} zones={Intl.supportedValuesOf('timeZone')} canEdit={user.role === 'owner'} />
        </section>
        <section aria-labelledby="tokens-title" className={sectionClass}>
          <h2 id="tokens-title" className="text-lg font-semibold">{t('tokens.title')}</h2>
          <p className="mt-1 mb-4 text-sm text-slate-600">{t('tokens.help')}</p>
          <CreateTokenForm />
          <div className="mt-5 overflow-x-auto">
            {tokens.length === 0 ? (
              <p className="text-sm text-slate-600">{t('tokens.empty')}</p>
            ) : (
              <table className="min-w-full text-left text-sm">
                <TableHead
                  columns={[
                    { label: t('tokens.name') },
                    { label: t('tokens.prefix') },
                    { label: t('tokens.owner') },
                    { label: t('tokens.created') },
                    { label: t('tokens.lastUsed') },
                    { label: t('tokens.status') },
                    { label: t('tokens.actions'), hidden: true },
                  ]}
                />
                <tbody className="divide-y divide-slate-100">
                  {tokens.map((token) => (
                    <tr key={token.id}>
                      <td className="py-2 pr-4">{token.name}</td>
                      <td className="py-2 pr-4 font-mono text-xs">{token.displayPrefix}…</td>
                      <td className="py-2 pr-4">{token.owner}</td>
                      <td className="tabular py-2 pr-4">{when(token.createdAt)}</td>
                      <td className="tabular py-2 pr-4">{when(token.lastUsedAt)}</td>
                      <td className="py-2 pr-4">
                        {token.revokedAt ? (
                          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{t('tokens.revoked')}</span>
                        ) : (
                          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">{t('tokens.active')}</span>
                        )}
                      </td>
                      <td className="py-2 text-right">{token.revokedAt ? null : <RevokeTokenButton id={token.id} name={token.name} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </section>
      </div>
    </>
  );
}
