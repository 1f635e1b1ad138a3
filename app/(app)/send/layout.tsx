import { ClientMessages } from '../../_components/client-messages';

// The send form, its CSV upload and its check.
export default function SendLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['send']}>{children}</ClientMessages>;
}
