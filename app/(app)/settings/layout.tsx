import { ClientMessages } from '../../_components/client-messages';

// The settings forms.
export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['settings']}>{children}</ClientMessages>;
}
