import { sql, type SQL } from 'drizzle-orm';
import { localDay, safeTimeZone } from '@/lib/calendar';
import { copyable } from '@/lib/files/copyable';
import { copyCsv, CSV_CONTENT_TYPE, csvPhoneSql, csvSafeSql, sqlIdentifier } from '@/lib/files/csv';
import { downloadHeaders } from '@/lib/files/download';
import type { ContactField } from './fields';
import type { ContactFilters } from './filters';
import { contactConditions } from './list';

// ISO 8601 with the session time zone's offset, e.g. 2026-03-29T14:05:09+03:00.
const ISO_LOCAL = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;

/** The export's columns: the contact's own, then each custom field under its name. */
export function exportQuery(accountId: number, filters: Pick<ContactFilters, 'search' | 'groupId' | 'optedOut'>, fields: readonly ContactField[]): {
  query: SQL;
  forceQuote: string[];
} {
  const forceQuote = ['Number', 'First name', 'Last name', 'E-mail', 'Groups', 'Opt-out reason'];
  const fieldColumns = fields.map((field, i) => {
    if (!/^[0-9a-f-]{36}$/.test(field.id)) throw new Error('field id is not a uuid');
    forceQuote.push(field.name);
    return `, ${csvSafeSql(`x.f${i}`)} as ${sqlIdentifier(field.name)}`;
  });
  const fieldValues = fields.map((field, i) => `, c.custom_fields ->> '${field.id}' as f${i}`).join('');
  const query = sql`
    select ${sql.raw(csvPhoneSql('x.phone'))} as "Number",
           ${sql.raw(csvSafeSql('x.first_name'))} as "First name",
           ${sql.raw(csvSafeSql('x.last_name'))} as "Last name",
           ${sql.raw(csvSafeSql('x.email'))} as "E-mail",
           ${sql.raw(csvSafeSql('x.groups'))} as "Groups"${sql.raw(fieldColumns.join(''))},
           case when x.opted_out_at is null then 'no' else 'yes' end as "Opted out",
           to_char(x.opted_out_at, ${sql.raw(ISO_LOCAL)}) as "Opted out at",
           ${sql.raw(csvSafeSql('x.opt_out_reason'))} as "Opt-out reason",
           to_char(x.created_at, ${sql.raw(ISO_LOCAL)}) as "Created"
      from (select c.phone, c.first_name, c.last_name, c.email, c.created_at${sql.raw(fieldValues)},
                   (select string_agg(g.name, '; ' order by g.name)
                      from contact_group_members gm join contact_groups g on g.id = gm.group_id
                     where gm.contact_id = c.id and g.account_id = c.account_id) as groups,
                   o.created_at as opted_out_at, o.reason as opt_out_reason
              from contacts c
              left join opt_outs o on o.account_id = c.account_id and o.phone = c.phone
             where ${sql.join(contactConditions(accountId, filters), sql` and `)}
             order by c.created_at desc, c.id desc) x`;
  return { query, forceQuote };
}

/**
 * The contacts the table's filter shows, as the product's CSV (lib/files/csv.ts: COPY streamed
 * with formula cells neutralised, BOM, CRLF): constant memory for a million contacts.
 */
export function contactsCsvResponse(
  account: { id: number; timeZone: string },
  filters: Pick<ContactFilters, 'search' | 'groupId' | 'optedOut'>,
  fields: readonly ContactField[],
): Response {
  const { query, forceQuote } = exportQuery(account.id, filters, fields);
  const { text, settings } = copyable(query, 'contacts_export');
  const timeZone = safeTimeZone(account.timeZone);
  const body = copyCsv(text, { forceQuote, settings: { ...settings, TimeZone: timeZone } });
  return new Response(body, { headers: downloadHeaders(CSV_CONTENT_TYPE, `contacts-${localDay(new Date(), timeZone)}`, 'csv') });
}
