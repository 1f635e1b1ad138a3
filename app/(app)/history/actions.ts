'use server';

import { revalidatePath } from 'next/cache';
import { getLocale } from 'next-intl/server';
import { z } from 'zod';
import { requestIp } from '@/lib/audit/request-ip';
import { AppError } from '@/lib/errors';
import { EVERY_ROLE, userAction, userFormAction } from '@/lib/gates/action';
import { isLocale } from '@/lib/i18n/locale';
import { exportHistoryView } from '@/lib/views/export';
import { deleteView, saveView, VIEW_PAGES, viewOwner } from '@/lib/views/views';

// Saved views are the user's own, of History and of Contacts (both pages use these two); a viewer keeps theirs too.
const PATHS = { history: '/history', contacts: '/contacts' } as const;

export const saveCurrentView = userFormAction(
  z.strictObject({ page: z.enum(VIEW_PAGES), name: z.string().max(200), query: z.string().max(2000) }),
  async (input, user) => {
    const view = await saveView(viewOwner(user), input);
    revalidatePath(PATHS[input.page]);
    return { replaced: view.replaced };
  },
  { roles: EVERY_ROLE },
);

export const deleteSavedView = userAction(
  z.strictObject({ id: z.string().max(100), page: z.enum(VIEW_PAGES) }),
  async ({ id, page }, user) => {
    if (!(await deleteView(viewOwner(user), id))) throw new AppError('not_found');
    revalidatePath(PATHS[page]);
    return {};
  },
  { roles: EVERY_ROLE },
);

/** "Export this view": owners and members (a viewer downloads what others made). */
export const exportCurrentView = userFormAction(
  z.strictObject({ query: z.string().max(2000), name: z.string().max(200), timeZone: z.string().max(100), emails: z.string().max(2000) }),
  async ({ emails, ...input }, user) => {
    const locale = await getLocale();
    const { runId } = await exportHistoryView(
      user,
      { ...input, emails: emails.split(/[\s,;]+/).filter(Boolean) },
      { language: isLocale(locale) ? locale : undefined, ip: await requestIp() },
    );
    revalidatePath('/reports');
    return { runId };
  },
);
