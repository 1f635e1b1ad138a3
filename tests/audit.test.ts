import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db';
import { auditEvents, campaigns } from '@/db/schema';
import { createUser, setUserDisabled } from '@/lib/accounts';
import { listAuditEvents, listTargetTrail } from '@/lib/audit/list';
import { audit } from '@/lib/audit/record';
import { createApiToken } from '@/lib/auth/api-tokens';
import { loadSessionUser, startSession, type SessionUser } from '@/lib/auth/session-user';
import { attemptSignIn } from '@/lib/auth/sign-in';
import { runImport } from '@/lib/contacts/import/run';
import { appendImportChunk, queueImport, startImport } from '@/lib/contacts/import/upload';
import { closePdfWorkers } from '@/lib/files/pdf';
import { LIST_PAGE_SIZE } from '@/lib/list-page';
import { planSend, submitSend } from '@/lib/messaging/send';
import { createReport } from '@/lib/reports/definitions';
import { generateRun } from '@/lib/reports/generate';
import { signReportLink } from '@/lib/reports/signed-links';
import { GET as campaignCsv } from '@/app/(app)/bulk/[id]/delivery-report.csv/route';
import { GET as campaignPdf } from '@/app/(app)/bulk/[id]/delivery-report.pdf/route';
import { changeCampaign } from '@/app/(app)/bulk/[id]/actions';
import { GET as contactsCsv } from '@/app/(app)/contacts/export.csv/route';
import { GET as importErrors } from '@/app/(app)/contacts/import/[id]/errors.csv/route';
import AuditPage from '@/app/(app)/audit/page';
import { cancelReportRun, changeSchedule, deleteReportRun, generateReport } from '@/app/(app)/reports/actions';
import { GET as runDownload } from '@/app/(app)/reports/runs/[id]/download/route';
import { sendNow } from '@/app/(app)/send/actions';
import { createToken, deleteToken, revokeToken, saveLanguage, saveTimeZone } from '@/app/(app)/settings/actions';
import { signOutAction } from '@/app/(auth)/sign-out/actions';
import { POST as controlApi } from '@/app/api/campaigns/[id]/[action]/route';
import { POST as campaignApi } from '@/app/api/campaigns/route';
import { POST as smsDo } from '@/app/api/sms.do/route';
import { GET as signedLink } from '@/app/r/[token]/route';
import { makeAccount, PASSWORD } from './fixtures/accounts';
import { session } from './fixtures/session';

// Each audited deed writes exactly one entry, with its user, action, target and the client's
// address; a refused deed writes none, except a failed sign-in; the log cannot be rewritten.

// The address every request of this file comes from (the actions read it from next/headers).
const IP = '198.51.100.23';
const requestState = vi.hoisted(() => ({ sid: null as string | null }));

vi.mock('@/lib/auth', () => import('./fixtures/session'));
vi.mock('next-auth', async () => {
  const { AuthError, CredentialsSignin } = await import('@auth/core/errors');
  return { AuthError, CredentialsSignin };
});
vi.mock('@/lib/auth/config', () => ({
  auth: async () => (requestState.sid ? { sid: requestState.sid } : null),
  signOut: async () => {},
}));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '198.51.100.23' }) }));
vi.mock('next-intl/server', () => ({ getTranslations: async () => (key: string) => key, getLocale: async () => 'en' }));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const NOW = new Date('2026-04-05T10:00:00Z');
const REPORT = { method: 'once', period: { kind: 'custom', from: '2026-03-28', to: '2026-03-30' }, type: 'short', format: 'csv', name: 'Audited' } as const;
const url = (p: string) => `http://localhost${p}`;
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
const fromClient = (extra: Record<string, string> = {}) => ({ 'x-forwarded-for': IP, ...extra });

type Event = typeof auditEvents.$inferSelect;

/** The entries `deed` wrote, in every account (a Next redirect is the deed's answer, not a failure). */
async function written(deed: () => Promise<unknown>): Promise<Event[]> {
  const [{ last }] = await db.execute<{ last: number }>(sql`select coalesce(max(id), 0)::int as last from audit_events`);
  try {
    const outcome = await deed();
    if (outcome instanceof Response) await outcome.body?.cancel();
  } catch (error) {
    if (!String((error as { digest?: string }).digest ?? '').startsWith('NEXT_REDIRECT')) throw error;
  }
  return db.select().from(auditEvents).where(gt(auditEvents.id, last)).orderBy(auditEvents.id);
}

/** Exactly one entry, as expected. */
async function one(deed: () => Promise<unknown>, expected: Partial<Event>): Promise<Event> {
  const events = await written(deed);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject(expected);
  return events[0];
}

async function sessionFor(userId: number): Promise<SessionUser> {
  const user = await loadSessionUser(userId, await startSession(userId));
  if (!user) throw new Error('no session');
  return user;
}

const as = <T>(user: SessionUser | null, call: () => Promise<T>) => async () => {
  session.user = user;
  try {
    return await call();
  } finally {
    session.user = null;
  }
};

let A: SessionUser;
let B: SessionUser;
let tokenA: string;

async function campaignOf(user: SessionUser, name: string): Promise<string> {
  const plan = await planSend({
    accountId: user.account.id,
    userId: user.id,
    source: 'portal',
    sender: user.account.name.replace(/\W+/g, '').slice(0, 11),
    content: name,
    recipients: ['+359888300001', '+359888300002', '+359888300003'],
    campaign: { name, rate: 10 },
  });
  return (await submitSend(plan)).campaignId!;
}

beforeAll(async () => {
  const a = await makeAccount('Audit A', 1000);
  const b = await makeAccount('Audit B', 1000);
  A = await sessionFor(a.user.id);
  B = await sessionFor(b.user.id);
  tokenA = (await createApiToken({ accountId: A.account.id, userId: A.id, name: 'api' })).token;
});

afterAll(async () => {
  await closePdfWorkers();
});

describe('sign-in and sign-out', () => {
  it('records a sign-in with the user and the address', async () => {
    await one(() => attemptSignIn({ email: A.email.toUpperCase(), password: PASSWORD, ip: IP }), {
      accountId: A.account.id,
      userId: A.id,
      action: 'auth.sign_in',
      ip: IP,
    });
  });

  it('records a failed sign-in for the account whose e-mail was tried, without a user', async () => {
    await one(() => attemptSignIn({ email: A.email, password: 'wrong password', ip: IP }), {
      accountId: A.account.id,
      userId: null,
      action: 'auth.sign_in_failed',
      ip: IP,
      details: { email: A.email, reason: 'wrong_password' },
    });
  });

  it('says a disabled user was refused, and records nothing for an e-mail no account has', async () => {
    const { user } = await makeAccount('Audit Disabled', 0);
    await setUserDisabled(user.id, true);
    await one(() => attemptSignIn({ email: user.email, password: PASSWORD, ip: IP }), {
      userId: null,
      action: 'auth.sign_in_failed',
      details: { email: user.email, reason: 'disabled' },
    });
    expect(await written(() => attemptSignIn({ email: 'nobody@example.com', password: PASSWORD, ip: IP }))).toEqual([]);
  });

  it('records a sign-out once: the session ends once', async () => {
    const sid = await startSession(A.id);
    requestState.sid = sid;
    try {
      await one(() => signOutAction(), { accountId: A.account.id, userId: A.id, action: 'auth.sign_out', ip: IP });
      expect(await written(() => signOutAction())).toEqual([]);
    } finally {
      requestState.sid = null;
    }
  });
});

describe('sends', () => {
  it('records a message and a campaign sent from the portal, with the recipients and points', async () => {
    const single = await one(as(A, () => sendNow({ sender: 'AuditA', recipients: '+359888300010', groupIds: [], content: 'one' })), {
      accountId: A.account.id,
      userId: A.id,
      action: 'message.send',
      targetType: 'message',
      ip: IP,
      details: { recipients: 1, points: 650, source: 'portal', sender: 'AuditA' },
    });
    const [message] = await db.execute<{ account_id: number }>(sql`select account_id from messages where id = ${Number(single.targetId)}`);
    expect(message.account_id).toBe(A.account.id);
    const campaign = await one(as(A, () => sendNow({ sender: 'AuditA', recipients: '+359888300011\n+359888300012', groupIds: [], content: 'two' })), {
      userId: A.id,
      action: 'campaign.create',
      targetType: 'campaign',
      ip: IP,
      details: { recipients: 2, points: 1300, source: 'portal' },
    });
    expect(await db.$count(campaigns, and(eq(campaigns.id, campaign.targetId!), eq(campaigns.accountId, A.account.id)))).toBe(1);
  });

  it('records sends through the API with the address of the request', async () => {
    const headers = fromClient({ authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' });
    await one(() => smsDo(new Request(url('/api/sms.do'), { method: 'POST', headers, body: JSON.stringify({ to: '+359888300020', from: 'AuditA', message: 'api' }) })), {
      accountId: A.account.id,
      userId: A.id,
      action: 'message.send',
      ip: IP,
      details: { recipients: 1, source: 'api' },
    });
    await one(
      () => campaignApi(new Request(url('/api/campaigns'), { method: 'POST', headers, body: JSON.stringify({ to: ['+359888300021', '+359888300022'], from: 'AuditA', message: 'api' }) })),
      { accountId: A.account.id, userId: A.id, action: 'campaign.create', targetType: 'campaign', ip: IP, details: { recipients: 2, source: 'api' } },
    );
  });

  it('records nothing for a refused send or a priced test', async () => {
    expect(await written(as(A, () => sendNow({ sender: 'NotOurs', recipients: '+359888300030', groupIds: [], content: 'x' })))).toEqual([]);
    const headers = fromClient({ authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' });
    const test = new Request(url('/api/sms.do'), { method: 'POST', headers, body: JSON.stringify({ to: '+359888300031', from: 'AuditA', message: 't', test: 1 }) });
    expect(await written(() => smsDo(test))).toEqual([]);
  });
});

describe('campaign controls', () => {
  it('records pause, resume and stop from the portal, the stop with its refund', async () => {
    const id = await campaignOf(A, 'Controlled');
    const target = { targetType: 'campaign', targetId: id, accountId: A.account.id, userId: A.id, ip: IP };
    await one(as(A, () => changeCampaign({ id, action: 'pause' })), { ...target, action: 'campaign.pause' });
    await one(as(A, () => changeCampaign({ id, action: 'resume' })), { ...target, action: 'campaign.resume' });
    await one(as(A, () => changeCampaign({ id, action: 'stop' })), { ...target, action: 'campaign.stop', details: { refunded: 3 * 650 } });
    // A refused control (a stopped campaign cannot be stopped again) writes nothing.
    expect(await written(as(A, () => changeCampaign({ id, action: 'stop' })))).toEqual([]);
    const trail = await listTargetTrail(A.account.id, { type: 'campaign', id });
    expect(trail.map((e) => e.action)).toEqual(['campaign.stop', 'campaign.resume', 'campaign.pause', 'campaign.create']);
    expect(trail[0]).toMatchObject({ userEmail: A.email });
  });

  it('records a stop through the API', async () => {
    const id = await campaignOf(A, 'Stopped by API');
    const request = new Request(url(`/api/campaigns/${id}/stop`), { method: 'POST', headers: fromClient({ authorization: `Bearer ${tokenA}` }) });
    await one(() => controlApi(request, params({ id, action: 'stop' })), {
      accountId: A.account.id,
      userId: A.id,
      action: 'campaign.stop',
      targetId: id,
      ip: IP,
      details: { refunded: 3 * 650 },
    });
  });

  it("writes nothing when account B stops A's campaign", async () => {
    const id = await campaignOf(A, 'Not B’s');
    const outcome = await as(B, () => changeCampaign({ id, action: 'stop' }))();
    expect(outcome).toMatchObject({ ok: false, code: 'campaign_not_found' });
    expect(await written(as(B, () => changeCampaign({ id, action: 'stop' })))).toEqual([]);
    expect(await written(as(B, () => changeCampaign({ id, action: 'pause' })))).toEqual([]);
  });
});

describe('reports and downloads', () => {
  it('records a report generated, a schedule created, paused, resumed and deleted', async () => {
    const generated = await one(as(A, () => generateReport(REPORT)), {
      accountId: A.account.id,
      userId: A.id,
      action: 'report.generate',
      targetType: 'run',
      ip: IP,
      details: { name: 'Audited', type: 'short', format: 'csv', from: '2026-03-28', to: '2026-03-30' },
    });
    await one(as(A, () => cancelReportRun(null, formOf({ id: generated.targetId! }))), { action: 'report.cancel', targetId: generated.targetId, userId: A.id, ip: IP });
    const schedule = await one(as(A, () => generateReport({ method: 'periodic', frequency: 'weekly', type: 'short', format: 'csv', name: 'Weekly' })), {
      action: 'report.create',
      targetType: 'report',
      details: { name: 'Weekly', frequency: 'weekly' },
    });
    const id = schedule.targetId!;
    await one(as(A, () => changeSchedule({ id, action: 'pause' })), { action: 'report.schedule_pause', targetId: id, userId: A.id, ip: IP });
    await one(as(A, () => changeSchedule({ id, action: 'resume' })), { action: 'report.schedule_resume', targetId: id });
    expect(await written(as(B, () => changeSchedule({ id, action: 'delete' })))).toEqual([]);
    await one(as(A, () => changeSchedule({ id, action: 'delete' })), { action: 'report.schedule_delete', targetId: id, details: { name: 'Weekly' } });
  });

  it('records every download of a report, a signed link opened (no user), and a report deleted', async () => {
    const { runId } = await createReport(A.account.id, A.id, { ...REPORT, name: 'Downloaded' }, NOW);
    expect(await generateRun(runId!)).toBe('ready');
    const download = () => runDownload(new Request(url(`/reports/runs/${runId}/download`), { headers: fromClient() }), params({ id: runId! }));
    const expected = { accountId: A.account.id, userId: A.id, action: 'report.download', targetType: 'run', targetId: runId, ip: IP };
    await one(as(A, download), expected);
    await one(as(A, download), expected);
    // Another account's download is refused, and writes nothing.
    expect(await written(as(B, download))).toEqual([]);

    const { token } = signReportLink(runId!, A.account.id);
    const open = () => signedLink(new Request(url(`/r/${token}`), { headers: fromClient() }), params({ token }));
    await one(open, { accountId: A.account.id, userId: null, action: 'report.link_open', targetId: runId, ip: IP });
    const forged = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await written(() => signedLink(new Request(url(`/r/${forged}`)), params({ token: forged })))).toEqual([]);

    await one(as(A, () => deleteReportRun({ id: runId! })), { action: 'report.delete', targetId: runId, userId: A.id, details: { name: 'Downloaded' } });
  });

  it("records a campaign's CSV and PDF and the contacts export as file downloads", async () => {
    const id = await campaignOf(A, 'Files');
    const file = { accountId: A.account.id, userId: A.id, action: 'file.download', ip: IP };
    await one(as(A, () => campaignCsv(new Request(url(`/bulk/${id}/delivery-report.csv`), { headers: fromClient() }), params({ id }))), {
      ...file,
      targetType: 'campaign',
      targetId: id,
      details: { file: 'delivery-report.csv' },
    });
    await one(as(A, () => campaignPdf(new Request(url(`/bulk/${id}/delivery-report.pdf`), { headers: fromClient() }), params({ id }))), {
      ...file,
      targetId: id,
      details: { file: 'delivery-report.pdf' },
    });
    expect(await written(as(B, () => campaignCsv(new Request(url(`/bulk/${id}/delivery-report.csv`)), params({ id }))))).toEqual([]);
    await one(as(A, () => contactsCsv(new Request(url('/contacts/export.csv?q=ivan'), { headers: fromClient() }), params({}))), {
      ...file,
      details: { file: 'contacts.csv', filter: 'q=ivan' },
    });
    // An import's bad lines.
    const bad = Buffer.from('phone\n12\n0888300040\n');
    const importId = await startImport(A.account.id, A.id, { name: 'bad.csv', size: bad.length });
    await appendImportChunk(A.account.id, importId, 0, bad);
    await queueImport(A.account.id, importId, { encoding: 'utf-8', delimiter: ',', hasHeader: true, mapping: { columns: [{ kind: 'phone' }] }, onDuplicate: 'update', optOutAll: false });
    await runImport(importId);
    const errors = (who: SessionUser) => as(who, () => importErrors(new Request(url(`/contacts/import/${importId}/errors.csv`), { headers: fromClient() }), params({ id: importId })));
    await one(errors(A), { ...file, details: { file: 'import-errors.csv', importId } });
    expect(await written(errors(B))).toEqual([]);
  });
});

describe('tokens and settings', () => {
  it('records a token created, revoked and deleted, by whom', async () => {
    const created = await one(as(A, () => createToken(null, formOf({ name: 'deploy' }))), {
      accountId: A.account.id,
      userId: A.id,
      action: 'token.create',
      targetType: 'token',
      ip: IP,
      details: { name: 'deploy' },
    });
    const id = created.targetId!;
    expect(await written(as(B, () => revokeToken({ id })))).toEqual([]);
    await one(as(A, () => revokeToken({ id })), { action: 'token.revoke', targetId: id, userId: A.id, ip: IP, details: { name: 'deploy' } });
    await one(as(A, () => deleteToken({ id })), { action: 'token.delete', targetId: id, userId: A.id, ip: IP });
  });

  it('records a change of the time zone and of a language, with before and after', async () => {
    await one(as(A, () => saveTimeZone(null, formOf({ timeZone: 'Europe/London' }))), {
      accountId: A.account.id,
      userId: A.id,
      action: 'account.time_zone',
      ip: IP,
      details: { from: 'Europe/Sofia', to: 'Europe/London' },
    });
    await one(as(A, () => saveLanguage(null, formOf({ language: 'bg' }))), {
      userId: A.id,
      action: 'user.language',
      targetType: 'user',
      targetId: String(A.id),
      details: { from: null, to: 'bg' },
    });
    // Saving what is already set changes nothing, and records nothing.
    expect(await written(as(A, () => saveLanguage(null, formOf({ language: 'bg' }))))).toEqual([]);
  });
});

describe('the log itself', () => {
  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await audit({ accountId: B.account.id, userId: B.id, action: 'auth.sign_in', ip: IP });
    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.accountId, B.account.id)).limit(1);
    // The trigger's own words (drizzle wraps the driver's error as its cause).
    const refused = async (statement: PromiseLike<unknown>) => {
      const error = await (async () => statement)().then(() => null, (e: unknown) => e as Error & { cause?: Error });
      expect(error?.cause?.message ?? error?.message).toMatch(/audit_events is append-only \((UPDATE|DELETE|TRUNCATE) refused\)/);
    };
    await refused(db.update(auditEvents).set({ ip: '0.0.0.0' }).where(eq(auditEvents.id, row.id)));
    await refused(db.delete(auditEvents).where(eq(auditEvents.id, row.id)));
    await refused(db.execute(sql`truncate audit_events`));
    const [after] = await db.select().from(auditEvents).where(eq(auditEvents.id, row.id));
    expect(after).toEqual(row);
  });

  it("pages every entry of an account exactly once, newest first, and none of another account's", async () => {
    const { account, user } = await makeAccount('Audit Paged', 0);
    const total = 2 * LIST_PAGE_SIZE + 7;
    // Several in one transaction share one created_at: the id breaks the tie at a page boundary.
    await db.transaction(async (tx) => {
      for (let i = 0; i < total; i++) {
        await tx.insert(auditEvents).values({ accountId: account.id, userId: i % 2 ? user.id : null, action: i % 3 ? 'file.download' : 'auth.sign_in', details: { i } });
      }
    });
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents(account.id, { action: null, userId: null }, before, LIST_PAGE_SIZE);
      seen.push(...page.rows.map((row) => row.id));
      for (const row of page.rows) expect(row.userEmail === null || row.userEmail === user.email).toBe(true);
      before = page.older;
      pages++;
    } while (before);
    expect(pages).toBe(3);
    const ids = (await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.accountId, account.id))).map((r) => String(r.id));
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort((x, y) => Number(y) - Number(x)));

    const mine = await listAuditEvents(account.id, { action: 'auth.sign_in', userId: user.id }, null, 1000);
    expect(mine.rows.length).toBe([...Array(total).keys()].filter((i) => i % 2 && !(i % 3)).length);
    expect(mine.rows.every((row) => row.action === 'auth.sign_in' && row.userId === user.id && row.userName !== null)).toBe(true);
    // Another account's user as the filter finds nothing here; a garbage cursor is the first page.
    expect((await listAuditEvents(account.id, { action: null, userId: A.id })).rows).toEqual([]);
    expect((await listAuditEvents(account.id, { action: null, userId: null }, 'garbage', LIST_PAGE_SIZE)).rows[0].id).toBe(seen[0]);
  });
});

describe('the audit page', () => {
  it('is for owners only: a member of the account is told there is no such page', async () => {
    const member = await createUser({ accountId: A.account.id, email: 'audit.member@example.com', password: PASSWORD, role: 'member' });
    const props = { searchParams: Promise.resolve({ action: 'campaign.stop' }) };
    const refused = await as(await sessionFor(member.id), () => AuditPage(props))().then(
      () => null,
      (error: { digest?: string }) => error.digest,
    );
    expect(refused).toBe('NEXT_HTTP_ERROR_FALLBACK;404');
    await expect(as(A, () => AuditPage(props))()).resolves.toBeTruthy();
  });
});

describe('the audit table', () => {
  it("shows A's entries in words, in English and Bulgarian, each with its user, target link and address", async () => {
    const { createElement } = await import('react');
    const { renderToStaticMarkup } = await import('react-dom/server');
    const { NextIntlClientProvider } = await import('next-intl');
    const { AuditTable } = await import('@/app/_components/audit-table');
    const { MESSAGES } = await import('@/lib/i18n/messages');
    const { rows } = await listAuditEvents(A.account.id, { action: null, userId: null }, null, 1000);
    const actions = new Set(rows.map((row) => row.action));
    for (const action of ['auth.sign_in_failed', 'campaign.stop', 'report.link_open', 'user.language', 'account.time_zone', 'file.download']) expect(actions).toContain(action);
    const render = (locale: 'en' | 'bg', compact = false) =>
      renderToStaticMarkup(
        createElement(NextIntlClientProvider, {
          locale,
          timeZone: 'Europe/Sofia',
          messages: MESSAGES[locale] as Parameters<typeof NextIntlClientProvider>[0]['messages'],
          onError: (error: Error) => {
            throw error;
          },
          children: createElement(AuditTable, { rows, caption: 'Audit', compact }),
        }),
      );
    const en = render('en');
    expect(en).toContain('Stopped campaign');
    expect(en).toMatch(/refund 0\.195\d* points/);
    expect(en).toContain('wrong password');
    expect(en).toContain('signed link');
    expect(en).toContain('automatic → bg');
    expect(en).toContain('Europe/Sofia → Europe/London');
    expect(en).toContain(`href="/bulk/${rows.find((row) => row.action === 'campaign.stop')!.targetId}"`);
    expect(en).toContain(IP);
    expect(en).toContain(A.email);
    const bg = render('bg');
    expect(bg).toContain('Спря кампания');
    expect(bg).toMatch(/възстановени 0,195\d* точки/);
    expect(bg).toContain('подписан линк');
    expect(render('bg', true)).not.toContain(IP);
  });
});

function formOf(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}
