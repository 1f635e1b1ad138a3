import { contactsCsvResponse } from '@/lib/contacts/export';
import { listContactFields } from '@/lib/contacts/fields';
import { parseContactFilters } from '@/lib/contacts/filters';
import { AppError } from '@/lib/errors';
import { withUser } from '@/lib/gates/route';

// GET /contacts/export.csv?q=…&group=…&optedOut=…: the contacts the table's filter shows, as CSV.
export const GET = withUser(async (request, { user }) => {
  const parsed = parseContactFilters(new URL(request.url).searchParams, user.account.country);
  if (!parsed.ok) throw new AppError('invalid_value', { params: { detail: parsed.errors[0].field } });
  return contactsCsvResponse(user.account, parsed.filters, await listContactFields(user.account.id));
});
