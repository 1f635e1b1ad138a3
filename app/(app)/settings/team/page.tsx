import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { DATE_TIME } from '@/lib/i18n/formats';
import { listTeam } from '@/lib/team';
import { PageHeader } from '../../../_components/page-header';
import { Badge, type BadgeTone } from '../../../_components/ui/badge';
import { Section } from '../../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { AddUserForm, DisableControl, RoleForm } from './team-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('team'))('title') };
}

const roleTones: Record<'owner' | 'member' | 'viewer', BadgeTone> = {
  owner: 'brand',
  member: 'blue',
  viewer: 'slate',
};

// Owners only: anyone else is told there is no such page, checked here and in every action.
export default async function TeamPage() {
  const user = await requireUser();
  if (user.role !== 'owner') notFound();
  const [t, format, team] = await Promise.all([getTranslations('team'), getFormatter(), listTeam(user.account.id)]);
  return (
    <>
      <PageHeader title={t('title')} />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      <div className="space-y-6">
        <Section id="users" title={t('caption')}>
          <Table
            caption={t('caption')}
            columns={[
              { label: t('email') },
              { label: t('name') },
              { label: t('role') },
              { label: t('status') },
              { label: t('tokens'), numeric: true },
              { label: t('created') },
              { label: t('actions'), srOnly: true },
            ]}
          >
            {team.map((member) => (
              <tr key={member.id} data-testid={`team-${member.email}`}>
                <TableRowHeader long wide>
                  {member.email}
                  {member.id === user.id ? <span className="text-slate-600"> ({t('you')})</span> : null}
                </TableRowHeader>
                <TableCell long>{member.name}</TableCell>
                <TableCell>
                  <Badge tone={roleTones[member.role]}>{t(`roles.${member.role}`)}</Badge>
                </TableCell>
                <TableCell>
                  <Badge tone={member.disabled ? 'red' : 'green'}>{member.disabled ? t('disabled') : t('active')}</Badge>
                </TableCell>
                <TableCell numeric>{member.liveTokens}</TableCell>
                <TableCell className="tabular">{format.dateTime(member.createdAt, DATE_TIME)}</TableCell>
                <TableCell>
                  <div className="flex flex-wrap items-center gap-2">
                    <RoleForm userId={member.id} email={member.email} role={member.role} />
                    {member.id === user.id ? null : <DisableControl userId={member.id} email={member.email} disabled={member.disabled} />}
                  </div>
                </TableCell>
              </tr>
            ))}
          </Table>
        </Section>
        <Section id="add-user" title={t('add.title')} help={t('add.help')}>
          <AddUserForm />
        </Section>
      </div>
    </>
  );
}
