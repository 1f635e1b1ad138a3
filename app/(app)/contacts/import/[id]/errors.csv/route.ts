import { auditDownload } from '@/lib/audit/record';
import { clientIp } from '@/lib/auth/client-ip';
import { importErrorsCsvResponse } from '@/lib/contacts/import/errors';
import { withUser } from '@/lib/gates/route';
import { resolveLocale } from '@/lib/i18n/locale';

// GET /contacts/import/ID/errors.csv: every line the import refused, with why, in the user's language.
export const GET = withUser<{ id: string }>(async (request, { user, params }) => {
  const response = await importErrorsCsvResponse(user.account.id, params.id, resolveLocale(user.language, request.headers.get('accept-language')));
  // Served, so the import is the account's (a refused one threw); its rows are read as the client reads.
  await auditDownload({ accountId: user.account.id, userId: user.id, ip: clientIp(request.headers), file: 'import-errors.csv', details: { importId: params.id } });
  return response;
});
