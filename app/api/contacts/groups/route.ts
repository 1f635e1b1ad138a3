import { createGroupApi, listGroupsApi } from '@/lib/api/contact-operations';
import { groupJsonOf } from '@/lib/contacts/api';
import { createContactGroup, listContactGroups } from '@/lib/contacts/groups';
import { withApiToken } from '@/lib/gates/api';

// GET /api/contacts/groups
export const GET = withApiToken(listGroupsApi, async ({ principal }) => {
  const groups = await listContactGroups(principal.accountId);
  return { size: groups.length, collection: groups.map(groupJsonOf) };
});

// POST /api/contacts/groups: a new group.
export const POST = withApiToken(createGroupApi, async ({ principal, input }) => groupJsonOf(await createContactGroup(principal.accountId, input.name)));
