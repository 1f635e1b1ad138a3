import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed download links for e-mails (shared/spec/security.md, "Downloads and signed URLs").
 *
 * Token: `<runId>.<accountId>.<expiry unix s>.<kid>.<base64url HMAC-SHA256>`, the MAC over
 * "report-link/v1|runId|accountId|expiry|kid". Keys come from REPORT_LINK_KEYS
 * ("kid:secret,kid2:secret2": the first signs, all verify, so a key is rotated by putting the
 * new one first and dropping the old one 7 days later); without it, one key derived from
 * AUTH_SECRET (kid "a"). Expiry is at most 7 days, also enforced when verifying.
 */

export const MAX_LINK_SECONDS = 7 * 24 * 3600;
const KID = /^[A-Za-z0-9_-]{1,16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type LinkKey = { kid: string; secret: Buffer };

export function linkKeys(env: Record<string, string | undefined> = process.env): LinkKey[] {
  const configured = env.REPORT_LINK_KEYS?.trim();
  if (configured) {
    return configured.split(',').map((entry) => {
      const at = entry.indexOf(':');
      const kid = entry.slice(0, at).trim();
      const secret = entry.slice(at + 1).trim();
      if (at < 1 || !KID.test(kid) || secret.length < 16) throw new Error('REPORT_LINK_KEYS must be "kid:secret,..." with secrets of 16+ characters');
      return { kid, secret: Buffer.from(secret, 'utf8') };
    });
  }
  const authSecret = env.AUTH_SECRET;
  if (!authSecret) throw new Error('AUTH_SECRET (or REPORT_LINK_KEYS) is not set');
  return [{ kid: 'a', secret: createHmac('sha256', authSecret).update('sms-portal report links').digest() }];
}

function mac(key: LinkKey, runId: string, accountId: number, expiry: number): Buffer {
  return createHmac('sha256', key.secret).update(`report-link/v1|${runId}|${accountId}|${expiry}|${key.kid}`).digest();
}

/** A token for a run, valid `seconds` (default and maximum 7 days). */
export function signReportLink(
  runId: string,
  accountId: number,
  options: { seconds?: number; now?: Date; keys?: LinkKey[] } = {},
): { token: string; expiresAt: Date } {
  const seconds = options.seconds ?? MAX_LINK_SECONDS;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_LINK_SECONDS) throw new Error('link expiry must be 1 s to 7 days');
  if (!UUID.test(runId) || !Number.isSafeInteger(accountId) || accountId <= 0) throw new Error('bad run id or account id');
  const key = (options.keys ?? linkKeys())[0];
  const expiry = Math.floor((options.now ?? new Date()).getTime() / 1000) + seconds;
  const sig = mac(key, runId, accountId, expiry).toString('base64url');
  return { token: `${runId}.${accountId}.${expiry}.${key.kid}.${sig}`, expiresAt: new Date(expiry * 1000) };
}

export type LinkCheck =
  | { ok: true; runId: string; accountId: number; expiresAt: Date }
  | { ok: false; status: 403 | 410 };

/** Tampered, malformed or unknown key -> 403; signature fine but past its expiry -> 410. */
export function verifyReportLink(token: string, options: { now?: Date; keys?: LinkKey[] } = {}): LinkCheck {
  const parts = token.length <= 200 ? token.split('.') : [];
  if (parts.length !== 5) return { ok: false, status: 403 };
  const [runId, account, exp, kid, sig] = parts;
  if (!UUID.test(runId) || !/^[1-9][0-9]{0,15}$/.test(account) || !/^[1-9][0-9]{0,11}$/.test(exp) || !KID.test(kid)) {
    return { ok: false, status: 403 };
  }
  const key = (options.keys ?? linkKeys()).find((k) => k.kid === kid);
  if (!key) return { ok: false, status: 403 };
  const accountId = Number(account);
  const expiry = Number(exp);
  const expected = mac(key, runId, accountId, expiry);
  const given = Buffer.from(sig, 'base64url');
  // Canonical encoding only (base64url decoding ignores junk), and equal lengths before the compare.
  if (given.toString('base64url') !== sig || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 403 };
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (expiry - now > MAX_LINK_SECONDS + 60) return { ok: false, status: 403 };
  if (expiry <= now) return { ok: false, status: 410 };
  return { ok: true, runId, accountId, expiresAt: new Date(expiry * 1000) };
}
