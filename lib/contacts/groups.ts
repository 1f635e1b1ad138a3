import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { contactGroupMembers, contactGroups, contacts } from '@/db/schema';
import { audienceQuery, type Audience } from '@/lib/campaigns/audiences';
import { AppError } from '@/lib/errors';
import { MAX_CONTACT_GROUPS, MAX_NAME_LENGTH } from './limits';
import { checkGroupName } from './values';

export type ContactGroup = { id: string; name: string; members: number; createdAt: Date };

/** The account's contact groups by name, with how many contacts each holds (kept by triggers, migration 0015). */
export function listContactGroups(accountId: number, executor: Executor = db): Promise<ContactGroup[]> {
  return executor
    .select({ id: contactGroups.id, name: contactGroups.name, members: contactGroups.members, createdAt: contactGroups.createdAt })
    .from(contactGroups)
    .where(eq(contactGroups.accountId, accountId))
    .orderBy(asc(contactGroups.name));
}

export async function getContactGroup(accountId: number, id: string, executor: Executor = db): Promise<ContactGroup | null> {
  const [group] = await executor
    .select({ id: contactGroups.id, name: contactGroups.name, members: contactGroups.members, createdAt: contactGroups.createdAt })
    .from(contactGroups)
    .where(and(eq(contactGroups.id, id), eq(contactGroups.accountId, accountId)));
  return group ?? null;
}

/** Whether every one of `groupIds` is a group of this account. */
export async function ownsContactGroups(accountId: number, groupIds: readonly string[], executor: Executor = db): Promise<boolean> {
  const unique = [...new Set(groupIds)];
  if (!unique.length) return true;
  const owned = await executor
    .select({ id: contactGroups.id })
    .from(contactGroups)
    .where(and(eq(contactGroups.accountId, accountId), inArray(contactGroups.id, unique)));
  return owned.length === unique.length;
}

function groupName(raw: string): string {
  const name = checkGroupName(raw);
  if (!name.ok) throw new AppError(name.code, { field: 'name', params: { max: MAX_NAME_LENGTH } });
  return name.value;
}

const isUniqueViolation = (error: unknown) =>
  (error as { cause?: { code?: string } })?.cause?.code === '23505' || (error as { code?: string })?.code === '23505';

// Two requests creating groups at once must not pass the limit together.
const GROUPS_LOCK = 7246102;

/** Takes the account's group-creation lock and checks there is room for `adding` more groups. */
export async function reserveGroups(tx: Executor, accountId: number, adding: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${GROUPS_LOCK}, ${accountId})`);
  const [{ n }] = await tx.select({ n: count() }).from(contactGroups).where(eq(contactGroups.accountId, accountId));
  if (n + adding > MAX_CONTACT_GROUPS) throw new AppError('too_many_groups', { params: { max: MAX_CONTACT_GROUPS } });
}

export async function createContactGroup(accountId: number, rawName: string): Promise<ContactGroup> {
  const name = groupName(rawName);
  return db
    .transaction(async (tx) => {
      await reserveGroups(tx, accountId, 1);
      const [group] = await tx
        .insert(contactGroups)
        .values({ accountId, name })
        .returning({ id: contactGroups.id, name: contactGroups.name, members: contactGroups.members, createdAt: contactGroups.createdAt });
      return group;
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('group_name_taken', { field: 'name', params: { name } });
      throw error;
    });
}

export async function renameContactGroup(accountId: number, id: string, rawName: string): Promise<void> {
  const name = groupName(rawName);
  const rows = await db
    .update(contactGroups)
    .set({ name })
    .where(and(eq(contactGroups.id, id), eq(contactGroups.accountId, accountId)))
    .returning({ id: contactGroups.id })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('group_name_taken', { field: 'name', params: { name } });
      throw error;
    });
  if (!rows.length) throw new AppError('not_found');
}

/** Deletes the group; its contacts stay (only their membership goes, by the foreign key's cascade). */
export async function deleteContactGroup(accountId: number, id: string): Promise<void> {
  const rows = await db
    .delete(contactGroups)
    .where(and(eq(contactGroups.id, id), eq(contactGroups.accountId, accountId)))
    .returning({ id: contactGroups.id });
  if (!rows.length) throw new AppError('not_found');
}

/** The group, if it is the account's; not_found otherwise (another account's id included). */
async function ownGroup(executor: Executor, accountId: number, groupId: string): Promise<void> {
  if (!(await getContactGroup(accountId, groupId, executor))) throw new AppError('not_found', { field: 'groupId' });
}

/** Adds the account's contacts among `contactIds` to its group; returns how many were not in it yet. */
export async function addToGroup(accountId: number, groupId: string, contactIds: readonly string[], executor: Executor = db): Promise<number> {
  await ownGroup(executor, accountId, groupId);
  if (!contactIds.length) return 0;
  const rows = await executor
    .insert(contactGroupMembers)
    .select(
      executor
        .select({ groupId: sql`${groupId}::uuid`.as('group_id'), contactId: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.accountId, accountId), inArray(contacts.id, [...contactIds]))),
    )
    .onConflictDoNothing()
    .returning({ contactId: contactGroupMembers.contactId });
  return rows.length;
}

/** Removes the contacts among `contactIds` from the account's group; returns how many were in it. */
export async function removeFromGroup(accountId: number, groupId: string, contactIds: readonly string[], executor: Executor = db): Promise<number> {
  await ownGroup(executor, accountId, groupId);
  if (!contactIds.length) return 0;
  const rows = await executor
    .delete(contactGroupMembers)
    .where(and(eq(contactGroupMembers.groupId, groupId), inArray(contactGroupMembers.contactId, [...contactIds])))
    .returning({ contactId: contactGroupMembers.contactId });
  return rows.length;
}

/**
 * A new group of an earlier campaign's recipients chosen by its results (lib/campaigns/audiences.ts):
 * numbers that are not contacts yet become contacts (number only), then all join the group, in one
 * transaction. Returns the group with its member count.
 */
export async function createGroupFromAudience(accountId: number, audience: Audience, rawName: string): Promise<ContactGroup> {
  const name = groupName(rawName);
  return db
    .transaction(async (tx) => {
      await reserveGroups(tx, accountId, 1);
      const [group] = await tx.insert(contactGroups).values({ accountId, name }).returning({ id: contactGroups.id });
      await tx.execute(sql`
        insert into contacts (account_id, phone)
        select ${accountId}, a.phone from (${audienceQuery(accountId, audience)}) a
        on conflict do nothing`);
      await tx.execute(sql`
        insert into contact_group_members (group_id, contact_id)
        select ${group.id}::uuid, c.id from (${audienceQuery(accountId, audience)}) a
          join contacts c on c.account_id = ${accountId} and c.phone = a.phone
        on conflict do nothing`);
      return (await getContactGroup(accountId, group.id, tx))!;
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('group_name_taken', { field: 'name', params: { name } });
      throw error;
    });
}
