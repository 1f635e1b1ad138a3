'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { setAccountTimeZone, setUserLanguage, timeZoneSchema } from '@/lib/accounts';
import { actorOf, requestIp } from '@/lib/audit/request-ip';
import { createApiToken, deleteRevokedApiToken, revokeApiToken } from '@/lib/auth/api-tokens';
import { AppError } from '@/lib/errors';
import { EVERY_ROLE, userAction, userFormAction } from '@/lib/gates/action';
import { idSchema, textSchema } from '@/lib/validation';

export const saveLanguage = userFormAction(z.strictObject({ language: z.enum(['auto', 'en', 'bg']) }), async ({ language }, user) => {
  await setUserLanguage(user.id, language === 'auto' ? null : language, await requestIp());
  revalidatePath('/', 'layout');
  return {};
}, { roles: EVERY_ROLE });

export const saveTimeZone = userFormAction(
  z.strictObject({ timeZone: timeZoneSchema }),
  async ({ timeZone }, user) => {
    await setAccountTimeZone(user.account.id, timeZone, await actorOf(user));
    revalidatePath('/', 'layout');
    return {};
  },
  { roles: ['owner'] },
);

export const createToken = userFormAction(z.strictObject({ name: textSchema(60) }), async ({ name }, user) => {
  const { token } = await createApiToken({ accountId: user.account.id, userId: user.id, name, ip: await requestIp() });
  revalidatePath('/settings');
  return { token };
});

// A member revokes and deletes only their own tokens; the owner any of the account's.
const tokenOwner = (user: { id: number; role: string }) => (user.role === 'owner' ? null : user.id);

export const revokeToken = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  if (!(await revokeApiToken(user.account.id, id, tokenOwner(user), await actorOf(user)))) throw new AppError('not_found');
  revalidatePath('/settings');
  return {};
});

/** A revoked token is only history: it can be deleted from the list. */
export const deleteToken = userAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  if (!(await deleteRevokedApiToken(user.account.id, id, tokenOwner(user), await actorOf(user)))) throw new AppError('not_found');
  revalidatePath('/settings');
  return {};
});
