import 'server-only';
import { cookies, headers } from 'next/headers';
import { maxReplicaLagSeconds, primaryLsn, readerFor, replicaConfigured, type Reader } from '@/db/replica';

/**
 * Read-your-own-writes with a replica (db/replica.ts): after a server action, a short-lived
 * cookie carries the primary's WAL position; this user's history and exports then read the
 * replica only once it has replayed that far, else the primary. The cookie outlives the lag a
 * replica may have (past it the lag rule alone keeps them right). Its value is no secret: a
 * forged one can only send the user's own reads to the primary.
 */
const COOKIE = 'sms-portal-read-after';

export async function rememberOwnWrite(): Promise<void> {
  if (!replicaConfigured()) return;
  // The action's work is done: failing to note its position must not report it failed (and be retried).
  const lsn = await primaryLsn().catch(() => null);
  if (!lsn) return;
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const https = (headerList.get('x-forwarded-proto') ?? 'https').split(',')[0].trim() === 'https';
  cookieStore.set(COOKIE, lsn, { httpOnly: true, sameSite: 'lax', secure: https, path: '/', maxAge: Math.ceil(maxReplicaLagSeconds()) + 1 });
}

/** Where this user's history page or export reads. */
export async function ownReader(): Promise<Reader> {
  if (!replicaConfigured()) return readerFor();
  return readerFor({ after: (await cookies()).get(COOKIE)?.value });
}
