import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { contactGroups, messages, optOuts } from '@/db/schema';
import { createContact } from '@/lib/contacts/contacts';
import { createContactField } from '@/lib/contacts/fields';
import { runImport } from '@/lib/contacts/import/run';
import { appendImportChunk, queueImport, startImport } from '@/lib/contacts/import/upload';
import { optOutNumbers } from '@/lib/contacts/opt-outs';
import { createUser } from '@/lib/accounts';
import { createApiToken } from '@/lib/auth/api-tokens';
import { saveView, viewOwner } from '@/lib/views/views';
import { controlCampaign } from '@/lib/campaigns';
import type { SessionUser } from '@/lib/auth/session-user';
import { loadSessionUser, startSession } from '@/lib/auth/session-user';
import { planSend, submitSend } from '@/lib/messaging/send';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { closePdfWorkers } from '@/lib/files/pdf';
import { signReportLink } from '@/lib/reports/signed-links';
import { makeAccount } from './fixtures/accounts';
import { checksums } from './isolation/checksum';
import { coverage, discover, summary, type Entry } from './isolation/discover';
import { session } from './fixtures/session';

// The session cookie: nobody (null) or a user of account B. requireUser redirects as the real one does.
vi.mock('@/lib/auth', () => import('./fixtures/session'));
// Auth.js (next-auth) cannot be loaded under vitest: it imports "next/server" without an extension,
// which Node's ESM resolver refuses. Its error classes come from @auth/core (the same classes
// next-auth re-exports); signIn/signOut are stand-ins that keep the real credential check
// (attemptSignIn) and the redirects. Auth.js's own route handlers are not exercised (see RECIPES).
vi.mock('next-auth', async () => {
  const { AuthError, CredentialsSignin } = await import('@auth/core/errors');
  return { AuthError, CredentialsSignin };
});
vi.mock('@/lib/auth/config', async () => {
  const { redirect } = await import('next/navigation');
  const { CredentialsSignin } = await import('@auth/core/errors');
  const { attemptSignIn } = await import('@/lib/auth/sign-in');
  const notLoadable = async () => {
    throw new Error('Auth.js handlers are not loadable under vitest');
  };
  return {
    handlers: { GET: notLoadable, POST: notLoadable },
    auth: async () => null,
    signIn: async (_provider: string, input: { email: string; password: string; redirectTo: string }) => {
      const result = await attemptSignIn({ email: input.email, password: input.password, ip: '192.0.2.200' });
      if (!result.ok) {
        const error = new CredentialsSignin();
        error.code = result.reason;
        throw error;
      }
      redirect(input.redirectTo);
    },
    signOut: async (input: { redirectTo: string }) => redirect(input.redirectTo),
  };
});
vi.mock('next-intl/server', () => ({
  getTranslations: async () => (key: string) => key,
  getLocale: async () => 'en',
  getFormatter: async () => ({
    dateTime: (d: Date) => d.toISOString(),
    dateTimeRange: (from: Date, to: Date) => `${from.toISOString()} – ${to.toISOString()}`,
    number: (n: number) => String(n),
  }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
// The request's headers, for the client address an action records in the audit log (lib/audit/request-ip.ts).
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.201' }) }));

const ROOT = path.resolve(import.meta.dirname, '..');
const APP = path.join(ROOT, 'app');
const NOW = new Date('2026-04-05T10:00:00Z');
const DLR_SECRET = 'isolation-matrix-secret';

type Who = 'nobody' | 'B' | 'viewer';
type Outcome = { threw: unknown } | { value: unknown };
type Recipe = {
  /** The arguments of the call, built with account A's ids. */
  args: (who: Who) => unknown[];
  /** Whether the outcome is a refusal (default: a Next redirect/404 thrown, or a 4xx response). */
  rejected?: (outcome: Outcome, who: Who) => Promise<boolean> | boolean;
  /**
   * The input carries no id of another account (e.g. "save my language"): as B it may succeed
   * on B's own rows, so only "A's rows unchanged" is asserted for B. Nobody is still refused.
   */
  self?: boolean;
  /** Open to visitors by design (the sign-in page), with the reason: nobody is not refused. */
  public?: string;
  /** More calls of the same entry point, e.g. each campaign action; each is checked alike. */
  more?: (who: Who) => unknown[][];
  /** Not called, with the reason (still listed: a new file without a recipe fails). */
  excluded?: string;
  /**
   * The viewer column: a viewer of account A is refused every server action and every route
   * other than a GET, and reads every page and GET route. A recipe that is an exception says so,
   * with the reason: `allowed` (their own preference: it may change their own row),
   * `refused` (a page or GET that is not theirs: owners only, the provider's callback).
   */
  viewer?: { allowed: string } | { refused: string };
};

type Fixture = {
  A: SessionUser;
  B: SessionUser;
  /** a viewer of account A, with an API token (made before they were a viewer, say) */
  V: SessionUser;
  tokenV: string;
  campaignId: string;
  messageIds: number[];
  pausedCampaignId: string;
  readyRunId: string;
  queuedRunId: string;
  scheduleId: string;
  groupId: string;
  groupName: string;
  tokenIdA: string;
  tokenB: string;
  contactId: string;
  fieldId: string;
  optOutId: number;
  /** a number of A suppressed after permanent failures */
  suppressedPhone: string;
  /** an import of A waiting for its columns, and one done with bad lines */
  importId: string;
  doneImportId: string;
  /** a saved view of A's owner */
  viewIdA: string;
};
let fx: Fixture;

function isNextRefusal(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === 'string' && (digest.startsWith('NEXT_REDIRECT') || digest === 'NEXT_HTTP_ERROR_FALLBACK;404');
}

function defaultRejected(outcome: Outcome): boolean {
  if ('threw' in outcome) return isNextRefusal(outcome.threw);
  return outcome.value instanceof Response && outcome.value.status >= 400 && outcome.value.status < 500;
}

const returned = (test: (value: Record<string, unknown>) => boolean) => (outcome: Outcome) =>
  'threw' in outcome ? isNextRefusal(outcome.threw) : test((outcome.value ?? {}) as Record<string, unknown>);

const url = (p: string) => `http://localhost${p}`;
const bearer = (who: Who): Record<string, string> =>
  who === 'B' ? { authorization: `Bearer ${fx.tokenB}` } : who === 'viewer' ? { authorization: `Bearer ${fx.tokenV}` } : {};
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
const REPORT = { method: 'once', period: { kind: 'custom', from: '2026-03-28', to: '2026-03-30' }, type: 'short', format: 'csv', name: 'Iso' } as const;

const notFound = returned((v) => v.ok === false && v.code === 'not_found');
const CONTACT = { phone: '+359888200009', firstName: 'Taken', lastName: '', email: '', fields: {}, groupIds: [] as string[], optedOut: true, optOutReason: '' };

const RECIPES: Record<string, Recipe> = {
  // --- API (bearer token of B, or none) -------------------------------------------------------
  'route app/api/sms.do/route.ts GET': {
    args: (who) => [new Request(url(`/api/sms.do?status=${fx.messageIds.join('|')}`), { headers: bearer(who) })],
  },
  'route app/api/sms.do/route.ts POST': {
    // A's sender name: B may not send as A.
    args: (who) => [
      new Request(url('/api/sms.do'), {
        method: 'POST',
        headers: { ...bearer(who), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ to: '+359888100001', from: 'IsoA', message: 'hi' }),
      }),
    ],
  },
  'route app/api/campaigns/route.ts POST': {
    // A's contact group by name.
    args: (who) => [
      new Request(url('/api/campaigns'), {
        method: 'POST',
        headers: { ...bearer(who), 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'IsoB', message: 'hi', group: fx.groupName }),
      }),
    ],
  },
  'route app/api/campaigns/[id]/route.ts GET': {
    args: (who) => [new Request(url(`/api/campaigns/${fx.campaignId}`), { headers: bearer(who) }), params({ id: fx.campaignId })],
  },
  'route app/api/campaigns/[id]/insights/route.ts GET': {
    args: (who) => [new Request(url(`/api/campaigns/${fx.campaignId}/insights`), { headers: bearer(who) }), params({ id: fx.campaignId })],
  },
  // No id: B reads B's own figures.
  'route app/api/insights/route.ts GET': {
    args: (who) => [new Request(url('/api/insights?from=2026-03-01&to=2026-04-04'), { headers: bearer(who) })],
    self: true,
  },
  'route app/api/campaigns/[id]/resend/route.ts POST': {
    args: (who) => [apiJson(who, 'POST', `/api/campaigns/${fx.campaignId}/resend`, { preview: 1 }), params({ id: fx.campaignId })],
    more: (who) => [[apiJson(who, 'POST', `/api/campaigns/${fx.campaignId}/resend`, {}), params({ id: fx.campaignId })]],
  },
  'route app/api/campaigns/[id]/[action]/route.ts POST': {
    args: (who) => campaignApiCall(who, fx.campaignId, 'stop'),
    more: (who) => [campaignApiCall(who, fx.campaignId, 'pause'), campaignApiCall(who, fx.pausedCampaignId, 'resume'), campaignApiCall(who, fx.pausedCampaignId, 'stop')],
  },
  // The contacts API: B's token with A's contact, group and opted-out number.
  'route app/api/contacts/route.ts GET': { args: (who) => [new Request(url(`/api/contacts?group_id=${fx.groupId}`), { headers: bearer(who) })], self: true },
  'route app/api/contacts/route.ts POST': {
    args: (who) => [apiJson(who, 'POST', '/api/contacts', { phone_number: '+359888200010', groups: [fx.groupId] })],
  },
  'route app/api/contacts/[id]/route.ts GET': { args: (who) => [new Request(url(`/api/contacts/${fx.contactId}`), { headers: bearer(who) }), params({ id: fx.contactId })] },
  'route app/api/contacts/[id]/route.ts PUT': {
    args: (who) => [apiJson(who, 'PUT', `/api/contacts/${fx.contactId}`, { first_name: 'Taken', opted_out: true }), params({ id: fx.contactId })],
  },
  'route app/api/contacts/[id]/route.ts DELETE': {
    args: (who) => [new Request(url(`/api/contacts/${fx.contactId}`), { method: 'DELETE', headers: bearer(who) }), params({ id: fx.contactId })],
  },
  'route app/api/contacts/groups/route.ts GET': { args: (who) => [new Request(url('/api/contacts/groups'), { headers: bearer(who) })], self: true },
  'route app/api/contacts/groups/route.ts POST': { args: (who) => [apiJson(who, 'POST', '/api/contacts/groups', { name: fx.groupName })], self: true },
  'route app/api/contacts/groups/[group_id]/members/[contact_id]/route.ts PUT': {
    args: (who) => [new Request(url('/api/contacts/groups/x/members/y'), { method: 'PUT', headers: bearer(who) }), params({ group_id: fx.groupId, contact_id: fx.contactId })],
  },
  'route app/api/contacts/groups/[group_id]/members/[contact_id]/route.ts DELETE': {
    args: (who) => [new Request(url('/api/contacts/groups/x/members/y'), { method: 'DELETE', headers: bearer(who) }), params({ group_id: fx.groupId, contact_id: fx.contactId })],
  },
  'route app/api/blacklist/phone_numbers/route.ts GET': { args: (who) => [new Request(url('/api/blacklist/phone_numbers'), { headers: bearer(who) })], self: true },
  'route app/api/blacklist/phone_numbers/route.ts POST': { args: (who) => [apiJson(who, 'POST', '/api/blacklist/phone_numbers', { phone_number: '+359888200011' })], self: true },
  'route app/api/blacklist/phone_numbers/route.ts DELETE': {
    args: (who) => [new Request(url('/api/blacklist/phone_numbers?phone_number=%2B359888200008'), { method: 'DELETE', headers: bearer(who) })],
  },
  // The provider's callback: "nobody" has no secret, "B" a wrong one; the reports name A's messages.
  'route app/api/gateway/smsapi/dlr/route.ts GET': {
    args: (who) => [new Request(url(`/api/gateway/smsapi/dlr?${dlrQuery(who)}`))],
    viewer: { refused: "the provider's callback: a session or a token is no secret" },
  },
  'route app/api/gateway/smsapi/dlr/route.ts POST': {
    args: (who) => [
      new Request(url(`/api/gateway/smsapi/dlr${who === 'B' ? '?secret=wrong-secret' : ''}`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ MsgId: String(fx.messageIds[0]), status: '404', idx: String(fx.messageIds[0]) }),
      }),
    ],
  },
  // The API's description (OpenAPI): public like any API's documentation; it names no account's data.
  'route app/api/openapi.json/route.ts GET': {
    args: () => [new Request(url('/api/openapi.json'))],
    self: true,
    public: 'the API description, public documentation',
  },
  // Auth.js itself: the handlers are next-auth's, which cannot be loaded under vitest (see the
  // mock above). Listed, so the file stays accounted for, but not called: covered by e2e only.
  'route app/api/auth/[...nextauth]/route.ts GET': { args: () => [], excluded: 'next-auth cannot be imported under vitest' },
  'route app/api/auth/[...nextauth]/route.ts POST': { args: () => [], excluded: 'next-auth cannot be imported under vitest' },
  // --- Portal routes (session) ----------------------------------------------------------------
  'route app/(app)/history/messages/[id]/route.ts GET': {
    args: () => [new Request(url(`/history/messages/${fx.messageIds[0]}`)), params({ id: String(fx.messageIds[0]) })],
  },
  'route app/(app)/bulk/[id]/delivery-report.csv/route.ts GET': {
    args: () => [new Request(url(`/bulk/${fx.campaignId}/delivery-report.csv`)), params({ id: fx.campaignId })],
  },
  'route app/(app)/bulk/[id]/delivery-report.pdf/route.ts GET': {
    args: () => [new Request(url(`/bulk/${fx.campaignId}/delivery-report.pdf`)), params({ id: fx.campaignId })],
  },
  // B's export is B's own contacts (a filter naming A's group finds none of A's); nobody gets 401.
  'route app/(app)/contacts/export.csv/route.ts GET': {
    args: () => [new Request(url(`/contacts/export.csv?group=${fx.groupId}`)), params({})],
    self: true,
  },
  'route app/(app)/contacts/import/[id]/errors.csv/route.ts GET': {
    args: () => [new Request(url(`/contacts/import/${fx.doneImportId}/errors.csv`)), params({ id: fx.doneImportId })],
  },
  // B's CSV holds B's own entries; nobody gets 401.
  'route app/(app)/points/entries.csv/route.ts GET': { args: () => [new Request(url('/points/entries.csv?period=last_month')), params({})], self: true },
  'route app/(app)/reports/runs/[id]/download/route.ts GET': {
    args: () => [new Request(url(`/reports/runs/${fx.readyRunId}/download`)), params({ id: fx.readyRunId })],
  },
  // Signed links: nobody tampers with A's link; B signs A's run for B's account (a real key).
  'route app/r/[token]/route.ts GET': {
    args: (who) => {
      const token =
        who === 'B'
          ? signReportLink(fx.readyRunId, fx.B.account.id).token
          : who === 'viewer'
            ? signReportLink(fx.readyRunId, fx.A.account.id).token
            : signReportLink(fx.readyRunId, fx.A.account.id).token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      return [new Request(url(`/r/${token}`)), params({ token })];
    },
  },
  // --- Pages: each is called on its own, without its layout or proxy.ts, so the page itself must
  // check the session (an auth check only in a layout or the proxy would fail here). -----------
  'page app/(app)/bulk/[id]/page.tsx': {
    args: () => [{ params: Promise.resolve({ id: fx.campaignId }), searchParams: Promise.resolve({}) }],
  },
  'page app/page.tsx': { args: () => [], self: true, viewer: { allowed: 'sends a signed-in user on to their history' } },
  'page app/(app)/bulk/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/contacts/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/contacts/new/page.tsx': { args: () => [], self: true },
  'page app/(app)/contacts/[id]/page.tsx': { args: () => [{ params: Promise.resolve({ id: fx.contactId }), searchParams: Promise.resolve({}) }] },
  'page app/(app)/contacts/groups/page.tsx': { args: () => [], self: true },
  'page app/(app)/contacts/fields/page.tsx': { args: () => [], self: true },
  'page app/(app)/contacts/opt-outs/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/contacts/suppressed/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/contacts/import/page.tsx': { args: () => [], self: true },
  'page app/(app)/contacts/import/[id]/page.tsx': {
    args: () => [{ params: Promise.resolve({ id: fx.importId }), searchParams: Promise.resolve({}) }],
    more: () => [[{ params: Promise.resolve({ id: fx.doneImportId }), searchParams: Promise.resolve({}) }]],
  },
  'page app/(app)/emails/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/history/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/reports/page.tsx': { args: () => [pageProps()], self: true },
  // B's points page is B's ledger: nothing of A's is named by it.
  'page app/(app)/points/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/insights/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/send/page.tsx': { args: () => [pageProps()], self: true },
  'page app/(app)/settings/page.tsx': { args: () => [pageProps()], self: true },
  // B (an owner) sees B's own log; a filter naming A's user finds none of A's entries.
  'page app/(app)/audit/page.tsx': {
    args: () => [{ params: Promise.resolve({}), searchParams: Promise.resolve({ user: String(fx.A.id) }) }],
    self: true,
    viewer: { refused: 'owners only' },
  },
  // B sees B's team; A's users are not listed, and a viewer (not an owner) gets no page.
  'page app/(app)/settings/team/page.tsx': { args: () => [], self: true, viewer: { refused: 'owners only' } },
  'page app/(app)/api-docs/page.tsx': { args: () => [], self: true },
  'page app/(auth)/sign-in/page.tsx': {
    args: () => [pageProps()],
    self: true,
    public: 'the way in for visitors',
    viewer: { allowed: 'sends a signed-in user on to their history' },
  },
  'page app/(auth)/sign-out/page.tsx': { args: () => [], self: true },
  // --- Server actions --------------------------------------------------------------------------
  'action app/(auth)/sign-in/actions.ts signInAction': {
    args: () => [{}, form({ email: emailOfA(), password: 'wrong password' })],
    rejected: returned((v) => v.error === 'invalid' || v.error === 'rateLimited'),
    viewer: { allowed: 'the way in: a sign-in attempt, refused here for its wrong password' },
  },
  'action app/(auth)/sign-out/actions.ts signOutAction': { args: () => [], self: true, viewer: { allowed: 'ends their own session' } },
  'action app/(app)/bulk/[id]/actions.ts changeCampaign': {
    args: () => [{ id: fx.campaignId, action: 'stop' }],
    more: () => [[{ id: fx.campaignId, action: 'pause' }], [{ id: fx.pausedCampaignId, action: 'resume' }], [{ id: fx.pausedCampaignId, action: 'stop' }]],
    rejected: returned((v) => v.ok === false),
  },
  'action app/(app)/bulk/[id]/actions.ts previewCampaignResend': {
    args: () => [{ id: fx.campaignId, sender: 'IsoA', content: 'again' }],
    rejected: returned((v) => v.ok === false),
  },
  'action app/(app)/bulk/[id]/actions.ts resendToUndelivered': {
    args: () => [{ id: fx.campaignId, sender: 'IsoA', content: 'again' }],
    rejected: returned((v) => v.ok === false),
  },
  'action app/(app)/bulk/[id]/actions.ts saveAudienceAsGroup': {
    args: () => [{ id: fx.campaignId, segment: 'delivered', name: 'Iso audience' }],
    rejected: returned((v) => v.ok === false),
  },
  'action app/(app)/contacts/suppressed/actions.ts releaseNumber': {
    args: () => [{ phone: fx.suppressedPhone }],
    rejected: returned((v) => v.ok === false && v.code === 'suppressed_not_found'),
  },
  // B sets B's own rule; a viewer (and a member) is refused: owners only.
  'action app/(app)/contacts/suppressed/actions.ts changeSuppressAfter': { args: () => [{}, form({ after: '5' })], self: true },
  'action app/(app)/settings/actions.ts saveLanguage': { args: () => [{}, form({ language: 'bg' })], self: true, viewer: { allowed: 'their own language' } },
  // A saved view is the user's own (B saves B's); B cannot delete A's, nor the viewer the owner's.
  'action app/(app)/history/actions.ts saveCurrentView': {
    args: () => [{}, form({ page: 'history', name: 'Iso view', query: `campaign=${fx.campaignId}` })],
    self: true,
    viewer: { allowed: 'their own saved views' },
  },
  'action app/(app)/history/actions.ts deleteSavedView': {
    args: () => [{ id: fx.viewIdA, page: 'history' }],
    rejected: notFound,
    viewer: { allowed: 'their own saved views (the owner\'s is not found)' },
  },
  // B's export of a view naming A's campaign is B's own run, of none of A's messages.
  'action app/(app)/history/actions.ts exportCurrentView': {
    args: () => [{}, form({ query: `campaign=${fx.campaignId}`, name: 'Iso export', timeZone: 'Europe/Sofia', emails: '' })],
    self: true,
  },
  'action app/(app)/settings/actions.ts saveTimeZone': { args: () => [{}, form({ timeZone: 'Europe/London' })], self: true },
  // The threshold is the caller's own account's: B's owner sets B's, A's stays as it was.
  'action app/(app)/points/actions.ts saveLowBalanceThreshold': { args: () => [{}, form({ threshold: '5' })], self: true },
  // The team: B's owner names A's user, who is not in B's account.
  'action app/(app)/settings/team/actions.ts addUser': {
    args: () => [{}, form({ email: 'iso-added@example.com', name: 'Iso', role: 'owner', password: 'iso password 2026' })],
    self: true,
  },
  'action app/(app)/settings/team/actions.ts saveRole': { args: () => [{}, form({ userId: String(fx.A.id), role: 'viewer' })], rejected: notFound },
  'action app/(app)/settings/team/actions.ts setDisabled': { args: () => [{ userId: fx.A.id, disabled: true }], rejected: notFound },
  'action app/(app)/settings/actions.ts createToken': { args: () => [{}, form({ name: 'iso' })], self: true },
  'action app/(app)/settings/actions.ts revokeToken': {
    args: () => [{ id: fx.tokenIdA }],
    rejected: returned((v) => v.ok === false && v.code === 'not_found'),
  },
  'action app/(app)/settings/actions.ts deleteToken': {
    args: () => [{ id: fx.tokenIdA }],
    rejected: returned((v) => v.ok === false && v.code === 'not_found'),
  },
  'action app/(app)/reports/actions.ts estimateReport': { args: () => [REPORT], self: true },
  'action app/(app)/reports/actions.ts generateReport': { args: () => [REPORT], self: true },
  'action app/(app)/reports/actions.ts cancelReportRun': {
    args: () => [{}, form({ id: fx.queuedRunId })],
    rejected: returned((v) => v.ok === false && v.code === 'run_not_cancellable'),
  },
  'action app/(app)/reports/actions.ts deleteReportRun': {
    args: () => [{ id: fx.readyRunId }],
    rejected: returned((v) => v.ok === false && v.code === 'not_found'),
  },
  'action app/(app)/reports/actions.ts changeSchedule': {
    args: () => [{ id: fx.scheduleId, action: 'delete' }],
    rejected: returned((v) => v.ok === false),
  },
  // --- Contacts: every call names A's contact, group, field, opt-out or import -----------------
  'action app/(app)/contacts/actions.ts saveContact': {
    args: () => [{ ...CONTACT, id: fx.contactId }],
    more: () => [[{ ...CONTACT, groupIds: [fx.groupId] }]],
    rejected: returned((v) => v.ok === false && (v.code === 'not_found' || v.code === 'unknown_group')),
  },
  'action app/(app)/contacts/actions.ts removeContacts': { args: () => [{ ids: [fx.contactId] }], rejected: notFound },
  'action app/(app)/contacts/actions.ts changeMembers': {
    args: () => [{ ids: [fx.contactId], groupId: fx.groupId, change: 'remove' }],
    more: () => [[{ ids: [fx.contactId], groupId: fx.groupId, change: 'add' }]],
    rejected: notFound,
  },
  'action app/(app)/contacts/actions.ts optOutContacts': { args: () => [{ ids: [fx.contactId], reason: 'iso' }], rejected: notFound },
  'action app/(app)/contacts/groups/actions.ts createGroup': { args: () => [{}, form({ name: 'Iso A group' })], self: true },
  'action app/(app)/contacts/groups/actions.ts renameGroup': { args: () => [{ id: fx.groupId, name: 'Taken' }], rejected: notFound },
  'action app/(app)/contacts/groups/actions.ts deleteGroup': { args: () => [{ id: fx.groupId }], rejected: notFound },
  'action app/(app)/contacts/fields/actions.ts createField': { args: () => [{}, form({ name: 'Iso field', type: 'text' })], self: true },
  'action app/(app)/contacts/fields/actions.ts renameField': { args: () => [{ id: fx.fieldId, name: 'Taken' }], rejected: notFound },
  'action app/(app)/contacts/fields/actions.ts deleteField': { args: () => [{ id: fx.fieldId }], rejected: notFound },
  'action app/(app)/contacts/opt-outs/actions.ts addOptOuts': { args: () => [{}, form({ numbers: '+359888200012', reason: 'iso' })], self: true },
  'action app/(app)/contacts/opt-outs/actions.ts removeOptOut': { args: () => [{ id: fx.optOutId }], rejected: notFound },
  'action app/(app)/contacts/import/actions.ts beginImport': { args: () => [{ name: 'iso.csv', size: 100 }], self: true },
  'action app/(app)/contacts/import/actions.ts uploadImportChunk': {
    args: () => [null, chunkForm(fx.importId)],
    rejected: returned((v) => v.ok === false && (v.code === 'not_found' || v.code === 'import_not_uploading')),
  },
  'action app/(app)/contacts/import/actions.ts startContactImport': {
    args: () => [{ id: fx.importId, encoding: 'utf-8', delimiter: ',', hasHeader: true, columns: ['phone'], onDuplicate: 'update', groupId: fx.groupId, optOutAll: true }],
    rejected: notFound,
  },
  'action app/(app)/contacts/import/actions.ts discardImport': { args: () => [{ id: fx.doneImportId }], more: () => [[{ id: fx.importId }]], rejected: notFound },
  'action app/(app)/send/actions.ts previewSend': {
    args: () => [{ sender: 'IsoB', recipients: '+359888100002', groupIds: [fx.groupId], content: 'hi' }],
    rejected: returned((v) => v.ok === false && v.code === 'unknown_group'),
  },
  'action app/(app)/send/actions.ts sendNow': {
    args: () => [{ sender: 'IsoB', recipients: '+359888100002\n+359888100003', groupIds: [fx.groupId], content: 'hi' }],
    rejected: returned((v) => v.ok === false && v.code === 'unknown_group'),
  },
};

function apiJson(who: Who, method: string, path: string, body: unknown): Request {
  return new Request(url(path), { method, headers: { ...bearer(who), 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function campaignApiCall(who: Who, id: string, action: string): unknown[] {
  return [new Request(url(`/api/campaigns/${id}/${action}`), { method: 'POST', headers: bearer(who) }), params({ id, action })];
}
const pageProps = () => ({ params: Promise.resolve({}), searchParams: Promise.resolve({}) });
function chunkForm(importId: string): FormData {
  const data = form({ id: importId, seq: '0' });
  data.set('chunk', new Blob(['phone\n0888200007\n']), 'chunk');
  return data;
}

let emailA = '';
const emailOfA = () => emailA;

function dlrQuery(who: Who): string {
  const query = new URLSearchParams({ MsgId: String(fx.messageIds[0]), status: '404', idx: String(fx.messageIds[0]) });
  if (who === 'B') query.set('secret', 'wrong-secret');
  return query.toString();
}

async function sessionFor(userId: number): Promise<SessionUser> {
  const user = await loadSessionUser(userId, await startSession(userId));
  if (!user) throw new Error('no user');
  return user;
}

let entries: Entry[];

beforeAll(async () => {
  process.env.DLR_SECRET = DLR_SECRET;
  entries = await discover(APP);
  const a = await makeAccount('Iso A', 1000);
  const b = await makeAccount('Iso B', 1000);
  emailA = a.user.email;
  const plan = await planSend({
    accountId: a.account.id,
    userId: a.user.id,
    source: 'portal',
    sender: 'IsoA',
    content: 'isolation',
    recipients: ['+359888200001', '+359888200002', '+359888200003'],
    campaign: { name: 'Iso campaign', rate: 10 },
  });
  const { campaignId } = await submitSend(plan);
  const { campaignId: pausedCampaignId } = await submitSend(await planSend({ ...plan.input, campaign: { name: 'Iso paused', rate: 10 } }));
  expect((await controlCampaign('pause', a.account.id, pausedCampaignId!, a.user.id)).ok).toBe(true);
  const ids = await db.select({ id: messages.id }).from(messages).where(eq(messages.accountId, a.account.id)).orderBy(messages.id);
  const A = await sessionFor(a.user.id);
  const B = await sessionFor(b.user.id);
  const ready = await createReport(A.account.id, A.id, REPORT, NOW);
  expect(await generateRun(ready.runId!)).toBe('ready');
  const queued = await createReport(A.account.id, A.id, { ...REPORT, name: 'Iso queued' }, NOW);
  const schedule = await createReport(A.account.id, A.id, { method: 'periodic', frequency: 'weekly', type: 'short', format: 'csv', name: 'Iso weekly' }, NOW);
  const groupName = 'Iso A group';
  const [group] = await db.insert(contactGroups).values({ accountId: A.account.id, name: groupName }).returning({ id: contactGroups.id });
  const contact = await createContact({ id: A.account.id, country: 'BG' }, { phone: '+359888200009', firstName: 'Iso', groupIds: [group.id] }, { userId: A.id, source: 'portal' });
  const field = await createContactField(A.account.id, { name: 'Iso A field', type: 'text' });
  await optOutNumbers(A.account.id, ['+359888200008'], { reason: 'iso', source: 'portal', userId: A.id });
  const [optOut] = await db.select({ id: optOuts.id }).from(optOuts).where(eq(optOuts.accountId, A.account.id));
  await db.execute(sql`insert into number_failures (account_id, phone, failures, status, error_code, suppressed_at) values (${A.account.id}, '+359888200005', 3, 405, 2, now())`);
  const file = Buffer.from('phone\n0888200007\n');
  const importId = await startImport(A.account.id, A.id, { name: 'iso.csv', size: file.length });
  await appendImportChunk(A.account.id, importId, 0, file);
  const bad = Buffer.from('phone\n12\n0888200006\n');
  const doneImportId = await startImport(A.account.id, A.id, { name: 'iso-done.csv', size: bad.length });
  await appendImportChunk(A.account.id, doneImportId, 0, bad);
  await queueImport(A.account.id, doneImportId, { encoding: 'utf-8', delimiter: ',', hasHeader: true, mapping: { columns: [{ kind: 'phone' }] }, onDuplicate: 'update', optOutAll: false });
  expect(await runImport(doneImportId)).toMatchObject({ created: 1, invalid: 1 });
  // The import's job ran here: its queue entry goes, so the matrix counts only jobs its calls add.
  await db.execute(sql`delete from graphile_worker._private_jobs`);
  const tokenA = await createApiToken({ accountId: A.account.id, userId: A.id, name: 'A token' });
  const tokenB = await createApiToken({ accountId: B.account.id, userId: B.id, name: 'B token' });
  const viewer = await createUser({ accountId: A.account.id, email: 'iso-viewer@example.com', password: 'iso password 2026', role: 'viewer' });
  const V = await sessionFor(viewer.id);
  const view = await saveView(viewOwner(A), { page: 'history', name: 'Iso A view', query: 'source=api' });
  const tokenV = await createApiToken({ accountId: A.account.id, userId: V.id, name: 'V token' });
  fx = {
    A,
    B,
    V,
    tokenV: tokenV.token,
    campaignId: campaignId!,
    pausedCampaignId: pausedCampaignId!,
    messageIds: ids.map((m) => m.id),
    readyRunId: ready.runId!,
    queuedRunId: queued.runId!,
    scheduleId: schedule.definitionId,
    groupId: group.id,
    groupName,
    tokenIdA: tokenA.id,
    tokenB: tokenB.token,
    contactId: contact.id,
    fieldId: field.id,
    optOutId: optOut.id,
    suppressedPhone: '+359888200005',
    importId,
    doneImportId,
    viewIdA: view.id,
  };
});

afterAll(async () => {
  delete process.env.DLR_SECRET;
  await closePdfWorkers();
});

async function invoke(entry: Entry, who: Who, args: unknown[]): Promise<Outcome> {
  const loaded = (await import(/* @vite-ignore */ path.join(ROOT, entry.file))) as Record<string, unknown>;
  const fn = loaded[entry.name];
  if (typeof fn !== 'function') throw new Error(`${entry.key}: not a function`);
  session.user = who === 'B' ? fx.B : who === 'viewer' ? fx.V : null;
  try {
    return { value: await fn(...args) };
  } catch (threw) {
    return { threw };
  } finally {
    session.user = null;
  }
}

/** Jobs waiting in the queue: a refused call must not queue a send, a dispatch or an e-mail. */
async function queuedJobs(): Promise<number> {
  return Number((await db.execute<{ n: string }>(sql`select count(*)::text as n from graphile_worker._private_jobs`))[0].n);
}

function describeOutcome(outcome: Outcome): string {
  if ('threw' in outcome) {
    const e = outcome.threw as { digest?: string; message?: string };
    return `threw ${e?.digest ?? e?.message ?? String(outcome.threw)}`;
  }
  if (outcome.value instanceof Response) return `response ${outcome.value.status}`;
  return `returned ${JSON.stringify(outcome.value)}`;
}

describe('isolation matrix', () => {
  it('has a recipe for every discovered route, page and server action', () => {
    const counts = summary(entries);
    const excluded = entries.filter((e) => RECIPES[e.key]?.excluded);
    const called = summary(entries.filter((e) => RECIPES[e.key] && !RECIPES[e.key].excluded));
    console.log(
      `isolation matrix: discovered ${counts.routes} route handlers, ${counts.pages} pages (${counts.dynamicPages} with an id in the URL), ${counts.actions} server actions; ` +
        `called ${called.routes}/${called.pages}/${called.actions} as nobody and as account B; ` +
        `excluded ${excluded.length}: ${excluded.map((e) => `${e.key} (${RECIPES[e.key].excluded})`).join(', ') || 'none'}`,
    );
    expect(counts.routes).toBeGreaterThan(0);
    expect(counts.dynamicPages).toBeGreaterThan(0);
    expect(counts.actions).toBeGreaterThan(0);
    expect(coverage(entries, Object.keys(RECIPES))).toEqual({ uncovered: [], stale: [] });
  });

  for (const who of ['nobody', 'B'] as const) {
    it(`refuses ${who === 'B' ? "account B using account A's ids" : 'a caller without a session'}, with no side effect`, async () => {
      const problems: string[] = [];
      let calls = 0;
      for (const entry of entries) {
        const recipe = RECIPES[entry.key];
        if (!recipe || recipe.excluded) continue; // reported by the coverage test / the summary
        // B's own rows may change on a "self" call (B saves B's language); nothing else may.
        const strict = who === 'nobody' || !recipe.self;
        for (const args of [recipe.args(who), ...(recipe.more?.(who) ?? [])]) {
          calls++;
          const before = { a: await checksums(fx.A.account.id), all: who === 'nobody' ? await checksums(null) : null, jobs: await queuedJobs() };
          const outcome = await invoke(entry, who, args);
          const mustRefuse = strict && !(who === 'nobody' && recipe.public);
          if (mustRefuse && !(await (recipe.rejected ?? defaultRejected)(outcome, who))) {
            problems.push(`${entry.key} as ${who}: not refused (${describeOutcome(outcome)})`);
          }
          // A call allowed to succeed must really run (not fail for want of a request context),
          // or the refusals above would prove nothing.
          if (!mustRefuse && 'threw' in outcome && !isNextRefusal(outcome.threw)) {
            problems.push(`${entry.key} as ${who}: failed to run (${describeOutcome(outcome)})`);
          }
          if ('value' in outcome && outcome.value instanceof Response && !outcome.value.bodyUsed) await outcome.value.body?.cancel();
          const after = { a: await checksums(fx.A.account.id), all: who === 'nobody' ? await checksums(null) : null, jobs: await queuedJobs() };
          for (const [table, sum] of Object.entries(before.a)) {
            if (after.a[table] !== sum) problems.push(`${entry.key} as ${who}: account A's ${table} changed`);
          }
          for (const [table, sum] of Object.entries(before.all ?? {})) {
            if (after.all?.[table] !== sum) problems.push(`${entry.key} as ${who}: ${table} changed`);
          }
          if (strict && after.jobs !== before.jobs) problems.push(`${entry.key} as ${who}: ${after.jobs - before.jobs} job(s) queued`);
        }
      }
      console.log(`isolation matrix: ${calls} calls as ${who}`);
      expect(problems).toEqual([]);
    });
  }
});

/** What changes state: every server action, every route but a GET (a viewer is refused these). */
const changesState = (entry: Entry) => entry.kind === 'action' || (entry.kind === 'route' && entry.name !== 'GET');

/** A viewer's refusal: read_only (forbidden for an owner's deed) from a gate, 403 from an API or route, or no such page. */
function viewerRefused(outcome: Outcome): boolean {
  if ('threw' in outcome) return isNextRefusal(outcome.threw);
  const value = outcome.value;
  if (value instanceof Response) return value.status === 403;
  const result = (value ?? {}) as Record<string, unknown>;
  return result.ok === false && (result.code === 'read_only' || result.code === 'forbidden');
}

describe('isolation matrix: the viewer column', () => {
  it("refuses a viewer of account A every state-changing action and route, with no side effect, and serves what they may read", async () => {
    const problems: string[] = [];
    let refused = 0;
    let read = 0;
    let allowed = 0;
    for (const entry of entries) {
      const recipe = RECIPES[entry.key];
      if (!recipe || recipe.excluded) continue;
      const exception = recipe.viewer;
      const mustRefuse = exception ? 'refused' in exception : changesState(entry);
      for (const args of [recipe.args('viewer'), ...(recipe.more?.('viewer') ?? [])]) {
        const before = { a: await checksums(fx.A.account.id), jobs: await queuedJobs() };
        const outcome = await invoke(entry, 'viewer', args);
        if ('value' in outcome && outcome.value instanceof Response && !outcome.value.bodyUsed) await outcome.value.body?.cancel();
        const after = { a: await checksums(fx.A.account.id), jobs: await queuedJobs() };
        if (mustRefuse) {
          refused++;
          if (!viewerRefused(outcome)) problems.push(`${entry.key} as viewer: not refused (${describeOutcome(outcome)})`);
        } else if (exception) {
          allowed++;
          if ('threw' in outcome && !isNextRefusal(outcome.threw)) problems.push(`${entry.key} as viewer: failed to run (${describeOutcome(outcome)})`);
        } else {
          read++;
          // A reader must really be served: a page renders, a GET answers 2xx.
          const served = 'value' in outcome && (!(outcome.value instanceof Response) || outcome.value.status < 300);
          if (!served) problems.push(`${entry.key} as viewer: not served (${describeOutcome(outcome)})`);
        }
        // Only their own preference may change a row (their own); a read or a refusal changes nothing.
        if (!(exception && 'allowed' in exception)) {
          for (const [table, sum] of Object.entries(before.a)) {
            if (after.a[table] !== sum) problems.push(`${entry.key} as viewer: account A's ${table} changed`);
          }
          if (after.jobs !== before.jobs) problems.push(`${entry.key} as viewer: ${after.jobs - before.jobs} job(s) queued`);
        }
      }
    }
    console.log(`isolation matrix: viewer column: ${refused} calls refused, ${read} reads served, ${allowed} own preferences allowed`);
    expect(refused).toBeGreaterThan(40);
    expect(read).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});

describe('the matrix itself', () => {
  it('reports a new route, page or server action as uncovered', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'isolation-'));
    try {
      const app = path.join(tmp, 'app');
      await fs.cp(APP, app, { recursive: true });
      await fs.mkdir(path.join(app, 'api', 'extra', '[id]'), { recursive: true });
      await fs.writeFile(path.join(app, 'api', 'extra', '[id]', 'route.ts'), 'export async function DELETE() {\n  return new Response(null);\n}\n');
      await fs.mkdir(path.join(app, '(app)', 'things', '[id]'), { recursive: true });
      await fs.writeFile(path.join(app, '(app)', 'things', '[id]', 'page.tsx'), 'export default async function Page() {\n  return null;\n}\n');
      await fs.writeFile(path.join(app, '(app)', 'things', 'page.tsx'), 'export default async function Things() {\n  return null;\n}\n');
      await fs.writeFile(path.join(app, '(app)', 'things', 'actions.ts'), "'use server';\n\nexport async function dropThing(id: string) {\n  return id;\n}\n");
      const found = coverage(await discover(app), Object.keys(RECIPES));
      expect({ uncovered: [...found.uncovered].sort(), stale: found.stale }).toEqual({
        uncovered: [
          'action app/(app)/things/actions.ts dropThing',
          'page app/(app)/things/[id]/page.tsx',
          'page app/(app)/things/page.tsx',
          'route app/api/extra/[id]/route.ts DELETE',
        ],
        stale: [],
      });
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
