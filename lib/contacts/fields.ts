import { and, asc, count, eq, sql } from 'drizzle-orm';
import { db, type Executor } from '@/db';
import { contactFields } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { enqueue } from '@/lib/jobs';
import { MAX_CONTACT_FIELDS } from './limits';
import { checkFieldName, type FieldType } from './values';

export type ContactField = { id: string; name: string; type: FieldType };

// Two requests adding fields at once must not pass the limit together.
const FIELDS_LOCK = 7246101;

/** The account's custom fields, oldest first (the order of their columns everywhere). */
export function listContactFields(accountId: number, executor: Executor = db): Promise<ContactField[]> {
  return executor
    .select({ id: contactFields.id, name: contactFields.name, type: contactFields.type })
    .from(contactFields)
    .where(eq(contactFields.accountId, accountId))
    .orderBy(asc(contactFields.createdAt), asc(contactFields.id));
}

function fieldName(raw: string): string {
  const name = checkFieldName(raw);
  if (!name.ok) throw new AppError(name.code, { field: 'name' });
  return name.value;
}

const isNameTaken = (error: unknown) => (error as { cause?: { code?: string } })?.cause?.code === '23505' || (error as { code?: string })?.code === '23505';

export async function createContactField(accountId: number, input: { name: string; type: FieldType }): Promise<ContactField> {
  const name = fieldName(input.name);
  return db
    .transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FIELDS_LOCK}, ${accountId})`);
      const [{ n }] = await tx.select({ n: count() }).from(contactFields).where(eq(contactFields.accountId, accountId));
      if (n >= MAX_CONTACT_FIELDS) throw new AppError('too_many_fields', { params: { max: MAX_CONTACT_FIELDS } });
      const [field] = await tx
        .insert(contactFields)
        .values({ accountId, name, type: input.type })
        .returning({ id: contactFields.id, name: contactFields.name, type: contactFields.type });
      return field;
    })
    .catch((error: unknown) => {
      if (isNameTaken(error)) throw new AppError('field_name_taken', { field: 'name', params: { name } });
      throw error;
    });
}

/** A new name; the type stays (values already stored are of it). */
export async function renameContactField(accountId: number, id: string, rawName: string): Promise<void> {
  const name = fieldName(rawName);
  const rows = await db
    .update(contactFields)
    .set({ name })
    .where(and(eq(contactFields.id, id), eq(contactFields.accountId, accountId)))
    .returning({ id: contactFields.id })
    .catch((error: unknown) => {
      if (isNameTaken(error)) throw new AppError('field_name_taken', { field: 'name', params: { name } });
      throw error;
    });
  if (!rows.length) throw new AppError('not_found');
}

/** Deletes the field at once; its values go from the contacts in the background (contacts:drop-field). */
export async function deleteContactField(accountId: number, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .delete(contactFields)
      .where(and(eq(contactFields.id, id), eq(contactFields.accountId, accountId)))
      .returning({ id: contactFields.id });
    if (!rows.length) throw new AppError('not_found');
    await enqueue(tx, 'contacts:drop-field', { accountId, fieldId: id });
  });
}

const DROP_BATCH = 5_000;

/**
 * Removes a deleted field's values from the account's contacts, a batch at a time in keyset
 * order (no long lock on a million rows). Nothing reads a value whose field is gone meanwhile.
 */
export async function dropFieldValues(accountId: number, fieldId: string): Promise<void> {
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const [last]: { created_at: string | null; id: string | null; n: number }[] = await db.execute(sql`
      with batch as (
        select id, created_at from contacts
         where account_id = ${accountId}
           ${after ? sql`and (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
         order by created_at desc, id desc
         limit ${DROP_BATCH}),
      changed as (
        update contacts c set custom_fields = c.custom_fields - ${fieldId}::text
          from batch b where c.id = b.id and c.custom_fields ? ${fieldId}::text)
      select to_char(min(b.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
             (select id::text from batch order by created_at, id limit 1) as id, count(*)::int as n
        from batch b`);
    if (last.n < DROP_BATCH || !last.created_at || !last.id) return;
    after = { createdAt: last.created_at, id: last.id };
  }
}
