import { auditDownload } from '@/lib/audit/record';
import { clientIp } from '@/lib/auth/client-ip';
import { contactsCsvResponse } from '@/lib/contacts/export';
import { listContactFields } from '@/lib/contacts/fields';
import { parseContactFilters } from '@/lib/contacts/filters';
import { AppError } from '@/lib/errors';
import { withUser } from '@/lib/gates/route';

// GET /contacts/export.csv?q=…&group=…&optedOut=…: the contacts the table's filter shows, as CSV.
export const GET = withUser(async (request, { user }) => {
  const { searchParams } = new URL(request.url);
  const parsed = parseContactFilters(searchParams, user.account.country);
  if (!parsed.ok) throw new AppError('invalid_value', { params: { detail: parsed.errors[0].field } });
  const response = contactsCsvResponse(user.account, parsed.filters, await listContactFields(user.account.id));
  // The file's rows are read as the client reads it: the entry keeps the filter that chose them.
  const filter = searchParams.toString().slice(0, 500);
  await auditDownload({ accountId: user.account.id, userId: user.id, ip: clientIp(request.headers), file: 'contacts.csv', details: { filter } });
  return response;
});
