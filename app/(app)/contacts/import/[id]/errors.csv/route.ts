import { importErrorsCsvResponse } from '@/lib/contacts/import/errors';
import { withUser } from '@/lib/gates/route';
import { resolveLocale } from '@/lib/i18n/locale';

// GET /contacts/import/ID/errors.csv: every line the import refused, with why, in the user's language.
export const GET = withUser<{ id: string }>(async (request, { user, params }) =>
  importErrorsCsvResponse(user.account.id, params.id, resolveLocale(user.language, request.headers.get('accept-language'))),
);
