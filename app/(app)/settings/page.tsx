import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { canWrite } from '@/lib/auth/roles';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { DATE_TIME } from '@/lib/i18n/formats';
import { formatPoints } from '@/lib/messaging';
import { PageHeader } from '../../_components/page-header';
import { Badge } from '../../_components/ui/badge';
import { buttonClass } from '../../_components/ui/button';
import { Section } from '../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../_components/ui/table';
import { CreateTokenForm, LanguageForm, TimeZoneForm, TokenControls } from './settings-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('settings') };
}

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { tokens: at } = await searchParams;
  const cursor = typeof at === 'string' ? at : null;
  const [t, team, pages, format, locale, tokens] = await Promise.all([
    getTranslations('settings'),
    getTranslations('team'),
    getTranslations('pages'),
    getFormatter(),
    getLocale(),
    listApiTokens(user.account.id, user.role === 'owner' ? null : user.id, cursor),
  ]);
  const when = (date: Date | null) => (date ? format.dateTime(date, DATE_TIME) : t('tokens.never'));
  return (
    <>
      <PageHeader title={pages('settings')} />
      <div className="space-y-6">
        <Section id="account" title={t('account.title')}>
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-1 text-sm">
            <dt className="text-slate-600">{t('account.name')}</dt>
            <dd className="wrap-anywhere">{user.account.name}</dd>
            <dt className="text-slate-600">{t('account.country')}</dt>
            <dd>{user.account.country}</dd>
            <dt className="text-slate-600">{t('account.balance')}</dt>
            <dd className="tabular">{formatPoints(user.account.balance, locale)}</dd>
          </dl>
        </Section>
        <Section id="language" title={t('language.title')}>
          <LanguageForm current={user.language} />
        </Section>
        <Section id="tz" title={t('timeZone.title')}>
          <TimeZoneForm current={user.account.timeZone} canEdit={user.role === 'owner'} />
        </Section>
        {user.role === 'owner' ? (
          <Section id="team" title={team('title')}>
            <Link href="/settings/team" className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              {team('settingsLink')}
            </Link>
          </Section>
        ) : null}
        {/* A viewer holds no API tokens (the gates refuse them one). */}
        {canWrite(user) ? (
          <Section id="tokens" title={t('tokens.title')} help={t('tokens.help')}>
            <CreateTokenForm />
            <div className="mt-5">
              {tokens.rows.length === 0 ? (
                <p className="text-sm text-slate-600">{t('tokens.empty')}</p>
              ) : (
                <Table
                  caption={t('tokens.title')}
                  columns={[
                    { label: t('tokens.name') },
                    { label: t('tokens.prefix') },
                    { label: t('tokens.owner') },
                    { label: t('tokens.created') },
                    { label: t('tokens.lastUsed') },
                    { label: t('tokens.status') },
                    { label: t('tokens.actions'), srOnly: true },
                  ]}
                >
                  {tokens.rows.map((token) => (
                    <tr key={token.id}>
                      <TableRowHeader long wide>
                        {token.name}
                      </TableRowHeader>
                      <TableCell className="font-mono text-xs">{token.displayPrefix}…</TableCell>
                      <TableCell long>{token.owner}</TableCell>
                      <TableCell className="tabular">{when(token.createdAt)}</TableCell>
                      <TableCell className="tabular">{when(token.lastUsedAt)}</TableCell>
                      <TableCell>
                        <Badge tone={token.revokedAt ? 'slate' : 'green'}>{token.revokedAt ? t('tokens.revoked') : t('tokens.active')}</Badge>
                      </TableCell>
                      <TableCell>
                        <TokenControls id={token.id} name={token.name} revoked={token.revokedAt !== null} />
                      </TableCell>
                    </tr>
                  ))}
                </Table>
              )}
              {cursor || tokens.older ? (
                <nav aria-label={t('tokens.pages')} className="mt-3 flex flex-wrap justify-between gap-3 text-sm">
                  {cursor ? (
                    <Link href="/settings#tokens-title" className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                      {t('tokens.newest')}
                    </Link>
                  ) : (
                    <span />
                  )}
                  {tokens.older ? (
                    <Link href={`/settings?tokens=${tokens.older}#tokens-title`} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
                      {t('tokens.older')} →
                    </Link>
                  ) : null}
                </nav>
              ) : null}
            </div>
          </Section>
        ) : null}
      </div>
    </>
  );
}
