'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { contactFieldType } from '@/db/schema';
import { createContactField, deleteContactField, renameContactField } from '@/lib/contacts/fields';
import { MAX_FIELD_NAME_LENGTH } from '@/lib/contacts/limits';
import { userAction, userFormAction } from '@/lib/gates/action';
import { idSchema } from '@/lib/validation';

// The name is checked by lib/contacts (its own codes); this only bounds the request.
const name = z.string().max(MAX_FIELD_NAME_LENGTH * 2);

export const createField = userFormAction(z.strictObject({ name, type: z.enum(contactFieldType.enumValues) }), async (input, user) => {
  const field = await createContactField(user.account.id, input);
  revalidatePath('/contacts', 'layout');
  return { id: field.id };
});

export const renameField = userAction(z.strictObject({ id: idSchema, name }), async (input, user) => {
  await renameContactField(user.account.id, input.id, input.name);
  revalidatePath('/contacts', 'layout');
  return {};
});

/** Deletes the field; its values go from the contacts in the background. */
export const deleteField = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  await deleteContactField(user.account.id, id);
  revalidatePath('/contacts', 'layout');
  return {};
});
