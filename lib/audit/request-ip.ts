import 'server-only';
import { headers } from 'next/headers';
import { clientIp } from '@/lib/auth/client-ip';
import type { AuditActor } from './record';

/**
 * The client's address for the request a server action (or page) is serving, for the audit log.
 * A route handler has its Request: it calls clientIp(request.headers) itself.
 */
export async function requestIp(): Promise<string> {
  return clientIp(await headers());
}

/** The signed-in user of this request and their address: who did a deed, and from where. */
export async function actorOf(user: { id: number }): Promise<AuditActor> {
  return { userId: user.id, ip: await requestIp() };
}
