import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import { pickMessages } from '@/lib/i18n/messages';

/**
 * Gives the client components below it the messages of these namespaces only. Without it every
 * page would embed the whole message set (both of its features' and everyone else's) in its
 * page data; a layout names what its feature's client components translate
 * (tests/client-messages.test.ts checks that each one's namespace is given).
 */
export async function ClientMessages({ namespaces, children }: { namespaces: readonly string[]; children: React.ReactNode }) {
  return <NextIntlClientProvider messages={pickMessages(await getMessages(), namespaces)}>{children}</NextIntlClientProvider>;
}
