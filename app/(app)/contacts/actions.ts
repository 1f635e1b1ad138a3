'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { contactPhones, createContact, deleteContacts, ownsContacts, updateContact } from '@/lib/contacts/contacts';
import { addToGroup, removeFromGroup } from '@/lib/contacts/groups';
import { MAX_EMAIL_LENGTH, MAX_FIELD_VALUE_LENGTH, MAX_NAME_LENGTH, MAX_OPT_OUT_REASON_LENGTH, MAX_SELECTED } from '@/lib/contacts/limits';
import { optOutNumbers, optOutReason } from '@/lib/contacts/opt-outs';
import { AppError } from '@/lib/errors';
import { userAction } from '@/lib/gates/action';
import { MAX_GROUPS } from '@/lib/messaging/limits';
import { idSchema } from '@/lib/validation';

// Lengths are checked again, with their own codes, by lib/contacts/values.ts: these bounds only
// keep a request from carrying more than any form can.
const contactSchema = z.strictObject({
  id: idSchema.optional(),
  phone: z.string().max(40),
  firstName: z.string().max(MAX_NAME_LENGTH * 2),
  lastName: z.string().max(MAX_NAME_LENGTH * 2),
  email: z.string().max(MAX_EMAIL_LENGTH * 2),
  fields: z.record(idSchema, z.string().max(MAX_FIELD_VALUE_LENGTH * 2)),
  groupIds: z.array(idSchema).max(MAX_GROUPS),
  optedOut: z.boolean(),
  optOutReason: z.string().max(MAX_OPT_OUT_REASON_LENGTH * 2),
});

/** Adds a contact, or changes one (its id given), then goes back to the table. */
export const saveContact = userAction(contactSchema, async ({ id, ...input }, user) => {
  const account = { id: user.account.id, country: user.account.country };
  const by = { userId: user.id, source: 'portal' as const };
  const contact = id ? await updateContact(account, id, input, by) : await createContact(account, input, by);
  revalidatePath('/contacts');
  redirect(`/contacts?saved=${contact.id}`);
});

const selection = z.array(idSchema).min(1).max(MAX_SELECTED);

/** A bulk action names the account's own contacts only: another account's id is not_found. */
async function own(accountId: number, ids: string[]): Promise<void> {
  if (!(await ownsContacts(accountId, ids))) throw new AppError('not_found', { field: 'ids' });
}

export const removeContacts = userAction(z.strictObject({ ids: selection }), async ({ ids }, user) => {
  await own(user.account.id, ids);
  const deleted = await deleteContacts(user.account.id, ids);
  revalidatePath('/contacts');
  return { count: deleted };
});

export const changeMembers = userAction(
  z.strictObject({ ids: selection, groupId: idSchema, change: z.enum(['add', 'remove']) }),
  async ({ ids, groupId, change }, user) => {
    await own(user.account.id, ids);
    const count = change === 'add' ? await addToGroup(user.account.id, groupId, ids) : await removeFromGroup(user.account.id, groupId, ids);
    revalidatePath('/contacts');
    return { count };
  },
);

export const optOutContacts = userAction(
  z.strictObject({ ids: selection, reason: z.string().max(MAX_OPT_OUT_REASON_LENGTH * 2) }),
  async ({ ids, reason }, user) => {
    await own(user.account.id, ids);
    const phones = await contactPhones(user.account.id, ids);
    const count = await optOutNumbers(user.account.id, phones, { reason: optOutReason(reason), source: 'portal', userId: user.id });
    revalidatePath('/contacts');
    return { count };
  },
);
