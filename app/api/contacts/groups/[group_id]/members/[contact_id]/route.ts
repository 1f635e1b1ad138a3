import { addMemberApi, removeMemberApi } from '@/lib/api/contact-operations';
import { contactJsonOf } from '@/lib/contacts/api';
import { getContact } from '@/lib/contacts/contacts';
import { listContactFields } from '@/lib/contacts/fields';
import { addToGroup, getContactGroup, removeFromGroup } from '@/lib/contacts/groups';
import { AppError } from '@/lib/errors';
import { withApiToken } from '@/lib/gates/api';

/** The account's group and contact the path names (another account's: 404). */
async function member(accountId: number, groupId: string, contactId: string) {
  if (!(await getContactGroup(accountId, groupId))) throw new AppError('contact_group_not_found');
  if (!(await getContact(accountId, contactId))) throw new AppError('contact_not_found');
}

// PUT /api/contacts/groups/GROUP_ID/members/CONTACT_ID: the contact joins the group.
export const PUT = withApiToken(addMemberApi, async ({ principal, params }) => {
  await member(principal.accountId, params.group_id, params.contact_id);
  await addToGroup(principal.accountId, params.group_id, [params.contact_id]);
  return contactJsonOf((await getContact(principal.accountId, params.contact_id))!, await listContactFields(principal.accountId));
});

// DELETE /api/contacts/groups/GROUP_ID/members/CONTACT_ID: the contact leaves the group.
export const DELETE = withApiToken(removeMemberApi, async ({ principal, params }) => {
  await member(principal.accountId, params.group_id, params.contact_id);
  await removeFromGroup(principal.accountId, params.group_id, [params.contact_id]);
  return contactJsonOf((await getContact(principal.accountId, params.contact_id))!, await listContactFields(principal.accountId));
});
