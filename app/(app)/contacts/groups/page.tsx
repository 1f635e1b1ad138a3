import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listContactGroups } from '@/lib/contacts/groups';
import { MAX_CONTACT_GROUPS } from '@/lib/contacts/limits';
import { DATE_TIME } from '@/lib/i18n/formats';
import { PageHeader } from '../../../_components/page-header';
import { Section } from '../../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { ContactsTabs } from '../contacts-tabs';
import { CreateGroupForm, GroupControls } from './group-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.groups'))('title') };
}

export default async function GroupsPage() {
  const user = await requireUser();
  const [t, pages, format, groups] = await Promise.all([getTranslations('contacts.groups'), getTranslations('pages'), getFormatter(), listContactGroups(user.account.id)]);
  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="groups" />
      <div className="space-y-6">
        <Section id="new-group" title={t('newTitle')} help={t('help', { max: MAX_CONTACT_GROUPS })}>
          <CreateGroupForm />
        </Section>
        <Section id="groups" title={t('title')}>
          {groups.length === 0 ? (
            <p className="text-sm text-slate-600">{t('empty')}</p>
          ) : (
            <Table
              caption={t('title')}
              data-testid="groups-table"
              columns={[{ label: t('name') }, { label: t('members'), numeric: true }, { label: t('created') }, { label: t('actions'), srOnly: true }]}
            >
              {groups.map((group) => (
                <tr key={group.id} data-group={group.name}>
                  <TableRowHeader long>
                    <Link href={`/contacts?group=${group.id}`} className="underline-offset-2 hover:underline">
                      {group.name}
                    </Link>
                  </TableRowHeader>
                  <TableCell numeric>{format.number(group.members)}</TableCell>
                  <TableCell nowrap className="tabular">
                    {format.dateTime(group.createdAt, DATE_TIME)}
                  </TableCell>
                  <TableCell>
                    <GroupControls id={group.id} name={group.name} members={group.members} />
                  </TableCell>
                </tr>
              ))}
            </Table>
          )}
        </Section>
      </div>
    </>
  );
}
