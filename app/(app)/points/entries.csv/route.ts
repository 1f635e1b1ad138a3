import { getLocale } from 'next-intl/server';
import { withUser } from '@/lib/gates/route';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale';
import { entriesCsvResponse } from '@/lib/points/entries';
import { parsePointsQuery } from '@/lib/points/period';

// GET /points/entries.csv?period=…&from=…&to=…&kind=…: the ledger entries the /points page lists
// for its period (every page), as CSV in the user's language. Any role of the account may read it.
export const GET = withUser(async (request, { user }) => {
  const q = parsePointsQuery(new URL(request.url).searchParams, new Date(), user.account.timeZone);
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  const days = q.period.fromDay === q.period.toDay ? q.period.fromDay : `${q.period.fromDay}-${q.period.toDay}`;
  return entriesCsvResponse(user.account, { kind: q.entryKind, period: q.period }, locale, days);
});
