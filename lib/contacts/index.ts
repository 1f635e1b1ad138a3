import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { contactGroupMembers, contactGroups } from '@/db/schema';

/** The account's contact groups by name, with how many contacts each holds. */
export function listContactGroups(accountId: number) {
  return db
    .select({ id: contactGroups.id, name: contactGroups.name, members: count(contactGroupMembers.contactId) })
    .from(contactGroups)
    .leftJoin(contactGroupMembers, eq(contactGroupMembers.groupId, contactGroups.id))
    .where(eq(contactGroups.accountId, accountId))
    .groupBy(contactGroups.id)
    .orderBy(asc(contactGroups.name));
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
