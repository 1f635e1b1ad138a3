import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { contactGroupMembers, contactGroups, contacts } from '@/db/schema';
import { AppError, type Problem } from '@/lib/errors';
import { listContactFields, type ContactField } from './fields';
import { ownsContactGroups } from './groups';
import { getOptOut, optOutNumbers, optOutReason, removeOptOuts, type OptOut, type OptOutSource } from './opt-outs';
import { checkEmail, checkFieldValue, checkName, checkPhone } from './values';

/** The account a contact is written for: its id, and its country for numbers typed nationally. */
export type ContactAccount = { id: number; country: string };

/** A contact as typed (a form, the API): undefined leaves a value as it is on an update. */
export type ContactInput = {
  phone?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** custom field values by field id; '' clears one */
  fields?: Record<string, string>;
  /** the groups the contact is in, all of them (the account's group ids) */
  groupIds?: string[];
  optedOut?: boolean;
  optOutReason?: string;
};

export type Contact = {
  id: string;
  phone: string;
  firstName: string;
  lastName: string;
  email: string | null;
  customFields: Record<string, string>;
  groups: { id: string; name: string }[];
  optOut: OptOut | null;
  createdAt: Date;
  updatedAt: Date;
};

type Checked = {
  phone?: string;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  set: Record<string, string>;
  cleared: string[];
};

/** Every value checked at once: all problems come back together, each at its field. */
function check(input: ContactInput, fields: readonly ContactField[], country: string, creating: boolean): Checked {
  const problems: Problem[] = [];
  const out: Checked = { set: {}, cleared: [] };
  if (input.phone !== undefined || creating) {
    const phone = checkPhone(input.phone ?? '', country);
    if (phone.ok) out.phone = phone.value;
    else problems.push({ code: phone.code, field: 'phone' });
  }
  for (const key of ['firstName', 'lastName'] as const) {
    if (input[key] === undefined) continue;
    const name = checkName(input[key]);
    if (name.ok) out[key] = name.value;
    else problems.push({ code: name.code, field: key });
  }
  if (input.email !== undefined) {
    const email = checkEmail(input.email);
    if (email.ok) out.email = email.value;
    else problems.push({ code: email.code, field: 'email' });
  }
  const byId = new Map(fields.map((f) => [f.id, f]));
  for (const [id, raw] of Object.entries(input.fields ?? {})) {
    const field = byId.get(id);
    if (!field) {
      problems.push({ code: 'unknown_field', field: `fields.${id}` });
      continue;
    }
    const value = checkFieldValue(field.type, raw);
    if (!value.ok) problems.push({ code: value.code, field: `fields.${id}` });
    else if (value.value === '') out.cleared.push(id);
    else out.set[id] = value.value;
  }
  if (input.optedOut !== undefined || input.optOutReason !== undefined) {
    try {
      optOutReason(input.optOutReason);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length) {
    const [first, ...more] = problems;
    throw new AppError(first.code, { field: first.field, params: first.params, more });
  }
  return out;
}

const isUniqueViolation = (error: unknown) =>
  (error as { cause?: { code?: string } })?.cause?.code === '23505' || (error as { code?: string })?.code === '23505';

function exists(phone: string | undefined): never {
  throw new AppError('contact_exists', { field: 'phone', params: { phone: phone ?? '' } });
}

/** Sets the contact's groups to exactly `groupIds` (the account's own: checked by the caller). */
async function setGroups(tx: Executor, accountId: number, contactId: string, groupIds: readonly string[]): Promise<void> {
  const own = tx.select({ id: contactGroups.id }).from(contactGroups).where(eq(contactGroups.accountId, accountId));
  await tx
    .delete(contactGroupMembers)
    .where(
      and(
        eq(contactGroupMembers.contactId, contactId),
        inArray(contactGroupMembers.groupId, own),
        groupIds.length ? notInArray(contactGroupMembers.groupId, [...groupIds]) : undefined,
      ),
    );
  if (groupIds.length) {
    await tx
      .insert(contactGroupMembers)
      .values(groupIds.map((groupId) => ({ groupId, contactId })))
      .onConflictDoNothing();
  }
}

async function applyOptOut(tx: Executor, accountId: number, phone: string, input: ContactInput, by: { userId: number | null; source: OptOutSource }) {
  if (input.optedOut === true) await optOutNumbers(accountId, [phone], { reason: optOutReason(input.optOutReason), ...by }, tx);
  if (input.optedOut === false) await removeOptOuts(accountId, [phone], tx);
}

async function checkGroups(accountId: number, groupIds: readonly string[] | undefined, executor: Executor): Promise<string[] | undefined> {
  if (groupIds === undefined) return undefined;
  const unique = [...new Set(groupIds.map((id) => id.toLowerCase()))];
  if (!(await ownsContactGroups(accountId, unique, executor))) throw new AppError('unknown_group', { field: 'groupIds' });
  return unique;
}

export async function createContact(
  account: ContactAccount,
  input: ContactInput,
  by: { userId: number | null; source: OptOutSource },
): Promise<Contact> {
  const fields = await listContactFields(account.id);
  const values = check(input, fields, account.country, true);
  const groupIds = await checkGroups(account.id, input.groupIds, db);
  const id = await db
    .transaction(async (tx) => {
      const [row] = await tx
        .insert(contacts)
        .values({
          accountId: account.id,
          phone: values.phone!,
          firstName: values.firstName ?? '',
          lastName: values.lastName ?? '',
          email: values.email ?? null,
          customFields: values.set,
        })
        .returning({ id: contacts.id });
      if (groupIds?.length) await setGroups(tx, account.id, row.id, groupIds);
      await applyOptOut(tx, account.id, values.phone!, input, by);
      return row.id;
    })
    .catch((error: unknown) => (isUniqueViolation(error) ? exists(values.phone) : Promise.reject(error)));
  return (await getContact(account.id, id))!;
}

export async function updateContact(
  account: ContactAccount,
  id: string,
  input: ContactInput,
  by: { userId: number | null; source: OptOutSource },
): Promise<Contact> {
  const fields = await listContactFields(account.id);
  const values = check(input, fields, account.country, false);
  const groupIds = await checkGroups(account.id, input.groupIds, db);
  await db
    .transaction(async (tx) => {
      const [row] = await tx
        .update(contacts)
        .set({
          phone: values.phone,
          firstName: values.firstName,
          lastName: values.lastName,
          email: values.email,
          customFields: sql`(${contacts.customFields} || ${JSON.stringify(values.set)}::jsonb) - ${`{${values.cleared.join(',')}}`}::text[]`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(contacts.id, id), eq(contacts.accountId, account.id)))
        .returning({ id: contacts.id, phone: contacts.phone });
      if (!row) throw new AppError('not_found');
      if (groupIds) await setGroups(tx, account.id, id, groupIds);
      await applyOptOut(tx, account.id, row.phone, input, by);
    })
    .catch((error: unknown) => (isUniqueViolation(error) ? exists(values.phone) : Promise.reject(error)));
  return (await getContact(account.id, id))!;
}

/** Deletes the account's contacts among `ids`; returns how many. Their numbers stay opted out if they were. */
export async function deleteContacts(accountId: number, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const rows = await db
    .delete(contacts)
    .where(and(eq(contacts.accountId, accountId), inArray(contacts.id, [...ids])))
    .returning({ id: contacts.id });
  return rows.length;
}

export async function getContact(accountId: number, id: string, executor: Executor = db): Promise<Contact | null> {
  const [row] = await executor
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.accountId, accountId)));
  if (!row) return null;
  const groups = await executor
    .select({ id: contactGroups.id, name: contactGroups.name })
    .from(contactGroupMembers)
    .innerJoin(contactGroups, eq(contactGroups.id, contactGroupMembers.groupId))
    .where(and(eq(contactGroupMembers.contactId, id), eq(contactGroups.accountId, accountId)))
    .orderBy(contactGroups.name);
  return {
    id: row.id,
    phone: row.phone,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    customFields: row.customFields,
    groups,
    optOut: await getOptOut(accountId, row.phone, executor),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The numbers of the account's contacts among `ids`. */
export async function contactPhones(accountId: number, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ phone: contacts.phone })
    .from(contacts)
    .where(and(eq(contacts.accountId, accountId), inArray(contacts.id, [...ids])));
  return rows.map((r) => r.phone);
}

/** Whether every one of `ids` is a contact of this account (a bulk action on another account's ids is not_found). */
export async function ownsContacts(accountId: number, ids: readonly string[]): Promise<boolean> {
  const unique = [...new Set(ids)];
  if (!unique.length) return true;
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(eq(contacts.accountId, accountId), inArray(contacts.id, unique)));
  return n === unique.length;
}
