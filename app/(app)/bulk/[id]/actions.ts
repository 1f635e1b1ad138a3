'use server';

import { revalidatePath } from 'next/cache';
import { getLocale, getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { requestIp } from '@/lib/audit/request-ip';
import { controlCampaign } from '@/lib/campaigns';
import { AppError } from '@/lib/errors';
import { userAction } from '@/lib/gates/action';
import { formatPoints } from '@/lib/messaging/pricing';
import { idSchema } from '@/lib/validation';

const controlSchema = z.strictObject({ id: idSchema, action: z.enum(['pause', 'resume', 'stop']) });

export type ControlInput = z.input<typeof controlSchema>;

/** Pause, resume or stop one of the signed-in account's campaigns; says what happened. */
export const changeCampaign = userAction(controlSchema, async ({ id, action }, user) => {
  const result = await controlCampaign(action, user.account.id, id, user.id, await requestIp());
  // The campaign page and, after a stop, the balance in the header.
  revalidatePath('/', 'layout');
  if (!result.ok) {
    if (result.reason === 'not_found') throw new AppError('campaign_not_found');
    throw new AppError('campaign_invalid_state', { params: { status: result.status ?? '' } });
  }
  const t = await getTranslations('campaign.control');
  if (result.status === 'paused') return { message: t('paused') };
  if (result.status === 'sending' || result.status === 'scheduled') return { message: t('resumed') };
  return { message: t('stopped', { points: formatPoints(result.refunded, await getLocale()) }) };
});
