import { ClientMessages } from '../../_components/client-messages';

// The contacts forms, selection and import run in the browser.
export default function ContactsLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['contacts.optOuts', 'contacts.suppressed', 'contacts.selection', 'contacts.form', 'contacts.import', 'contacts.fields', 'contacts.groups', 'views']}>{children}</ClientMessages>;
}
