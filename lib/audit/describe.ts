import type { Locale } from '@/lib/i18n/locale';
import { formatPoints } from '@/lib/messaging/pricing';

/**
 * An entry's details in words: the message key under `audit.detailText` and its values (points
 * already formatted in the reader's language), or, for details no template knows, the details
 * as "key: value" pairs. Null when there is nothing to say.
 */
export type DetailsText = { key: string; values: Record<string, string | number> } | { raw: string } | null;

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';
const count = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** A setting's before and after: null is "automatic" (the language of the browser). */
const setting = (value: unknown): string => (value === null || value === undefined ? 'auto' : String(value));

export function describeDetails(action: string, details: Record<string, unknown>, locale: Locale): DetailsText {
  const d = details;
  switch (action) {
    case 'auth.sign_in_failed':
      if (text(d.email)) return { key: 'signInFailed', values: { email: d.email, reason: String(d.reason ?? '') } };
      break;
    case 'message.send':
    case 'campaign.create':
      if (count(d.recipients) && count(d.points)) {
        return { key: 'sent', values: { recipients: d.recipients, points: formatPoints(d.points, locale), source: String(d.source ?? '') } };
      }
      break;
    case 'campaign.stop':
      if (count(d.refunded)) return { key: 'refund', values: { points: formatPoints(d.refunded, locale) } };
      break;
    case 'campaign.guard_pause':
      if (count(d.failed) && count(d.reports) && count(d.threshold)) return { key: 'guard', values: { failed: d.failed, reports: d.reports, threshold: d.threshold } };
      break;
    case 'campaign.resend':
      if (count(d.recipients) && count(d.points)) return { key: 'resend', values: { recipients: d.recipients, points: formatPoints(d.points, locale) } };
      break;
    case 'number.release':
      if (text(d.phone)) return { key: 'phone', values: { phone: d.phone } };
      break;
    case 'account.suppression':
      if ('after' in d) return { key: 'suppressAfter', values: { after: d.after === null ? 'off' : String(d.after) } };
      break;
    case 'report.generate':
      if (text(d.name) && text(d.from) && text(d.to)) return { key: 'period', values: { name: d.name, from: d.from, to: d.to } };
      break;
    case 'report.download':
    case 'report.link_open':
      if (text(d.fileName)) return { key: 'file', values: { file: d.fileName } };
      break;
    case 'file.download':
      if (text(d.file) && text(d.filter)) return { key: 'fileFiltered', values: { file: d.file, filter: d.filter } };
      if (text(d.file)) return { key: 'file', values: { file: d.file } };
      break;
    case 'user.role_change':
      if (text(d.from) && text(d.to)) return { key: 'role', values: { from: d.from, to: d.to, email: String(d.email ?? '') } };
      break;
    case 'user.language':
    case 'account.time_zone':
      if ('from' in d || 'to' in d) return { key: 'change', values: { from: setting(d.from), to: setting(d.to) } };
      break;
  }
  if (text(d.name)) return { key: 'name', values: { name: d.name } };
  if (text(d.email)) return { key: 'name', values: { name: d.email } };
  const pairs = Object.entries(d).map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  return pairs.length ? { raw: pairs.join(', ') } : null;
}

/** Where an entry's target is shown in the portal, if anywhere. */
export function targetHref(type: string | null, id: string | null): string | null {
  if (!type || !id) return null;
  if (type === 'campaign') return `/bulk/${encodeURIComponent(id)}`;
  if (type === 'run' || type === 'report') return '/reports';
  if (type === 'token') return '/settings#tokens-title';
  if (type === 'user') return '/settings/team';
  return null;
}
