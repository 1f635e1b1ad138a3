import { useFormatter, useLocale, useTranslations } from 'next-intl';
import type { HistoryRow } from '@/lib/history/query';
import { DATE_TIME } from '@/lib/i18n/formats';
import { formatPoints } from '@/lib/messaging/pricing';
import { statusLabel } from './message-details';
import { MessageTableView, type MessageRowView } from './message-table-view';

/**
 * Messages as a dense table: sender, recipient, date and time (the account's time zone, from
 * next-intl's request config), status, parts, API or portal, points, and an "i" that opens the
 * details. Shared by the SMS history and the bulk campaign page (rows from lib/history
 * listMessages). Everything is formatted here, on the server; the rows are one client component
 * given those strings (message-table-view.tsx), so a page carries each row once as HTML and once as
 * compact data, not as HTML and again as a tree of elements; a row's details are fetched when
 * its "i" opens them (message-details.ts).
 */
export function MessageTable({ rows, caption }: { rows: HistoryRow[]; caption: string }) {
  const t = useTranslations('history.table');
  const d = useTranslations('history.details');
  const st = useTranslations('statuses');
  const format = useFormatter();
  const locale = useLocale();
  const when = (date: Date) => format.dateTime(date, DATE_TIME);

  const statuses = Object.fromEntries([...new Set(rows.map((row) => row.status))].map((code) => [code, statusLabel((key) => st(key), code)]));
  const views = rows.map(
    (row): MessageRowView => ({
      id: row.id,
      sender: row.sender,
      recipient: row.recipient,
      at: row.createdAt.toISOString(),
      time: when(row.createdAt),
      status: row.status,
      parts: row.parts,
      source: row.source,
      points: formatPoints(row.points, locale),
    }),
  );

  return (
    <MessageTableView
      caption={caption}
      columns={[
        { label: t('sender') },
        { label: t('recipient') },
        { label: t('date') },
        { label: t('status') },
        { label: t('parts'), numeric: true },
        { label: t('source') },
        { label: t('points'), numeric: true },
        { label: t('details'), srOnly: true },
      ]}
      rows={views}
      labels={{
        statuses,
        sources: { api: t('api'), portal: t('portal') },
        open: d.raw('open') as string,
        title: d('title'),
        close: d('close'),
        loading: d('loading'),
        failed: d('failed'),
      }}
    />
  );
}
