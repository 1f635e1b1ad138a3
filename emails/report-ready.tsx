// The "report ready" e-mail. Rendered by lib/email/render.ts in a worker thread without the
// react-server condition (react-dom/server refuses to load under it), so this file imports
// only packages and relative paths: no '@/' aliases, no next-intl.
import { Body, Button, Container, Head, Heading, Html, Preview, Section, Text } from '@react-email/components';
import { render } from '@react-email/render';
import { createTranslator } from 'use-intl/core';
import bg from '../lib/i18n/messages/emails.bg.json';
import en from '../lib/i18n/messages/emails.en.json';

export type ReportReadyProps = {
  locale: 'en' | 'bg';
  reportName: string;
  /** Already formatted for the reader, e.g. "1–7 Jan 2026". */
  period: string;
  rows: number;
  delivery: { kind: 'attached'; fileName: string } | { kind: 'link'; url: string; expires: string };
  /** How delivery went in the period (lib/insights/email.ts), every text final; none when nothing was sent. */
  insight?: { title: string; lines: { label: string; value: string }[] } | null;
};

const MESSAGES = { en, bg } as const;

function translator(locale: ReportReadyProps['locale']) {
  return createTranslator({ locale, messages: MESSAGES[locale] as typeof en, namespace: 'emails.reportReady' });
}

const body = { backgroundColor: '#f8fafc', fontFamily: 'Arial, Helvetica, sans-serif', color: '#0f172a', margin: 0, padding: '24px 0' };
const container = { backgroundColor: '#ffffff', border: '1px solid #e2e8f0', borderRadius: '8px', padding: '24px', maxWidth: '560px' };
const label = { color: '#475569', fontSize: '13px', margin: '0' };
const value = { fontSize: '15px', margin: '0 0 12px' };
const paragraph = { fontSize: '15px', lineHeight: '22px', margin: '0 0 12px' };

export function ReportReadyEmail(props: ReportReadyProps) {
  const t = translator(props.locale);
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{t('preview', { name: props.reportName, period: props.period })}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading as="h1" style={{ fontSize: '20px', margin: '0 0 16px' }}>
            {props.reportName}
          </Heading>
          <Text style={paragraph}>{t('greeting')}</Text>
          <Text style={paragraph}>{t('intro')}</Text>
          <Section style={{ margin: '8px 0 16px' }}>
            <Text style={label}>{t('name')}</Text>
            <Text style={value}>{props.reportName}</Text>
            <Text style={label}>{t('period')}</Text>
            <Text style={value}>{props.period}</Text>
            <Text style={label}>{t('rows')}</Text>
            <Text style={value}>{t('rowsValue', { rows: props.rows })}</Text>
          </Section>
          {props.insight ? (
            <Section style={{ margin: '0 0 16px', padding: '12px 16px', backgroundColor: '#f8fafc', borderRadius: '6px' }}>
              <Heading as="h2" style={{ fontSize: '16px', margin: '0 0 8px' }}>
                {props.insight.title}
              </Heading>
              {props.insight.lines.map((line) => (
                <Text key={line.label} style={{ fontSize: '14px', lineHeight: '20px', margin: '0 0 6px' }}>
                  <span style={{ color: '#475569' }}>{line.label}: </span>
                  {line.value}
                </Text>
              ))}
            </Section>
          ) : null}
          {props.delivery.kind === 'attached' ? (
            <Text style={paragraph}>{t('attached', { fileName: props.delivery.fileName })}</Text>
          ) : (
            <Section>
              <Text style={paragraph}>{t('linkIntro')}</Text>
              <Button
                href={props.delivery.url}
                style={{ backgroundColor: '#1d4ed8', color: '#ffffff', borderRadius: '6px', padding: '10px 16px', fontSize: '15px' }}
              >
                {t('download')}
              </Button>
              <Text style={{ ...paragraph, fontSize: '13px', color: '#475569' }}>{t('linkExpiry', { expires: props.delivery.expires })}</Text>
            </Section>
          )}
          <Text style={{ fontSize: '12px', color: '#64748b', margin: '24px 0 0' }}>{t('footer')}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Subject, HTML and plain text of the e-mail. */
export async function renderReportReady(props: ReportReadyProps): Promise<{ subject: string; html: string; text: string }> {
  const t = translator(props.locale);
  const element = <ReportReadyEmail {...props} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: t('subject', { name: props.reportName }), html, text };
}
