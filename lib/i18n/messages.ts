import bgApiDocs from './messages/api-docs.bg.json';
import bgAudit from './messages/audit.bg.json';
import enAudit from './messages/audit.en.json';
import enApiDocs from './messages/api-docs.en.json';
import bgCore from './messages/bg.json';
import bgBulk from './messages/bulk.bg.json';
import bgContacts from './messages/contacts.bg.json';
import enContacts from './messages/contacts.en.json';
import enBulk from './messages/bulk.en.json';
import enCore from './messages/en.json';
import bgEmails from './messages/emails.bg.json';
import bgErrors from './messages/errors.bg.json';
import bgFiles from './messages/files.bg.json';
import enFiles from './messages/files.en.json';
import enEmails from './messages/emails.en.json';
import enErrors from './messages/errors.en.json';
import bgHistory from './messages/history.bg.json';
import enHistory from './messages/history.en.json';
import bgInsights from './messages/insights.bg.json';
import enInsights from './messages/insights.en.json';
import bgPoints from './messages/points.bg.json';
import enPoints from './messages/points.en.json';
import bgReports from './messages/reports.bg.json';
import enReports from './messages/reports.en.json';
import bgTeam from './messages/team.bg.json';
import enTeam from './messages/team.en.json';
import bgViews from './messages/views.bg.json';
import enViews from './messages/views.en.json';
import type { Locale } from './locale';

// One file per feature and language, so features do not edit one shared file; each file holds
// whole top-level namespaces.
export const MESSAGES: Record<Locale, Record<string, unknown>> = {
  en: { ...enCore, ...enApiDocs, ...enAudit, ...enBulk, ...enContacts, ...enEmails, ...enErrors, ...enFiles, ...enHistory, ...enInsights, ...enPoints, ...enReports, ...enTeam, ...enViews },
  bg: { ...bgCore, ...bgApiDocs, ...bgAudit, ...bgBulk, ...bgContacts, ...bgEmails, ...bgErrors, ...bgFiles, ...bgHistory, ...bgInsights, ...bgPoints, ...bgReports, ...bgTeam, ...bgViews },
};

type Messages = Record<string, unknown>;

/**
 * The messages under these namespaces ("send", "contacts.form"), nested as they are in the whole
 * set: what a client component's `useTranslations(namespace)` reads, and nothing else. A
 * namespace that does not exist is an error, so a renamed one cannot silently leave a form bare.
 */
export function pickMessages(messages: Messages, namespaces: readonly string[]): Messages {
  const picked: Messages = {};
  for (const namespace of namespaces) {
    const path = namespace.split('.');
    let from: unknown = messages;
    let into = picked;
    path.forEach((key, i) => {
      from = (from as Messages | undefined)?.[key];
      if (from === undefined) throw new Error(`no messages under "${namespace}"`);
      if (i === path.length - 1) into[key] = from;
      else into = (into[key] ??= {}) as Messages;
    });
  }
  return picked;
}
