import { headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { getCurrentUser } from '@/lib/auth';
import { DEFAULT_TIME_ZONE, resolveLocale } from './locale';
import { MESSAGES } from './messages';

export default getRequestConfig(async () => {
  const user = await getCurrentUser();
  const locale = resolveLocale(user?.language, (await headers()).get('accept-language'));
  return {
    locale,
    timeZone: user?.account.timeZone ?? DEFAULT_TIME_ZONE,
    messages: MESSAGES[locale],
  };
});
