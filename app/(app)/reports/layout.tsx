import { ClientMessages } from '../../_components/client-messages';

// The report form and the runs' and schedules' controls.
export default function ReportsLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['reportBuilder.form', 'reportBuilder.schedules', 'reportBuilder.runs']}>{children}</ClientMessages>;
}
