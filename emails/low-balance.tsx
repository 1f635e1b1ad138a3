// The "low balance" e-mail to an account's owners. Rendered by lib/email/render.ts in a worker
// thread without the react-server condition (see report-ready.tsx), so this file imports only
// packages and relative paths: no '@/' aliases, no next-intl.
import { Body, Button, Container, Head, Heading, Html, Preview, Section, Text } from '@react-email/components';
import { render } from '@react-email/render';
import { createTranslator } from 'use-intl/core';
import bg from '../lib/i18n/messages/emails.bg.json';
import en from '../lib/i18n/messages/emails.en.json';

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

function translator(locale: LowBalanceProps['locale']) {
  return createTranslator({ locale, messages: MESSAGES[locale] as typeof en, namespace: 'emails.lowBalance' });
}

const body = { backgroundColor: '#f8fafc', fontFamily: 'Arial, Helvetica, sans-serif', color: '#0f172a', margin: 0, padding: '24px 0' };
const container = { backgroundColor: '#ffffff', border: '1px solid #e2e8f0', borderRadius: '8px', padding: '24px', maxWidth: '560px' };
const label = { color: '#475569', fontSize: '13px', margin: '0' };
const value = { fontSize: '15px', margin: '0 0 12px' };
const paragraph = { fontSize: '15px', lineHeight: '22px', margin: '0 0 12px' };

export function LowBalanceEmail(props: LowBalanceProps) {
  const t = translator(props.locale);
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{t('preview', { account: props.accountName, balance: props.balance })}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading as="h1" style={{ fontSize: '20px', margin: '0 0 16px' }}>
            {t('title')}
          </Heading>
          <Text style={paragraph}>{t('greeting')}</Text>
          <Text style={paragraph}>{t('intro', { account: props.accountName })}</Text>
          <Section style={{ margin: '8px 0 16px' }}>
            <Text style={label}>{t('balance')}</Text>
            <Text style={value}>{t('pointsValue', { value: props.balance })}</Text>
            <Text style={label}>{t('threshold')}</Text>
            <Text style={value}>{t('pointsValue', { value: props.threshold })}</Text>
          </Section>
          <Button href={props.url} style={{ backgroundColor: '#1d4ed8', color: '#ffffff', borderRadius: '6px', padding: '10px 16px', fontSize: '15px' }}>
            {t('open')}
          </Button>
          <Text style={{ fontSize: '12px', color: '#64748b', margin: '24px 0 0' }}>{t('footer')}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Subject, HTML and plain text of the e-mail. */
export async function renderLowBalance(props: LowBalanceProps): Promise<{ subject: string; html: string; text: string }> {
  const t = translator(props.locale);
  const element = <LowBalanceEmail {...props} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: t('subject', { account: props.accountName, balance: props.balance }), html, text };
}
