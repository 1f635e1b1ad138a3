import { deleteContactApi, getContactApi, updateContactApi } from '@/lib/api/contact-operations';
import { apiAccount, contactInputOf, contactJsonOf } from '@/lib/contacts/api';
import { deleteContacts, getContact, updateContact } from '@/lib/contacts/contacts';
import { listContactFields } from '@/lib/contacts/fields';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';

// GET /api/contacts/ID (another account's contact: 404, error 301)
export const GET = withApiToken(getContactApi, async ({ principal, params }) => {
  const contact = await getContact(principal.accountId, params.id);
  if (!contact) throw new AppError('contact_not_found');
  return contactJsonOf(contact, await listContactFields(principal.accountId));
});

// PUT /api/contacts/ID: the values given change, the others stay.
export const PUT = withApiToken(updateContactApi, async ({ principal, params, input }) => {
  if (!(await getContact(principal.accountId, params.id))) throw new AppError('contact_not_found');
  const fields = await listContactFields(principal.accountId);
  const contact = await updateContact(await apiAccount(principal.accountId), params.id, contactInputOf(input, fields), { userId: principal.userId, source: 'api' });
  return contactJsonOf(contact, fields);
});

// DELETE /api/contacts/ID
export const DELETE = withApiToken(deleteContactApi, async ({ principal, params }) => {
  if (!(await deleteContacts(principal.accountId, [params.id]))) throw new AppError('contact_not_found');
  return { id: params.id, deleted: true as const };
});
