'use server';

import { revalidatePath } from 'next/cache';
import { getLocale, getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { requireUser } from '@/lib/auth';
import { controlCampaign } from '@/lib/campaigns';
import { formatPoints } from '@/lib/messaging/pricing';

const controlSchema = z.strictObject({ id: z.uuid(), action: z.enum(['pause', 'resume', 'stop']) });

export type ControlInput = z.input<typeof controlSchema>;
export type ControlState = { ok: boolean; message: string };

const STATUSES = ['scheduled', 'sending', 'paused', 'completed', 'stopped'] as const;

/** Pause, resume or stop one of the signed-in account's campaigns. */
export async function changeCampaign(raw: ControlInput): Promise<ControlState> {
  const user = await requireUser();
  const t = await getTranslations('campaign');
  const parsed = controlSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: t('control.notFound') };
  const { id, action } = parsed.data;
  let result: Awaited<ReturnType<typeof controlCampaign>>;
  try {
    result = await controlCampaign(action, user.account.id, id, user.id);
  } catch (error) {
    console.error(`campaign ${action} failed`, error);
    return { ok: false, message: t('control.failed') };
  }
  // The campaign page and, after a stop, the balance in the header.
  revalidatePath('/', 'layout');
  if (!result.ok) {
    if (result.reason === 'not_found') return { ok: false, message: t('control.notFound') };
    const status = STATUSES.find((s) => s === result.status);
    return { ok: false, message: t('control.invalidState', { status: status ? t(`status.${status}`) : (result.status ?? '') }) };
  }
  if (result.status === 'paused') return { ok: true, message: t('control.paused') };
  if (result.status === 'sending' || result.status === 'scheduled') return { ok: true, message: t('control.resumed') };
  return { ok: true, message: t('control.stopped', { points: formatPoints(result.refunded, await getLocale()) }) };
}
