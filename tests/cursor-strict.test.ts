import { isValidElement, type ReactNode } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSessionUser, startSession, type SessionUser } from '@/lib/auth/session-user';
import { decodeCursor as decodeCampaignCursor, listCampaigns } from '@/lib/campaigns/list';
import { decodeCursor as decodeHistoryCursor } from '@/lib/history/cursor';
import { planSend, submitSend } from '@/lib/messaging/send';
import { makeAccount } from './fixtures/accounts';

// Page cursors come from the URL: whatever a visitor puts there gets a clear answer, never a 500.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user, requireUser: async () => session.user }));
vi.mock('next-intl/server', () => ({
  getTranslations: async () => (key: string) => key,
  getLocale: async () => 'en',
  getFormatter: async () => ({ dateTime: (d: Date) => d.toISOString(), number: (n: number) => String(n) }),
}));

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const UUID = '0b5b4a9e-4c1f-4d7e-9a52-3f1c2b7d8e90';

/** Cursors a visitor can craft: not base64, base64 of the wrong thing, out-of-range values, NUL, wrong types. */
const CRAFTED = [
  'not base64!',
  '%00',
  'x'.repeat(10_000),
  `${b64(`2026-03-29T01:30:00.123456Z|${UUID}`)}=`,
  b64('{}'),
  b64('[]'),
  b64('null'),
  b64('"2026-03-29T01:30:00Z"'),
  b64(`1|${UUID}`),
  b64(`Tue|${UUID}`),
  b64(`2026-03-29|${UUID}`),
  b64(`+275760-09-13T00:00:00.000Z|${UUID}`),
  b64(`275760-09-13T00:00:00Z|${UUID}`),
  b64(`2026-02-30T01:30:00Z|${UUID}`),
  b64(`2026-03-29T01:30:00\u0000Z|${UUID}`),
  b64(`2026-03-29T01:30:00Z|${'-'.repeat(36)}`),
  b64(`2026-03-29T01:30:00Z|${UUID}\u0000`),
  b64(`2026-03-29T01:30:00Z|${UUID.replace(/-/g, 'g')}`),
  b64(`2026-03-29T01:30:00Z|${UUID}|extra`),
  b64(`2026-03-29T01:30:00Z~${UUID.toUpperCase()}x`),
  b64(`2026-03-29T01:30:00Z~1e400`),
  b64(`2026-03-29T01:30:00Z~99999999999999999999`),
  b64(`2026-03-29T01:30:00Z~-1`),
  b64(`2026-03-29T01:30:00Z~1\u0000`),
  b64(JSON.stringify({ at: '2026-03-29T01:30:00Z', id: UUID, more: 1 })),
  b64(JSON.stringify({ at: 1_774_747_800_000, id: UUID })),
  b64(JSON.stringify({ at: '2026-03-29T01:30:00Z', id: 1e400 })),
  b64(JSON.stringify(['2026-03-29T01:30:00Z', UUID])),
  b64(`${'9'.repeat(400)}|${UUID}`),
  b64("2026-03-29T01:30:00Z'; drop table campaigns; --|" + UUID),
];

/** Every string in a rendered element tree (props and children, not running child components). */
function textsOf(node: ReactNode | unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const child of node) textsOf(child, out);
  else if (isValidElement(node)) {
    for (const value of Object.values(node.props as Record<string, unknown>)) textsOf(value, out);
  }
  return out;
}

let accountId = 0;

beforeAll(async () => {
  const { account, user } = await makeAccount('CursorA', 1000);
  accountId = account.id;
  session.user = await loadSessionUser(user.id, await startSession(user.id));
  for (let i = 0; i < 2; i++) {
    await submitSend(
      await planSend({
        accountId,
        userId: user.id,
        source: 'portal',
        sender: 'CursorA',
        content: `Campaign ${i}`,
        recipients: [`+35988${2_000_000 + i * 10}`, `+35988${2_000_001 + i * 10}`],
        campaign: { name: `K${i}` },
      }),
    );
  }
});

describe('the campaign list cursor', () => {
  it('decodes only its own cursors: a table of crafted ones is refused', () => {
    for (const value of CRAFTED) expect(decodeCampaignCursor(value), JSON.stringify(value)).toBeNull();
  });

  it('answers a crafted cursor with the first page and says the link was bad, never an error', async () => {
    const first = await listCampaigns(accountId);
    expect(first.items.map((c) => c.name)).toEqual(['K1', 'K0']);
    expect(first.cursorRejected).toBe(false);
    for (const value of CRAFTED) {
      for (const side of ['before', 'after'] as const) {
        const page = await listCampaigns(accountId, { [side]: value });
        expect(page.items.map((c) => c.id), `${side}=${JSON.stringify(value)}`).toEqual(first.items.map((c) => c.id));
        expect(page.cursorRejected, `${side}=${JSON.stringify(value)}`).toBe(true);
      }
    }
  });

  it('shows the bulk page’s first page with a short notice for a crafted cursor', async () => {
    const { default: BulkPage } = await import('@/app/(app)/bulk/page');
    const plain = textsOf(await BulkPage({ searchParams: Promise.resolve({}) }));
    expect(plain).not.toContain('badCursor');
    for (const value of CRAFTED) {
      for (const side of ['before', 'after'] as const) {
        const texts = textsOf(await BulkPage({ searchParams: Promise.resolve({ [side]: value }) }));
        expect(texts, `${side}=${JSON.stringify(value)}`).toContain('badCursor');
        expect(texts).toContain('K1');
      }
    }
  });
});

describe('the history cursor', () => {
  it('decodes only its own cursors: the same table is refused', () => {
    for (const value of CRAFTED) expect(decodeHistoryCursor(value), JSON.stringify(value)).toBeNull();
  });

  it('answers a crafted cursor on the history page with its broken-link notice, never an error', async () => {
    const { default: HistoryPage } = await import('@/app/(app)/history/page');
    for (const value of CRAFTED) {
      for (const dir of ['older', 'newer']) {
        const texts = textsOf(await HistoryPage({ searchParams: Promise.resolve({ cursor: value, dir }) }));
        expect(texts, JSON.stringify(value)).toContain('errors.invalid_cursor');
      }
    }
  });
});
