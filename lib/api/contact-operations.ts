import { z } from 'zod';
import { optOutSource } from '@/db/schema';
import type { ErrorCode } from '@/lib/errors';
import {
  CONTACT_PAGE_SIZES,
  MAX_EMAIL_LENGTH,
  MAX_FIELD_NAME_LENGTH,
  MAX_FIELD_VALUE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_OPT_OUT_REASON_LENGTH,
} from '@/lib/contacts/limits';
import { MAX_GROUPS, MAX_RECIPIENT_ENTRY_LENGTH } from '@/lib/messaging/limits';
import { idSchema } from '@/lib/validation';
import type { Operation } from './operations';

/**
 * The contacts and blacklist operations of the REST API, modelled on the provider's contacts API
 * (lists as { size, collection }, contacts with phone_number, first_name, last_name, email,
 * groups) and its blacklist (/blacklist/phone_numbers). Registered in ./operations.ts OPERATIONS,
 * so they are in the OpenAPI document, the docs page and the fuzz test like the others.
 */

const NO_PARAMETERS = z.strictObject({});
const EXAMPLE_CONTACT = '01936f2e-7b1a-7c3d-9e4f-5a6b7c8d9e0f';
const EXAMPLE_GROUP = '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/** 1/0, true/false, as form text or JSON. */
const flag = z
  .union([z.enum(['0', '1', 'true', 'false']), z.boolean(), z.literal([0, 1])])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

/** A group named in the input (not the path): anything but a uuid is a bad request, as an unknown group is. */
const groupId = z.uuid({ error: 'unknown_group' }).transform((id) => id.toLowerCase());
const limit = z.coerce.number().int().min(1).max(Math.max(...CONTACT_PAGE_SIZES));
const cursor = z.string().max(200);

// Values are checked by lib/contacts/values.ts with their own codes; these bounds keep a request small.
const contactFields = {
  first_name: z.string().max(MAX_NAME_LENGTH * 2),
  last_name: z.string().max(MAX_NAME_LENGTH * 2),
  email: z.string().max(MAX_EMAIL_LENGTH * 2),
  // One group id, or several (a form repeats the name).
  groups: z.union([groupId, z.array(groupId).max(MAX_GROUPS)]).transform((v) => (Array.isArray(v) ? v : [v])),
  custom_fields: z.record(z.string().max(MAX_FIELD_NAME_LENGTH * 2), z.string().max(MAX_FIELD_VALUE_LENGTH * 2)),
  opted_out: flag,
  opt_out_reason: z.string().max(MAX_OPT_OUT_REASON_LENGTH * 2),
};

const CONTACT_REFUSALS = [
  'contact_phone_required',
  'contact_phone_invalid',
  'contact_name_too_long',
  'email_invalid',
  'field_text_too_long',
  'field_number_invalid',
  'field_date_invalid',
  'unknown_field',
  'unknown_group',
  'contact_exists',
  'text_control',
  'text_too_long',
] as const satisfies readonly ErrorCode[];

// --- answers --------------------------------------------------------------------------------

const optOutJson = z.object({ id: z.int(), phone_number: z.string(), reason: z.string(), source: z.enum(optOutSource.enumValues), created_at: z.iso.datetime() });

export const contactJson = z.object({
  id: z.uuid(),
  phone_number: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  groups: z.array(z.object({ id: z.uuid(), name: z.string() })),
  /** by the custom field's name */
  custom_fields: z.record(z.string(), z.string()),
  opted_out: z.boolean(),
  date_created: z.iso.datetime(),
  date_updated: z.iso.datetime(),
});

const groupJson = z.object({ id: z.uuid(), name: z.string(), contacts_count: z.int(), date_created: z.iso.datetime() });
const page = <T extends z.ZodType>(item: T) => z.object({ size: z.int(), collection: z.array(item), next_cursor: z.string().nullable() });

// --- the operations -------------------------------------------------------------------------

export const listContactsApi = {
  id: 'listContacts',
  method: 'GET',
  path: '/api/contacts',
  tag: 'Contacts',
  params: NO_PARAMETERS,
  input: z.strictObject({
    phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH).optional(),
    name: z.string().max(100).optional(),
    group_id: groupId.optional(),
    opted_out: flag.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  }),
  refusals: ['invalid_cursor', 'unknown_group'],
  answer: { status: 200, schema: page(contactJson) },
  example: { input: { phone_number: '0888 12', limit: 50 } },
} satisfies Operation;

export const createContactApi = {
  id: 'createContact',
  method: 'POST',
  path: '/api/contacts',
  tag: 'Contacts',
  params: NO_PARAMETERS,
  input: z.strictObject(contactFields).partial().extend({ phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH) }),
  bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
  refusals: CONTACT_REFUSALS,
  answer: { status: 201, schema: contactJson },
  example: { input: { phone_number: '0888123456', first_name: 'Иван', last_name: 'Петров', email: 'ivan@example.bg' } },
} satisfies Operation;

export const getContactApi = {
  id: 'getContact',
  method: 'GET',
  path: '/api/contacts/{id}',
  tag: 'Contacts',
  params: z.strictObject({ id: idSchema }),
  input: NO_PARAMETERS,
  refusals: ['contact_not_found'],
  answer: { status: 200, schema: contactJson },
  example: { params: { id: EXAMPLE_CONTACT }, input: {} },
} satisfies Operation;

export const updateContactApi = {
  id: 'updateContact',
  method: 'PUT',
  path: '/api/contacts/{id}',
  tag: 'Contacts',
  params: z.strictObject({ id: idSchema }),
  input: z.strictObject({ phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH), ...contactFields }).partial(),
  bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
  refusals: [...CONTACT_REFUSALS, 'contact_not_found'],
  answer: { status: 200, schema: contactJson },
  example: { params: { id: EXAMPLE_CONTACT }, input: { last_name: 'Петрова' } },
} satisfies Operation;

export const deleteContactApi = {
  id: 'deleteContact',
  method: 'DELETE',
  path: '/api/contacts/{id}',
  tag: 'Contacts',
  params: z.strictObject({ id: idSchema }),
  input: NO_PARAMETERS,
  refusals: ['contact_not_found'],
  answer: { status: 200, schema: z.object({ id: z.uuid(), deleted: z.literal(true) }) },
  example: { params: { id: EXAMPLE_CONTACT }, input: {} },
} satisfies Operation;

export const listGroupsApi = {
  id: 'listContactGroups',
  method: 'GET',
  path: '/api/contacts/groups',
  tag: 'Contacts',
  params: NO_PARAMETERS,
  input: NO_PARAMETERS,
  refusals: [],
  answer: { status: 200, schema: z.object({ size: z.int(), collection: z.array(groupJson) }) },
  example: { input: {} },
} satisfies Operation;

export const createGroupApi = {
  id: 'createContactGroup',
  method: 'POST',
  path: '/api/contacts/groups',
  tag: 'Contacts',
  params: NO_PARAMETERS,
  input: z.strictObject({ name: z.string().max(MAX_NAME_LENGTH * 2) }),
  bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
  refusals: ['text_required', 'group_name_too_long', 'text_control', 'group_name_taken', 'too_many_groups'],
  answer: { status: 201, schema: groupJson },
  example: { input: { name: 'Клиенти' } },
} satisfies Operation;

const memberParams = z.strictObject({ group_id: idSchema, contact_id: idSchema });

export const addMemberApi = {
  id: 'addContactToGroup',
  method: 'PUT',
  path: '/api/contacts/groups/{group_id}/members/{contact_id}',
  tag: 'Contacts',
  params: memberParams,
  input: NO_PARAMETERS,
  refusals: ['contact_group_not_found', 'contact_not_found'],
  answer: { status: 200, schema: contactJson },
  example: { params: { group_id: EXAMPLE_GROUP, contact_id: EXAMPLE_CONTACT }, input: {} },
} satisfies Operation;

export const removeMemberApi = {
  id: 'removeContactFromGroup',
  method: 'DELETE',
  path: '/api/contacts/groups/{group_id}/members/{contact_id}',
  tag: 'Contacts',
  params: memberParams,
  input: NO_PARAMETERS,
  refusals: ['contact_group_not_found', 'contact_not_found'],
  answer: { status: 200, schema: contactJson },
  example: { params: { group_id: EXAMPLE_GROUP, contact_id: EXAMPLE_CONTACT }, input: {} },
} satisfies Operation;

export const listBlacklistApi = {
  id: 'listBlacklist',
  method: 'GET',
  path: '/api/blacklist/phone_numbers',
  tag: 'Blacklist',
  params: NO_PARAMETERS,
  input: z.strictObject({ phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH).optional(), limit: limit.optional(), cursor: cursor.optional() }),
  refusals: ['invalid_cursor'],
  answer: { status: 200, schema: page(optOutJson) },
  example: { input: { limit: 50 } },
} satisfies Operation;

export const addBlacklistApi = {
  id: 'addToBlacklist',
  method: 'POST',
  path: '/api/blacklist/phone_numbers',
  tag: 'Blacklist',
  params: NO_PARAMETERS,
  input: z.strictObject({ phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH), reason: z.string().max(MAX_OPT_OUT_REASON_LENGTH * 2).optional() }),
  bodyTypes: ['application/json', 'application/x-www-form-urlencoded'],
  refusals: ['contact_phone_required', 'contact_phone_invalid', 'text_too_long', 'text_control'],
  answer: { status: 201, schema: optOutJson },
  example: { input: { phone_number: '0888123456', reason: 'Replied STOP' } },
} satisfies Operation;

export const removeBlacklistApi = {
  id: 'removeFromBlacklist',
  method: 'DELETE',
  path: '/api/blacklist/phone_numbers',
  tag: 'Blacklist',
  params: NO_PARAMETERS,
  input: z.strictObject({ phone_number: z.string().max(MAX_RECIPIENT_ENTRY_LENGTH) }),
  refusals: ['contact_phone_required', 'contact_phone_invalid', 'opt_out_not_found'],
  answer: { status: 200, schema: z.object({ phone_number: z.string(), removed: z.literal(true) }) },
  example: { input: { phone_number: '0888123456' } },
} satisfies Operation;

export const CONTACT_OPERATIONS = [
  listContactsApi,
  createContactApi,
  getContactApi,
  updateContactApi,
  deleteContactApi,
  listGroupsApi,
  createGroupApi,
  addMemberApi,
  removeMemberApi,
  listBlacklistApi,
  addBlacklistApi,
  removeBlacklistApi,
] as const;
