// The layout of the short notices to an account's owners (low balance, a campaign paused by the
// failure guard): a title, a few paragraphs, labelled figures and one button. Rendered in a worker
// thread without the react-server condition (see report-ready.tsx), so this file imports only
// packages and relative paths.
import { Body, Button, Container, Head, Heading, Html, Preview, Section, Text } from '@react-email/components';
import { render } from '@react-email/render';

export type NoticeContent = {
  locale: 'en' | 'bg';
  subject: string;
  preview: string;
  title: string;
  paragraphs: string[];
  facts: { label: string; value: string }[];
  button: { href: string; label: string };
  footer: string;
};

const body = { backgroundColor: '#f8fafc', fontFamily: 'Arial, Helvetica, sans-serif', color: '#0f172a', margin: 0, padding: '24px 0' };
const container = { backgroundColor: '#ffffff', border: '1px solid #e2e8f0', borderRadius: '8px', padding: '24px', maxWidth: '560px' };
const label = { color: '#475569', fontSize: '13px', margin: '0' };
const value = { fontSize: '15px', margin: '0 0 12px' };
const paragraph = { fontSize: '15px', lineHeight: '22px', margin: '0 0 12px' };

export function NoticeEmail(props: NoticeContent) {
  return (
    <Html lang={props.locale}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading as="h1" style={{ fontSize: '20px', margin: '0 0 16px' }}>
            {props.title}
          </Heading>
          {props.paragraphs.map((text, i) => (
            <Text key={i} style={paragraph}>
              {text}
            </Text>
          ))}
          <Section style={{ margin: '8px 0 16px' }}>
            {props.facts.map((fact) => (
              <div key={fact.label}>
                <Text style={label}>{fact.label}</Text>
                <Text style={value}>{fact.value}</Text>
              </div>
            ))}
          </Section>
          <Button href={props.button.href} style={{ backgroundColor: '#1d4ed8', color: '#ffffff', borderRadius: '6px', padding: '10px 16px', fontSize: '15px' }}>
            {props.button.label}
          </Button>
          <Text style={{ fontSize: '12px', color: '#64748b', margin: '24px 0 0' }}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Subject, HTML and plain text of a notice. */
export async function renderNotice(content: NoticeContent): Promise<{ subject: string; html: string; text: string }> {
  const element = <NoticeEmail {...content} />;
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: content.subject, html, text };
}
