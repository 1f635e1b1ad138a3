'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { requestIp } from '@/lib/audit/request-ip';
import { controlCampaign, getCampaignProgress } from '@/lib/campaigns';
import { AUDIENCE_SEGMENTS } from '@/lib/campaigns/audiences';
import { previewResend, resendCampaign } from '@/lib/campaigns/resend';
import { createGroupFromAudience } from '@/lib/contacts/groups';
import { MAX_NAME_LENGTH } from '@/lib/contacts/limits';
import { MAX_CONTENT_CHARS, MAX_SENDER_LENGTH } from '@/lib/messaging/limits';
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

const resendSchema = z.strictObject({
  id: idSchema,
  sender: z.string().trim().min(1, { error: 'sender_not_allowed' }).max(MAX_SENDER_LENGTH, { error: 'sender_not_allowed' }),
  content: z.string().max(MAX_CONTENT_CHARS, { error: 'message_too_long' }),
});

export type ResendInput = z.input<typeof resendSchema>;

/** Who a follow-up would reach and what it would cost, with the sender and text as edited; writes nothing. */
export const previewCampaignResend = userAction(resendSchema, async ({ id, sender, content }, user) => {
  const preview = await previewResend(user.account.id, id, { sender, content });
  return { ...preview, balance: user.account.balance };
});

/** Makes the follow-up (or finds the one made before) and goes to its page. */
export const resendToUndelivered = userAction(resendSchema, async ({ id, sender, content }, user) => {
  const result = await resendCampaign(user.account.id, id, { userId: user.id, ip: await requestIp() }, { edits: { sender, content } });
  revalidatePath('/', 'layout');
  redirect(`/bulk/${result.campaignId}`);
});

const audienceSchema = z.strictObject({
  id: idSchema,
  segment: z.enum(AUDIENCE_SEGMENTS),
  name: z.string().max(MAX_NAME_LENGTH * 2),
});

/** A new contact group of the campaign's recipients in one result segment. */
export const saveAudienceAsGroup = userAction(audienceSchema, async ({ id, segment, name }, user) => {
  if (!(await getCampaignProgress(user.account.id, id))) throw new AppError('campaign_not_found');
  const group = await createGroupFromAudience(user.account.id, { campaignId: id, segment }, name);
  revalidatePath('/contacts', 'layout');
  const t = await getTranslations('campaign.audiences');
  return { message: t('saved', { name: group.name, count: group.members }), groupId: group.id };
});
