import { useFormatter, useLocale, useTranslations } from 'next-intl';
import type { HistoryRow } from '@/lib/history/query';
import { DATE_TIME } from '@/lib/i18n/formats';
import { formatPoints } from '@/lib/messaging/pricing';
import { isFinalStatus, STATUS, statusName } from '@/lib/messaging/statuses';
import { StatusBadge } from './status-badge';
import { DetailList, Popover, PopoverTrigger } from './ui/popover';
import { Table, TableCell } from './ui/table';

/**
 * Messages as a dense table: sender, recipient, date and time (the account's time zone, from
 * next-intl's request config), status, parts, API or portal, points, and an "i" that opens the
 * details. Shared by the SMS history and the bulk campaign page (rows from lib/history
 * listMessages). A plain server component: the details are CSS-only popovers (ui/popover), so a
 * page of rows hydrates nothing, and the "i" is the row's one Tab stop.
 */
export function MessageTable({ rows, caption }: { rows: HistoryRow[]; caption: string }) {
  const t = useTranslations('history.table');
  const d = useTranslations('history.details');
  const st = useTranslations('statuses');
  const format = useFormatter();
  const locale = useLocale();
  const when = (date: Date) => format.dateTime(date, DATE_TIME);
  const none = d('none');

  return (
    <Table
      caption={caption}
      framed
      data-testid="message-table"
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
    >
      {rows.map((row) => {
        const name = statusName(row.status);
        const label = name ? st(`${name}.label`) : String(row.status);
        const time = when(row.createdAt);
        const popover = `m${row.id}`;
        // When the message reached its final status: the stop, or the operator's report.
        const doneLabel = row.status === STATUS.STOP ? d('stoppedAt') : d('doneAt');
        return (
          <tr key={row.id} data-message-id={row.id}>
            <TableCell className="font-medium">{row.sender}</TableCell>
            <TableCell nowrap className="tabular">
              {row.recipient}
            </TableCell>
            <TableCell nowrap className="tabular">
              <time dateTime={row.createdAt.toISOString()}>{time}</time>
            </TableCell>
            <TableCell nowrap>
              <StatusBadge code={row.status} label={label} />
            </TableCell>
            <TableCell numeric>{row.parts}</TableCell>
            <TableCell>{t(row.source)}</TableCell>
            <TableCell numeric>{formatPoints(row.points, locale)}</TableCell>
            <TableCell className="py-1 text-center">
              <PopoverTrigger target={popover} aria-label={d('open', { recipient: row.recipient, time })} className="ui-info-button">
                i
              </PopoverTrigger>
              <Popover id={popover} title={d('title')} closeLabel={d('close')}>
                <DetailList
                  items={[
                    { label: d('id'), value: row.id, mono: true },
                    { label: d('status'), value: `${label} (${row.status})` },
                    { label: d('login'), value: row.login ?? d('noLogin') },
                    { label: d('content'), value: row.content },
                    { label: d('idx'), value: row.idx ?? none, mono: row.idx !== null },
                    { label: d('errorCode'), value: row.errorCode ?? none, mono: row.errorCode !== null },
                    { label: doneLabel, value: row.doneAt && isFinalStatus(row.status) ? when(row.doneAt) : none },
                  ]}
                />
              </Popover>
            </TableCell>
          </tr>
        );
      })}
    </Table>
  );
}
