import { ClientMessages } from '../../_components/client-messages';

// The saved views and the export of the view.
export default function HistoryLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['views']}>{children}</ClientMessages>;
}
