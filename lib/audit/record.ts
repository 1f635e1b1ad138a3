import { db, type Executor } from '@/db';
import { auditEvents } from '@/db/schema';

/**
 * What the audit log records, one name per kind of deed ('area.verb'). The list is the
 * vocabulary of the /audit page's filter and of its translations (audit.actions.*).
 */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'message.send',
  'campaign.create',
  'campaign.pause',
  'campaign.resume',
  'campaign.stop',
  'campaign.guard_pause',
  'campaign.resend',
  'report.create',
  'report.generate',
  'report.download',
  'report.schedule_pause',
  'report.schedule_resume',
  'report.schedule_delete',
  'report.cancel',
  'report.delete',
  'report.link_open',
  'file.download',
  'token.create',
  'token.revoke',
  'token.delete',
  'user.create',
  'user.role_change',
  'user.disable',
  'user.enable',
  'user.language',
  'account.time_zone',
  'account.low_balance_threshold',
  'account.suppression',
  'number.release',
  'view.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  accountId: number;
  /** null: no signed-in user did it (a failed sign-in, a signed link opened by whoever holds it) */
  userId: number | null;
  action: AuditAction;
  target?: { type: 'campaign' | 'report' | 'run' | 'token' | 'user' | 'message' | 'account' | 'file'; id: string | number };
  /** the client's address (lib/auth/client-ip), or null where there is no request (a job) */
  ip?: string | null;
  /** what was done, in the caller's words: counts, the refund, the old and new role … */
  details?: Record<string, unknown>;
};

/** Who did a deed and from where, as a deed's function takes it (null, null: a script, no request). */
export type AuditActor = { userId: number | null; ip: string | null };
export const NO_ACTOR: AuditActor = { userId: null, ip: null };

/**
 * Appends one audit event, in the caller's transaction when given one (so a deed and its record
 * commit together or not at all). The table is append-only: nothing here updates or deletes.
 */
export async function recordAudit(executor: Executor, entry: AuditEntry): Promise<void> {
  await executor.insert(auditEvents).values({
    accountId: entry.accountId,
    userId: entry.userId,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target ? String(entry.target.id) : null,
    ip: entry.ip ?? null,
    details: entry.details ?? {},
  });
}

/** recordAudit outside any transaction. */
export function audit(entry: AuditEntry): Promise<void> {
  return recordAudit(db, entry);
}

/** A file served to a signed-in user ('file.download'): which file, of what, and what it held. */
export function auditDownload(entry: Omit<AuditEntry, 'action' | 'details'> & { file: string; details?: Record<string, unknown> }): Promise<void> {
  const { file, details, ...rest } = entry;
  return audit({ ...rest, action: 'file.download', details: { file, ...details } });
}
