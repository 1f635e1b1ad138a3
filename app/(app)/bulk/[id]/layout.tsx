import { ClientMessages } from '../../../_components/client-messages';

// The campaign's controls confirm and report in the page's language.
export default function CampaignLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['campaign']}>{children}</ClientMessages>;
}
