import { addBlacklistApi, listBlacklistApi, removeBlacklistApi } from '@/lib/api/contact-operations';
import { apiAccount, optOutJsonOf } from '@/lib/contacts/api';
import { parseSearch } from '@/lib/contacts/filters';
import { getOptOut, listOptOuts, optOutNumbers, optOutReason, removeOptOuts } from '@/lib/contacts/opt-outs';
import { checkPhone } from '@/lib/contacts/values';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';

/** The number a request names, normalised for the account's country. */
async function phoneOf(accountId: number, raw: string): Promise<string> {
  const phone = checkPhone(raw, (await apiAccount(accountId)).country);
  if (!phone.ok) throw new AppError(phone.code, { field: 'phone_number' });
  return phone.value;
}

// GET /api/blacklist/phone_numbers?phone_number=…&limit=…&cursor=…
export const GET = withApiToken(listBlacklistApi, async ({ principal, input }) => {
  const search = input.phone_number ? parseSearch(input.phone_number, (await apiAccount(principal.accountId)).country) : null;
  if (input.phone_number && (search === null || search === 'invalid' || search.kind !== 'number')) {
    throw new AppError('invalid_value', { field: 'phone_number', params: { detail: 'not the beginning of a number' } });
  }
  const page = await listOptOuts(principal.accountId, { prefix: search && search !== 'invalid' && search.kind === 'number' ? search.prefix : null, cursor: input.cursor, limit: input.limit ?? 50 });
  return { size: page.rows.length, collection: page.rows.map(optOutJsonOf), next_cursor: page.nextCursor };
});

// POST /api/blacklist/phone_numbers: the number is never sent to again.
export const POST = withApiToken(addBlacklistApi, async ({ principal, input }) => {
  const phone = await phoneOf(principal.accountId, input.phone_number);
  await optOutNumbers(principal.accountId, [phone], { reason: optOutReason(input.reason), source: 'api', userId: principal.userId });
  return optOutJsonOf((await getOptOut(principal.accountId, phone))!);
});

// DELETE /api/blacklist/phone_numbers?phone_number=…: the number may be sent to again.
export const DELETE = withApiToken(removeBlacklistApi, async ({ principal, input }) => {
  const phone = await phoneOf(principal.accountId, input.phone_number);
  if (!(await removeOptOuts(principal.accountId, [phone]))) throw new AppError('opt_out_not_found');
  return { phone_number: phone.replace(/^\+/, ''), removed: true as const };
});
