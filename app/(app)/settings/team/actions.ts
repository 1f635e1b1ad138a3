'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { USER_ROLES } from '@/lib/accounts';
import { actorOf } from '@/lib/audit/request-ip';
import { userAction, userFormAction } from '@/lib/gates/action';
import { addTeamUser, addTeamUserSchema, changeRole, setMemberDisabled } from '@/lib/team';

const OWNERS = { roles: ['owner'] } as const;
const userId = z.coerce.number().int().positive();

export const addUser = userFormAction(
  addTeamUserSchema,
  async (input, user) => {
    await addTeamUser(user.account.id, input, await actorOf(user));
    revalidatePath('/settings/team');
    return {};
  },
  OWNERS,
);

export const saveRole = userFormAction(
  z.strictObject({ userId, role: z.enum(USER_ROLES) }),
  async ({ userId, role }, user) => {
    await changeRole(user.account.id, userId, role, await actorOf(user));
    revalidatePath('/settings/team');
    return {};
  },
  OWNERS,
);

export const setDisabled = userAction(
  z.strictObject({ userId, disabled: z.boolean() }),
  async ({ userId, disabled }, user) => {
    await setMemberDisabled(user.account.id, userId, disabled, await actorOf(user));
    revalidatePath('/settings/team');
    return {};
  },
  OWNERS,
);
