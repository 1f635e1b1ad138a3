'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { setAccountTimeZone, setUserLanguage, timeZoneSchema } from '@/lib/accounts';
import { createApiToken, revokeApiToken } from '@/lib/auth/api-tokens';
import { AppError } from '@/lib/errors';
import { userFormAction } from '@/lib/gates/action';
import { idSchema, textSchema } from '@/lib/validation';

export const saveLanguage = userFormAction(z.strictObject({ language: z.enum(['auto', 'en', 'bg']) }), async ({ language }, user) => {
  await setUserLanguage(user.id, language === 'auto' ? null : language);
  revalidatePath('/', 'layout');
  return {};
});

export const saveTimeZone = userFormAction(
  z.strictObject({ timeZone: timeZoneSchema }),
  async ({ timeZone }, user) => {
    await setAccountTimeZone(user.account.id, timeZone);
    revalidatePath('/', 'layout');
    return {};
  },
  { roles: ['owner'] },
);

export const createToken = userFormAction(z.strictObject({ name: textSchema(60) }), async ({ name }, user) => {
  const { token } = await createApiToken({ accountId: user.account.id, userId: user.id, name });
  revalidatePath('/settings');
  return { token };
});

export const revokeToken = userFormAction(z.strictObject({ id: idSchema }), async ({ id }, user) => {
  const revoked = await revokeApiToken(user.account.id, id, user.role === 'owner' ? null : user.id);
  if (!revoked) throw new AppError('not_found');
  revalidatePath('/settings');
  return {};
});
