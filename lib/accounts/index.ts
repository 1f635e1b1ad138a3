import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type Executor } from '@/db';
import { accounts, senderNames, users } from '@/db/schema';
import { NO_ACTOR, recordAudit, type AuditActor } from '@/lib/audit/record';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { normalizeEmail } from '@/lib/auth/sign-in';
import { isTimeZone } from '@/lib/calendar';
import { rebuildDeliveryCounts } from '@/lib/insights/query';
import { AppError, parseOrThrow as parse } from '@/lib/errors';

export const timeZoneSchema = z.string().refine(isTimeZone, 'not a known IANA time zone');
export const countrySchema = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'a two-letter ISO country code');
export const emailSchema = z.string().trim().max(320).pipe(z.email());
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
// Alphanumeric up to 11 characters, or a numeric sender up to 16 digits (security.md).
export const senderNameSchema = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9][A-Za-z0-9 .-]{0,10}$/.test(v) || /^\+?[0-9]{1,16}$/.test(v), {
    message: 'up to 11 letters, digits, spaces, dots or dashes, or up to 16 digits',
  });

export async function createAccount(input: { name: string; country?: string; timeZone?: string }) {
  const data = parse(
    z.object({
      name: z.string().trim().min(1).max(100),
      country: countrySchema.default('BG'),
      timeZone: timeZoneSchema.default('Europe/Sofia'),
    }),
    input,
  );
  const existing = await findAccountByName(data.name);
  if (existing) throw new AppError('account_exists', { params: { name: data.name } });
  const [account] = await db.insert(accounts).values(data).returning();
  return account;
}

export async function findAccountByName(name: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.name, name.trim())).limit(1);
  return account ?? null;
}

export async function requireAccountByName(name: string) {
  const account = await findAccountByName(name);
  if (!account) throw new AppError('account_unknown', { params: { name } });
  return account;
}

export const USER_ROLES = ['owner', 'member', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A new user of an account; `executor`: the caller's transaction, where the deed is audited with it. */
export async function createUser(
  input: {
    accountId: number;
    email: string;
    password: string;
    name?: string;
    role?: UserRole;
    language?: 'en' | 'bg' | null;
  },
  executor: Executor = db,
) {
  const data = parse(
    z.object({
      accountId: z.number().int().positive(),
      email: emailSchema,
      password: passwordSchema,
      name: z.string().trim().max(100).default(''),
      role: z.enum(USER_ROLES).default('member'),
      language: z.enum(['en', 'bg']).nullable().default(null),
    }),
    input,
  );
  if (await findUserByEmail(data.email)) throw new AppError('user_exists', { params: { email: data.email } });
  const [user] = await executor
    .insert(users)
    .values({ ...data, email: normalizeEmail(data.email), passwordHash: await hashPassword(data.password) })
    .returning({ id: users.id, accountId: users.accountId, email: users.email, role: users.role });
  return user;
}

export async function findUserByEmail(email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`)
    .limit(1);
  return user ?? null;
}

export async function requireUserByEmail(email: string) {
  const user = await findUserByEmail(email);
  if (!user) throw new AppError('user_unknown', { params: { email } });
  return user;
}

/** A new password ends every session issued before it. */
export async function setUserPassword(userId: number, password: string) {
  const hashed = await hashPassword(parse(passwordSchema, password));
  await db.update(users).set({ passwordHash: hashed, sessionsValidAfter: sql`now()` }).where(eq(users.id, userId));
}

/** Disabling a user ends their sessions at once; enabling does not bring old sessions back. */
export async function setUserDisabled(userId: number, disabled: boolean) {
  await db.update(users).set({ disabled, sessionsValidAfter: sql`now()` }).where(eq(users.id, userId));
}

/** A user's own language (null: the browser's); a change is recorded in the audit log (`ip`: from where). */
export async function setUserLanguage(userId: number, language: 'en' | 'bg' | null, ip: string | null = null) {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ accountId: users.accountId, language: users.language }).from(users).where(eq(users.id, userId)).for('update');
    if (!before || before.language === language) return;
    await tx.update(users).set({ language }).where(eq(users.id, userId));
    await recordAudit(tx, {
      accountId: before.accountId,
      userId,
      action: 'user.language',
      target: { type: 'user', id: userId },
      ip,
      details: { from: before.language, to: language },
    });
  });
}

/** The account's time zone; a change is recorded in the audit log with who made it. */
export async function setAccountTimeZone(accountId: number, timeZone: string, actor: AuditActor = NO_ACTOR) {
  const value = parse(timeZoneSchema, timeZone);
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ timeZone: accounts.timeZone }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    if (!before || before.timeZone === value) return;
    await tx.update(accounts).set({ timeZone: value }).where(eq(accounts.id, accountId));
    // The deliverability rollups are kept by local day and hour: recount them in the new zone.
    await rebuildDeliveryCounts(accountId, tx);
    await recordAudit(tx, { accountId, ...actor, action: 'account.time_zone', target: { type: 'account', id: accountId }, details: { from: before.timeZone, to: value } });
  });
}

export async function addSenderName(accountId: number, name: string) {
  const value = parse(senderNameSchema, name);
  const [row] = await db
    .insert(senderNames)
    .values({ accountId, name: value })
    .onConflictDoNothing()
    .returning({ id: senderNames.id, name: senderNames.name });
  return row ?? { id: null, name: value };
}

export function listSenderNames(accountId: number) {
  return db
    .select({ id: senderNames.id, name: senderNames.name })
    .from(senderNames)
    .where(eq(senderNames.accountId, accountId))
    .orderBy(asc(senderNames.name));
}

export async function isApprovedSender(accountId: number, name: string, executor: Executor = db): Promise<boolean> {
  const rows = await executor
    .select({ id: senderNames.id })
    .from(senderNames)
    .where(and(eq(senderNames.accountId, accountId), eq(senderNames.name, name)))
    .limit(1);
  return rows.length === 1;
}
