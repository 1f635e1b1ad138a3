import { ClientMessages } from '../../_components/client-messages';

// The threshold form.
export default function PointsLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['points.threshold']}>{children}</ClientMessages>;
}
