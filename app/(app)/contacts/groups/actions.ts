'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createContactGroup, deleteContactGroup, renameContactGroup } from '@/lib/contacts/groups';
import { MAX_NAME_LENGTH } from '@/lib/contacts/limits';
import { userAction, userFormAction } from '@/lib/gates/action';
import { idSchema } from '@/lib/validation';

// The name is checked by lib/contacts (its own codes); this only bounds the request.
const name = z.string().max(MAX_NAME_LENGTH * 2);

export const createGroup = userFormAction(z.strictObject({ name }), async (input, user) => {
  const group = await createContactGroup(user.account.id, input.name);
  revalidatePath('/contacts', 'layout');
  return { id: group.id };
});

export const renameGroup = userAction(z.strictObject({ id: idSchema, name }), async (input, user) => {
  await renameContactGroup(user.account.id, input.id, input.name);
  revalidatePath('/contacts', 'layout');
  return {};
});

/** Deletes the group; its contacts stay. */
export const deleteGroup = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  await deleteContactGroup(user.account.id, id);
  revalidatePath('/contacts', 'layout');
  return {};
});
