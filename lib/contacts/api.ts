import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { db } from '@/db';
import { accounts } from '@/db/schema';
import type { contactJson } from '@/lib/api/contact-operations';
import { AppError } from '@/lib/errors';
import type { Contact, ContactAccount, ContactInput } from './contacts';
import type { ContactField } from './fields';
import type { ContactGroup } from './groups';
import type { ContactRow } from './list';
import type { OptOut } from './opt-outs';

/** The REST API's shapes of contacts, groups and opt-outs (lib/api/contact-operations.ts), modelled on the provider's. */

/** The token's account as the contacts need it: its id, and its country for numbers typed nationally. */
export async function apiAccount(accountId: number): Promise<ContactAccount> {
  const [account] = await db.select({ id: accounts.id, country: accounts.country }).from(accounts).where(eq(accounts.id, accountId));
  return account;
}

const number = (e164: string) => e164.replace(/^\+/, '');

/** A contact as the API shows it: custom fields by their names. */
export function contactJsonOf(contact: Contact | ContactRow, fields: readonly ContactField[]): z.input<typeof contactJson> {
  const byId = new Map(fields.map((f) => [f.id, f.name]));
  return {
    id: contact.id,
    phone_number: number(contact.phone),
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    groups: contact.groups,
    custom_fields: Object.fromEntries(Object.entries(contact.customFields).flatMap(([id, value]) => (byId.has(id) ? [[byId.get(id)!, value]] : []))),
    opted_out: contact.optOut !== null,
    date_created: contact.createdAt.toISOString(),
    date_updated: contact.updatedAt.toISOString(),
  };
}

export function groupJsonOf(group: ContactGroup) {
  return { id: group.id, name: group.name, contacts_count: group.members, date_created: group.createdAt.toISOString() };
}

export function optOutJsonOf(optOut: OptOut) {
  return { id: optOut.id, phone_number: number(optOut.phone), reason: optOut.reason, source: optOut.source, created_at: optOut.createdAt.toISOString() };
}

type ApiContactInput = {
  phone_number?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  groups?: string[];
  custom_fields?: Record<string, string>;
  opted_out?: boolean;
  opt_out_reason?: string;
};

/** An API request's contact, as lib/contacts takes it: custom fields named by the account's field names (any case). */
export function contactInputOf(input: ApiContactInput, fields: readonly ContactField[]): ContactInput {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f.id]));
  const custom: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.custom_fields ?? {})) {
    const id = byName.get(name.toLowerCase());
    if (!id) throw new AppError('unknown_field', { field: `custom_fields.${name}` });
    custom[id] = value;
  }
  return {
    phone: input.phone_number,
    firstName: input.first_name,
    lastName: input.last_name,
    email: input.email,
    fields: input.custom_fields ? custom : undefined,
    groupIds: input.groups,
    optedOut: input.opted_out,
    optOutReason: input.opt_out_reason,
  };
}
