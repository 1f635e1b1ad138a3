'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { setAccountTimeZone, setUserLanguage, timeZoneSchema } from '@/lib/accounts';
import { requireUser } from '@/lib/auth';
import { createApiToken, revokeApiToken } from '@/lib/auth/api-tokens';

export type SettingsState = { status?: 'saved' | 'invalid' | 'forbidden'; token?: string };

export async function saveLanguage(_prev: SettingsState, formData: FormData): Promise<SettingsState> {
  const user = await requireUser();
  const parsed = z.object({ language: z.enum(['auto', 'en', 'bg']) }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  await setUserLanguage(user.id, parsed.data.language === 'auto' ? null : parsed.data.language);
  revalidatePath('/', 'layout');
  return { status: 'saved' };
}

export async function saveTimeZone(_prev: SettingsState, formData: FormData): Promise<SettingsState> {
  const user = await requireUser();
  const parsed = z.object({ timeZone: timeZoneSchema }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  if (user.role !== 'owner') return { status: 'forbidden' };
  await setAccountTimeZone(user.account.id, parsed.data.timeZone);
  revalidatePath('/', 'layout');
  return { status: 'saved' };
}

export async function createToken(_prev: SettingsState, formData: FormData): Promise<SettingsState> {
  const user = await requireUser();
  const parsed = z.object({ name: z.string().trim().min(1).max(60) }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  const { token } = await createApiToken({ accountId: user.account.id, userId: user.id, name: parsed.data.name });
  revalidatePath('/settings');
  return { status: 'saved', token };
}

export async function revokeToken(_prev: SettingsState, formData: FormData): Promise<SettingsState> {
  const user = await requireUser();
  const parsed = z.object({ id: z.uuid() }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'invalid' };
  const revoked = await revokeApiToken(user.account.id, parsed.data.id, user.role === 'owner' ? null : user.id);
  if (!revoked) return { status: 'invalid' };
  revalidatePath('/settings');
  return { status: 'saved' };
}
