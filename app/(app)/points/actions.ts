'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { actorOf } from '@/lib/audit/request-ip';
import { userFormAction } from '@/lib/gates/action';
import { parseThreshold, setLowBalanceThreshold } from '@/lib/points/low-balance';

// The low-balance threshold in points as typed ("12,5" or "12.5"); empty turns the warning off.
const thresholdSchema = z.strictObject({ threshold: z.string().max(24, { error: 'threshold_invalid' }) });

export const saveLowBalanceThreshold = userFormAction(
  thresholdSchema,
  async ({ threshold }, user) => {
    await setLowBalanceThreshold(user.account.id, parseThreshold(threshold), await actorOf(user));
    revalidatePath('/points');
    return {};
  },
  { roles: ['owner'] },
);
