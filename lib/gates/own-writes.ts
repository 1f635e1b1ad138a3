import 'server-only';
import { cookies, headers } from 'next/headers';
import { primaryLsn, readerFor, replicaConfigured, type Reader } from '@/db/replica';

/**
 * Read-your-own-writes with a replica (db/replica.ts): after a server action, a short-lived
 * cookie carries the primary's WAL position; this user's history and exports then read the
 * replica only once it has replayed that far, else the primary. Its value is no secret: a
 * forged one can only send the user's own reads to the primary.
 */
const COOKIE = 'sms-portal-read-after';
// Far past any lag the rule allows, so that a replica whose stream stalled (still "streaming"
// until wal_receiver_timeout) cannot hide the user's own write once the cookie is gone.
const COOKIE_SECONDS = 300;

export async function rememberOwnWrite(): Promise<void> {
  if (!replicaConfigured()) return;
  // The action's work is done: failing to note its position must not report it failed (and be
  // retried); the user's reads then rest on the lag rule alone.
  try {
    const [lsn, cookieStore, headerList] = await Promise.all([primaryLsn(), cookies(), headers()]);
    const https = (headerList.get('x-forwarded-proto') ?? 'https').split(',')[0].trim() === 'https';
    cookieStore.set(COOKIE, lsn, { httpOnly: true, sameSite: 'lax', secure: https, path: '/', maxAge: COOKIE_SECONDS });
  } catch (error) {
    console.warn('could not note the WAL position of a write', error);
  }
}

/** Where this user's history page or export reads. */
export async function ownReader(): Promise<Reader> {
  if (!replicaConfigured()) return readerFor();
  return readerFor({ after: (await cookies()).get(COOKIE)?.value });
}
