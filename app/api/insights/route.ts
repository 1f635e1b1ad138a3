import { getInsights } from '@/lib/api/insight-operations';
import { withApiToken } from '@/lib/gates/api';
import { insightsJson } from '@/lib/insights/api';
import { loadPeriodInsights } from '@/lib/insights/query';

// GET /api/insights?from=YYYY-MM-DD&to=YYYY-MM-DD: the account's deliverability for those local days.
export const GET = withApiToken(getInsights, async ({ principal, input }) => {
  const { period, timeZone, insights } = await loadPeriodInsights(principal.accountId, input);
  return { period: { from: period.fromDay, to: period.toDay, time_zone: timeZone }, ...insightsJson(insights) };
});
