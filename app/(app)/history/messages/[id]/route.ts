import { getFormatter, getTranslations } from 'next-intl/server';
import { messageDetailItems, statusLabel } from '@/app/_components/message-details';
import { AppError } from '@/lib/errors';
import { withUser } from '@/lib/gates/route';
import { getMessage } from '@/lib/history/query';
import { DATE_TIME } from '@/lib/i18n/formats';

export const dynamic = 'force-dynamic';

// GET /history/messages/ID: one of the account's messages' details (the "i" of the history and
// campaign tables), in the user's language. No session: 401; another account's message or a
// malformed id: 404.
export const GET = withUser<{ id: string }>(async (_request, { user, params }) => {
  const message = /^[1-9]\d{0,15}$/.test(params.id) ? await getMessage(user.account.id, Number(params.id)) : null;
  if (!message) throw new AppError('not_found');
  const [d, st, format] = await Promise.all([getTranslations('history.details'), getTranslations('statuses'), getFormatter()]);
  const items = messageDetailItems(message, (label) => d(label), statusLabel((key) => st(key), message.status), (date) => format.dateTime(date, DATE_TIME));
  return Response.json({ items }, { headers: { 'cache-control': 'private, no-store' } });
});
