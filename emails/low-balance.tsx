// The "low balance" e-mail to an account's owners. Rendered by lib/email/render.ts in a worker
// thread without the react-server condition (see report-ready.tsx), so this file imports only
// packages and relative paths: no '@/' aliases, no next-intl.
import { createTranslator } from 'use-intl/core';
import bg from '../lib/i18n/messages/emails.bg.json';
import en from '../lib/i18n/messages/emails.en.json';
import { NoticeEmail, renderNotice, type NoticeContent } from './notice';

export type LowBalanceProps = {
  locale: 'en' | 'bg';
  accountName: string;
  /** Both already formatted in the reader's language, e.g. "12.5" / "12,5". */
  balance: string;
  threshold: string;
  /** the portal's /points page */
  url: string;
};

const MESSAGES = { en, bg } as const;

function content(props: LowBalanceProps): NoticeContent {
  const t = createTranslator({ locale: props.locale, messages: MESSAGES[props.locale] as typeof en, namespace: 'emails.lowBalance' });
  return {
    locale: props.locale,
    subject: t('subject', { account: props.accountName, balance: props.balance }),
    preview: t('preview', { account: props.accountName, balance: props.balance }),
    title: t('title'),
    paragraphs: [t('greeting'), t('intro', { account: props.accountName })],
    facts: [
      { label: t('balance'), value: t('pointsValue', { value: props.balance }) },
      { label: t('threshold'), value: t('pointsValue', { value: props.threshold }) },
    ],
    button: { href: props.url, label: t('open') },
    footer: t('footer'),
  };
}

export function LowBalanceEmail(props: LowBalanceProps) {
  return <NoticeEmail {...content(props)} />;
}

/** Subject, HTML and plain text of the e-mail. */
export function renderLowBalance(props: LowBalanceProps): Promise<{ subject: string; html: string; text: string }> {
  return renderNotice(content(props));
}
