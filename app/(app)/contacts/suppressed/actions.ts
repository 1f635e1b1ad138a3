'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requestIp } from '@/lib/audit/request-ip';
import { releaseSuppressed, setSuppressAfter, SUPPRESS_AFTER } from '@/lib/contacts/suppressions';
import { AppError } from '@/lib/errors';
import { userAction, userFormAction } from '@/lib/gates/action';

/** Lets a suppressed number be sent to again. */
export const releaseNumber = userAction(z.strictObject({ phone: z.string().regex(/^\+\d{1,15}$/, { error: 'suppressed_not_found' }) }), async ({ phone }, user) => {
  await releaseSuppressed(user.account.id, phone, { userId: user.id, ip: await requestIp() }).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'not_found' ? new AppError('suppressed_not_found') : error;
  });
  revalidatePath('/contacts', 'layout');
  return {};
});

/** After how many permanent failures in a row a number is suppressed ('off': never). Owners only. */
export const changeSuppressAfter = userFormAction(
  z.strictObject({ after: z.union([z.literal('off'), z.coerce.number().int().min(SUPPRESS_AFTER.min).max(SUPPRESS_AFTER.max)]) }),
  async ({ after }, user) => {
    await setSuppressAfter(user.account.id, after === 'off' ? null : after, { userId: user.id, ip: await requestIp() });
    revalidatePath('/contacts', 'layout');
    return {};
  },
  { roles: ['owner'] },
);
