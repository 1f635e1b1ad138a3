import { ClientMessages } from '../../../_components/client-messages';

// The team's forms.
export default function TeamLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['team']}>{children}</ClientMessages>;
}
