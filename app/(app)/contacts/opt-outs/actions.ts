'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { MAX_OPT_OUT_REASON_LENGTH, MAX_OPT_OUTS_PER_CALL } from '@/lib/contacts/limits';
import { optOutList, removeOptOutById } from '@/lib/contacts/opt-outs';
import { userAction, userFormAction } from '@/lib/gates/action';

/** Opts out the numbers typed or pasted (any separator), with why; the ones that are no numbers come back. */
export const addOptOuts = userFormAction(
  z.strictObject({ numbers: z.string().max(MAX_OPT_OUTS_PER_CALL * 42), reason: z.string().max(MAX_OPT_OUT_REASON_LENGTH * 2) }),
  async ({ numbers, reason }, user) => {
    const result = await optOutList(user.account, numbers, { reason, source: 'portal', userId: user.id });
    revalidatePath('/contacts', 'layout');
    return result;
  },
);

export const removeOptOut = userAction(z.strictObject({ id: z.int().positive() }), async ({ id }, user) => {
  await removeOptOutById(user.account.id, id);
  revalidatePath('/contacts', 'layout');
  return {};
});
