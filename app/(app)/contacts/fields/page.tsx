import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireUser } from '@/lib/auth';
import { listContactFields } from '@/lib/contacts/fields';
import { MAX_CONTACT_FIELDS } from '@/lib/contacts/limits';
import { PageHeader } from '../../../_components/page-header';
import { Section } from '../../../_components/ui/card';
import { Table, TableCell, TableRowHeader } from '../../../_components/ui/table';
import { ContactsTabs } from '../contacts-tabs';
import { CreateFieldForm, FieldControls } from './field-forms';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('contacts.fields'))('title') };
}

export default async function FieldsPage() {
  const user = await requireUser();
  const [t, pages, fields] = await Promise.all([getTranslations('contacts.fields'), getTranslations('pages'), listContactFields(user.account.id)]);
  return (
    <>
      <PageHeader title={pages('contacts')} />
      <ContactsTabs current="fields" />
      <div className="space-y-6">
        <Section id="new-field" title={t('newTitle')} help={t('help', { max: MAX_CONTACT_FIELDS, count: fields.length })}>
          <CreateFieldForm full={fields.length >= MAX_CONTACT_FIELDS} />
        </Section>
        <Section id="fields" title={t('title')}>
          {fields.length === 0 ? (
            <p className="text-sm text-slate-600">{t('empty')}</p>
          ) : (
            <Table caption={t('title')} data-testid="fields-table" columns={[{ label: t('name') }, { label: t('type') }, { label: t('actions'), srOnly: true }]}>
              {fields.map((field) => (
                <tr key={field.id}>
                  <TableRowHeader long>{field.name}</TableRowHeader>
                  <TableCell>{t(`types.${field.type}`)}</TableCell>
                  <TableCell>
                    <FieldControls id={field.id} name={field.name} />
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
