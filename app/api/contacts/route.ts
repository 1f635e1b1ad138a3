import { createContactApi, listContactsApi } from '@/lib/api/contact-operations';
import { apiAccount, contactInputOf, contactJsonOf } from '@/lib/contacts/api';
import { createContact } from '@/lib/contacts/contacts';
import { listContactFields } from '@/lib/contacts/fields';
import { decodeContactCursor, defaultContactFilters, parseSearch } from '@/lib/contacts/filters';
import { listContacts } from '@/lib/contacts/list';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';

// GET /api/contacts?phone_number=…&name=…&group_id=…&opted_out=…&limit=…&cursor=…
export const GET = withApiToken(listContactsApi, async ({ principal, input }) => {
  const { country } = await apiAccount(principal.accountId);
  const search = input.phone_number ? parseSearch(input.phone_number, country) : input.name ? parseSearch(input.name, country) : null;
  if (search === 'invalid' || (input.phone_number && search?.kind !== 'number')) throw new AppError('invalid_value', { field: 'phone_number', params: { detail: 'not the beginning of a number' } });
  const cursor = input.cursor ? decodeContactCursor(input.cursor) : null;
  if (input.cursor && !cursor) throw new AppError('invalid_cursor', { field: 'cursor' });
  const filters = defaultContactFilters({ search, groupId: input.group_id ?? null, optedOut: input.opted_out ?? null, cursor });
  const [page, fields] = await Promise.all([listContacts(principal.accountId, { ...filters, pageSize: (input.limit ?? filters.pageSize) as typeof filters.pageSize }), listContactFields(principal.accountId)]);
  return { size: page.rows.length, collection: page.rows.map((row) => contactJsonOf(row, fields)), next_cursor: page.olderCursor };
});

// POST /api/contacts: a new contact.
export const POST = withApiToken(createContactApi, async ({ principal, input }) => {
  const fields = await listContactFields(principal.accountId);
  const contact = await createContact(await apiAccount(principal.accountId), contactInputOf(input, fields), { userId: principal.userId, source: 'api' });
  return contactJsonOf(contact, fields);
});
