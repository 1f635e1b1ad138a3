import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listContactFields } from '@/lib/contacts/fields';
import { listContactGroups } from '@/lib/contacts/groups';
import { callingCode } from '@/lib/contacts/values';
import { PageHeader } from '../../../_components/page-header';
import { Card } from '../../../_components/ui/card';
import { ContactForm } from '../contact-form';
import { ContactsTabs } from '../contacts-tabs';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.form'))('newTitle') };
}

export default async function NewContactPage() {
  const user = await requireUser();
  const [t, fields, groups] = await Promise.all([getTranslations('contacts.form'), listContactFields(user.account.id), listContactGroups(user.account.id)]);
  return (
    <>
      <PageHeader title={t('newTitle')} />
      <ContactsTabs current="contacts" />
      <Card>
        <ContactForm
          initial={{ phone: '', firstName: '', lastName: '', email: '', fields: {}, groupIds: [], optedOut: false, optOutReason: '' }}
          fields={fields}
          groups={groups}
          callingCode={callingCode(user.account.country)}
        />
      </Card>
    </>
  );
}
