import { ClientMessages } from '../../_components/client-messages';

// The sign-in form shows its errors itself.
export default function SignInLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages namespaces={['signIn', 'errors']}>{children}</ClientMessages>;
}
