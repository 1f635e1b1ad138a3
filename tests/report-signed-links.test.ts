import { describe, expect, it } from 'vitest';
import { linkKeys, MAX_LINK_SECONDS, signReportLink, verifyReportLink } from '@/lib/reports/signed-links';

const RUN = '0d07bbc5-43c4-4bb7-bd73-01c818f2dd05';
const NOW = new Date('2026-04-05T10:00:00Z');
const keys = (v: string) => linkKeys({ REPORT_LINK_KEYS: v });

describe('signed report links', () => {
  it('round-trips and defaults to 7 days', () => {
    const k = keys('k1:0123456789abcdef0123');
    const { token, expiresAt } = signReportLink(RUN, 42, { now: NOW, keys: k });
    expect(expiresAt.getTime() - NOW.getTime()).toBe(MAX_LINK_SECONDS * 1000);
    expect(verifyReportLink(token, { now: NOW, keys: k })).toEqual({ ok: true, runId: RUN, accountId: 42, expiresAt });
  });

  it('refuses more than 7 days when signing and when verifying', () => {
    const k = keys('k1:0123456789abcdef0123');
    expect(() => signReportLink(RUN, 42, { seconds: MAX_LINK_SECONDS + 1, keys: k })).toThrow();
    // A token signed "in the future" (expiry 8 days ahead of the verifier's clock) is refused.
    const { token } = signReportLink(RUN, 42, { now: new Date(NOW.getTime() + 86_400_000), keys: k });
    expect(verifyReportLink(token, { now: NOW, keys: k })).toEqual({ ok: false, status: 403 });
  });

  it('tampering with any part is 403; an expired link is 410', () => {
    const k = keys('k1:0123456789abcdef0123');
    const { token } = signReportLink(RUN, 42, { now: NOW, keys: k });
    const [run, account, exp, kid, sig] = token.split('.');
    const variants = [
      [RUN.replace('0d07', '0d08'), account, exp, kid, sig],
      [run, '43', exp, kid, sig],
      [run, account, String(Number(exp) + 1), kid, sig],
      [run, account, exp, 'k2', sig],
      [run, account, exp, kid, sig.slice(0, -2)],
      [run, account, exp, kid, `${sig}AA`],
      [run, account, exp, kid, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)],
      [run, account, exp, kid],
    ];
    for (const parts of variants) expect(verifyReportLink(parts.join('.'), { now: NOW, keys: k })).toEqual({ ok: false, status: 403 });
    expect(verifyReportLink('', { now: NOW, keys: k })).toEqual({ ok: false, status: 403 });
    expect(verifyReportLink('x'.repeat(10_000), { now: NOW, keys: k })).toEqual({ ok: false, status: 403 });
    const later = new Date(NOW.getTime() + MAX_LINK_SECONDS * 1000);
    expect(verifyReportLink(token, { now: later, keys: k })).toEqual({ ok: false, status: 410 });
  });

  it('rotation: the first key signs, every listed key verifies, a dropped key no longer does', () => {
    const old = keys('k1:0123456789abcdef0123');
    const rotated = keys('k2:fedcba9876543210fedc,k1:0123456789abcdef0123');
    const oldToken = signReportLink(RUN, 42, { now: NOW, keys: old }).token;
    const newToken = signReportLink(RUN, 42, { now: NOW, keys: rotated }).token;
    expect(newToken.split('.')[3]).toBe('k2');
    expect(verifyReportLink(oldToken, { now: NOW, keys: rotated }).ok).toBe(true);
    expect(verifyReportLink(newToken, { now: NOW, keys: rotated }).ok).toBe(true);
    const dropped = keys('k2:fedcba9876543210fedc');
    expect(verifyReportLink(oldToken, { now: NOW, keys: dropped })).toEqual({ ok: false, status: 403 });
    // Same kid, other secret: a forged key id does not help.
    expect(verifyReportLink(oldToken, { now: NOW, keys: keys('k1:another-secret-of-16+') })).toEqual({ ok: false, status: 403 });
  });

  it('defaults to one key derived from AUTH_SECRET and validates REPORT_LINK_KEYS', () => {
    const k = linkKeys({ AUTH_SECRET: 'abc' });
    expect(k).toHaveLength(1);
    expect(k[0].secret.toString()).not.toContain('abc');
    expect(() => linkKeys({ REPORT_LINK_KEYS: 'k1:short' })).toThrow();
    expect(() => linkKeys({ REPORT_LINK_KEYS: 'bad kid!:0123456789abcdef' })).toThrow();
    expect(() => linkKeys({})).toThrow();
  });
});
