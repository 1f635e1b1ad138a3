import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { getContact } from '@/lib/contacts/contacts';
import { listContactFields } from '@/lib/contacts/fields';
import { listContactGroups } from '@/lib/contacts/groups';
import { callingCode } from '@/lib/contacts/values';
import { DATE_TIME } from '@/lib/i18n/formats';
import { isUuid } from '@/lib/validation';
import { PageHeader } from '../../../_components/page-header';
import { Card } from '../../../_components/ui/card';
import { ContactForm } from '../contact-form';
import { ContactsTabs } from '../contacts-tabs';
import { DeleteContactButton } from './delete-contact';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.form'))('editTitle') };
}

export default async function ContactPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const contact = isUuid(id) ? await getContact(user.account.id, id.toLowerCase()) : null;
  if (!contact) notFound();
  const [t, format, fields, groups] = await Promise.all([
    getTranslations('contacts.form'),
    getFormatter(),
    listContactFields(user.account.id),
    listContactGroups(user.account.id),
  ]);
  return (
    <>
      <PageHeader title={t('editTitle')}>
        <DeleteContactButton id={contact.id} phone={contact.phone} />
      </PageHeader>
      <ContactsTabs current="contacts" />
      <Card className="space-y-4">
        <p className="text-sm text-slate-600">
          {t('dates', { created: format.dateTime(contact.createdAt, DATE_TIME), updated: format.dateTime(contact.updatedAt, DATE_TIME) })}
          {contact.optOut ? ` ${t('optedOutSince', { when: format.dateTime(contact.optOut.createdAt, DATE_TIME), by: contact.optOut.login ?? t(`sources.${contact.optOut.source}`) })}` : ''}
        </p>
        <ContactForm
          initial={{
            id: contact.id,
            phone: contact.phone,
            firstName: contact.firstName,
            lastName: contact.lastName,
            email: contact.email ?? '',
            fields: contact.customFields,
            groupIds: contact.groups.map((g) => g.id),
            optedOut: contact.optOut !== null,
            optOutReason: contact.optOut?.reason ?? '',
          }}
          fields={fields}
          groups={groups}
          callingCode={callingCode(user.account.country)}
        />
      </Card>
    </>
  );
}
