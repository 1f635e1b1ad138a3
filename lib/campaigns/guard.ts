import { sql } from 'drizzle-orm';
import { db } from '@/db';
import { recordAudit } from '@/lib/audit/record';
import { enqueue } from '@/lib/jobs';
import { FAILED_STATUSES, STATUS } from '@/lib/messaging/statuses';
import type { AppliedReport } from '@/lib/contacts/suppressions';
import { GUARD_DEFAULTS, GUARD_LIMITS } from './guard-limits';

/**
 * The failure guard: a campaign carries a threshold (default: more than 20 % failed among its
 * last 200 final reports; both settable per campaign, or off). Each applied batch of reports
 * appends its outcomes to the campaign's window (campaigns.guard_recent: '1' failed, '0' not,
 * oldest first, at most guard_window long); a full window over the threshold pauses a sending
 * campaign at once (dispatch claims nothing more), records why and queues the owners' e-mail.
 * Resume clears the window, so the guard judges the resumed sending afresh; stop works as ever.
 */

export { GUARD_DEFAULTS, GUARD_LIMITS };

export type GuardSettings = { failurePercent: number; window: number } | null;

/** A campaign's guard as asked for: off, or the threshold given with the defaults for what is not. */
export function guardSettings(enabled: boolean | undefined, failurePercent?: number, window?: number): GuardSettings {
  if (enabled === false) return null;
  return { failurePercent: failurePercent ?? GUARD_DEFAULTS.failurePercent, window: window ?? GUARD_DEFAULTS.window };
}

/** What the guard saw when it paused a campaign. */
export type GuardTrip = { campaignId: string; accountId: number; failed: number; reports: number; trippedAt: string };

const FAILED = new Set<number>(FAILED_STATUSES);

/** The outcome string of each campaign's reports, in the order given. */
export function guardOutcomes(reports: readonly Pick<AppliedReport, 'campaignId' | 'status'>[]): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const report of reports) {
    if (!report.campaignId || report.status === STATUS.STOP) continue;
    outcomes.set(report.campaignId, (outcomes.get(report.campaignId) ?? '') + (FAILED.has(report.status) ? '1' : '0'));
  }
  return outcomes;
}

/** Whether a window trips the guard: full, and more than `percent` of it failed. */
export function tripsGuard(recent: string, window: number, percent: number): { failed: number } | null {
  if (recent.length < window) return null;
  const failed = recent.length - recent.replaceAll('1', '').length;
  return failed * 100 > percent * window ? { failed } : null;
}

/**
 * Folds applied final reports into their campaigns' windows and pauses those that cross the
 * threshold. Its own transaction, after the reports' own has committed: the reports' transaction
 * locks counter rows before a campaign row would be touched, a claim or a stop the other way
 * round. Returns the trips.
 */
export async function applyGuard(reports: readonly AppliedReport[]): Promise<GuardTrip[]> {
  const outcomes = guardOutcomes(reports);
  if (!outcomes.size) return [];
  const rows = [...outcomes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, recent]) => ({ id, recent }));
  return db.transaction(async (tx) => {
    const windows = await tx.execute<{ id: string; account_id: number; status: string; recent: string; window: number; percent: number }>(sql`
      update campaigns c set guard_recent = right(c.guard_recent || r.recent, c.guard_window)
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, recent text)
       where c.id = r.id and c.guard_failure_percent is not null and c.status = 'sending'
      returning c.id, c.account_id, c.status, c.guard_recent as recent, c.guard_window as window, c.guard_failure_percent as percent`);
    const trips: GuardTrip[] = [];
    for (const w of windows) {
      const trip = tripsGuard(w.recent, w.window, w.percent);
      if (!trip) continue;
      const [paused] = await tx.execute<{ at: string }>(sql`
        update campaigns set status = 'paused', guard_tripped_at = now(), guard_failed = ${trip.failed}, guard_reports = ${w.window}
         where id = ${w.id} and status = 'sending'
        returning to_char(guard_tripped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`);
      if (!paused) continue;
      await recordAudit(tx, {
        accountId: w.account_id,
        userId: null,
        action: 'campaign.guard_pause',
        target: { type: 'campaign', id: w.id },
        ip: null,
        details: { failed: trip.failed, reports: w.window, threshold: w.percent },
      });
      await enqueue(tx, 'campaign:guard-mail', { campaignId: w.id, trippedAt: paused.at });
      trips.push({ campaignId: w.id, accountId: w.account_id, failed: trip.failed, reports: w.window, trippedAt: paused.at });
    }
    return trips;
  });
}
