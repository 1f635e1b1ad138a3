import type { Metadata } from 'next';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import { getLocale, getTranslations } from 'next-intl/server';
import { listSenderNames } from '@/lib/accounts';
import { requireUser } from '@/lib/auth';
import { getCampaignProgress } from '@/lib/campaigns';
import { AUDIENCE_PATTERN } from '@/lib/campaigns/audiences';
import { FAILED_STATUSES, STATUS } from '@/lib/messaging/statuses';
import { canWrite } from '@/lib/auth/roles';
import { listContactGroups } from '@/lib/contacts';
import { listPrices } from '@/lib/messaging/price-list';
import { formatPoints } from '@/lib/messaging/pricing';
import { PageHeader } from '../../_components/page-header';
import { ReadOnlyNotice } from '../../_components/read-only-notice';
import { SendForm } from './send-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('pages'))('send') };
}

function callingCodeOf(country: string): string {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return '359';
  }
}

export default async function SendPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const requested = (await searchParams).audience;
  if (!canWrite(user)) {
    return (
      <>
        <PageHeader title={(await getTranslations('pages'))('send')} />
        <ReadOnlyNotice />
      </>
    );
  }
  const accountId = user.account.id;
  const [t, pages, locale, senders, groups, priceList] = await Promise.all([
    getTranslations('send'),
    getTranslations('pages'),
    getLocale(),
    listSenderNames(accountId),
    listContactGroups(accountId),
    listPrices(),
  ]);
  const country = user.account.country;
  // "Send a message" from a campaign's audiences: its recipients in one result segment.
  const audienceValue = typeof requested === 'string' && AUDIENCE_PATTERN.test(requested) ? requested : null;
  const origin = audienceValue ? await getCampaignProgress(accountId, audienceValue.slice(0, 36)) : null;
  const ta = await getTranslations('campaign');
  const audience =
    audienceValue && origin
      ? {
          value: audienceValue,
          label: t('recipients.audience', {
            campaign: origin.name || ta('untitled', { count: origin.recipients }),
            segment: ta(`audiences.${audienceValue.slice(37)}` as 'audiences.delivered'),
          }),
          count: audienceValue.endsWith(':delivered')
            ? (origin.counts[STATUS.DELIVERED] ?? 0)
            : audienceValue.endsWith(':not_delivered')
              ? FAILED_STATUSES.reduce((sum, code) => sum + (origin.counts[code] ?? 0), 0)
              : null,
        }
      : null;
  const unitPrice = priceList.find((p) => p.country === country)?.unitsPerPart ?? null;
  const countryNames = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const countryName = (code: string) => {
    try {
      return countryNames.of(code) ?? code;
    } catch {
      return code;
    }
  };

  return (
    <>
      <PageHeader title={pages('send')} />
      <SendForm
        senders={senders.map((s) => s.name)}
        groups={groups}
        unitPrice={unitPrice}
        country={country}
        countryName={countryName(country)}
        callingCode={callingCodeOf(country)}
        balance={user.account.balance}
        timeZone={user.account.timeZone}
        audience={audience}
      />
      <details className="mt-6 rounded-lg border border-slate-200 bg-white text-sm">
        <summary className="cursor-pointer px-5 py-3 font-medium text-slate-700">{t('prices.title')}</summary>
        <div className="overflow-x-auto px-5 pb-4">
          <p className="mb-2 text-slate-600">{t('prices.help')}</p>
          <table className="min-w-full sm:min-w-80">
            <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="py-2 pr-4 text-left">{t('prices.country')}</th>
                <th scope="col" className="py-2 text-right">{t('prices.perPart')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {priceList.map((p) => (
                <tr key={p.country}>
                  <td className="py-1.5 pr-4">
                    {countryName(p.country)} <span className="text-slate-500">({p.country})</span>
                  </td>
                  <td className="tabular py-1.5 text-right">{formatPoints(p.unitsPerPart, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
