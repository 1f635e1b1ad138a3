// "The failure guard paused your campaign", to an account's owners. Rendered by lib/email/render.ts
// in a worker thread without the react-server condition (see report-ready.tsx), so this file
// imports only packages and relative paths: no '@/' aliases, no next-intl.
import { createTranslator } from 'use-intl/core';
import bg from '../lib/i18n/messages/emails.bg.json';
import en from '../lib/i18n/messages/emails.en.json';
import { NoticeEmail, renderNotice, type NoticeContent } from './notice';

export type CampaignGuardProps = {
  locale: 'en' | 'bg';
  accountName: string;
  campaignName: string;
  /** figures already formatted in the reader's language */
  failed: string;
  reports: string;
  share: string;
  threshold: string;
  sent: string;
  waiting: string;
  /** the campaign's page */
  url: string;
};

const MESSAGES = { en, bg } as const;

function content(props: CampaignGuardProps): NoticeContent {
  const t = createTranslator({ locale: props.locale, messages: MESSAGES[props.locale] as typeof en, namespace: 'emails.campaignGuard' });
  return {
    locale: props.locale,
    subject: t('subject', { campaign: props.campaignName, share: props.share }),
    preview: t('preview', { campaign: props.campaignName, failed: props.failed, reports: props.reports }),
    title: t('title'),
    paragraphs: [t('greeting'), t('intro', { campaign: props.campaignName, account: props.accountName }), t('next')],
    facts: [
      { label: t('failedLabel'), value: t('failedValue', { failed: props.failed, reports: props.reports, share: props.share }) },
      { label: t('thresholdLabel'), value: t('thresholdValue', { threshold: props.threshold, reports: props.reports }) },
      { label: t('progressLabel'), value: t('progressValue', { sent: props.sent, waiting: props.waiting }) },
    ],
    button: { href: props.url, label: t('open') },
    footer: t('footer'),
  };
}

export function CampaignGuardEmail(props: CampaignGuardProps) {
  return <NoticeEmail {...content(props)} />;
}

export function renderCampaignGuard(props: CampaignGuardProps): Promise<{ subject: string; html: string; text: string }> {
  return renderNotice(content(props));
}
