'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import type { ContactImportMapping } from '@/db/schema';
import { IMPORT_DELIMITERS, IMPORT_ENCODINGS } from '@/lib/contacts/import/rows';
import { appendImportChunk, deleteImport, queueImport, startImport } from '@/lib/contacts/import/upload';
import { IMPORT_CHUNK_BYTES, MAX_IMPORT_BYTES, MAX_IMPORT_COLUMNS, MAX_NAME_LENGTH } from '@/lib/contacts/limits';
import { AppError } from '@/lib/errors';
import { userAction, userFormAction } from '@/lib/gates/action';
import { idSchema, isUuid } from '@/lib/validation';

/** Step 1: an import for the file the user picked (its name and size); its slices follow. */
export const beginImport = userAction(
  z.strictObject({ name: z.string().max(1000), size: z.int().positive() }),
  async ({ name, size }, user) => ({ id: await startImport(user.account.id, user.id, { name, size }) }),
);

/** Step 2, once per slice of IMPORT_CHUNK_BYTES: stored as it comes (the server never holds the file). */
export const uploadImportChunk = userFormAction(
  z.strictObject({
    id: idSchema,
    seq: z.coerce.number().int().min(0).max(MAX_IMPORT_BYTES / IMPORT_CHUNK_BYTES),
    chunk: z.instanceof(Blob).refine((blob) => blob.size > 0 && blob.size <= IMPORT_CHUNK_BYTES, { error: 'import_chunk_out_of_order' }),
  }),
  async ({ id, seq, chunk }, user) => appendImportChunk(user.account.id, id, seq, new Uint8Array(await chunk.arrayBuffer())),
);

// A column's choice as the mapping form sends it: '' (skip), a kind, or field:<id>.
const column = z.string().transform((value, ctx): ContactImportMapping['columns'][number] => {
  if (value === '') return null;
  if (['phone', 'first_name', 'last_name', 'email', 'groups', 'opted_out'].includes(value)) return { kind: value as 'phone' };
  const fieldId = value.startsWith('field:') ? value.slice(6).toLowerCase() : '';
  if (isUuid(fieldId)) return { kind: 'field', fieldId };
  ctx.addIssue({ code: 'custom', message: 'unknown_field' });
  return z.NEVER;
});

/** Step 3: the columns mapped and the choices made; the import's job is queued. */
export const startContactImport = userAction(
  z.strictObject({
    id: idSchema,
    encoding: z.enum(IMPORT_ENCODINGS),
    delimiter: z.enum(IMPORT_DELIMITERS),
    hasHeader: z.boolean(),
    columns: z.array(column).max(MAX_IMPORT_COLUMNS),
    onDuplicate: z.enum(['update', 'skip']),
    groupId: idSchema.optional(),
    newGroupName: z.string().max(MAX_NAME_LENGTH * 2).optional(),
    optOutAll: z.boolean(),
  }),
  async ({ id, columns, ...choices }, user) => {
    if (choices.groupId && choices.newGroupName) throw new AppError('invalid_value', { field: 'groupId', params: { detail: 'one group' } });
    await queueImport(user.account.id, id, { ...choices, mapping: { columns } });
    revalidatePath(`/contacts/import/${id}`);
    redirect(`/contacts/import/${id}`);
  },
);

/** An import not started (or ended) goes, with its file and its list of bad lines. */
export const discardImport = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  await deleteImport(user.account.id, id);
  revalidatePath('/contacts/import');
  return {};
});
