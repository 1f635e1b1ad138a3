import { useFormatter, useLocale, useTranslations } from 'next-intl';
import type { HistoryRow } from '@/lib/history/query';
import { formatPoints } from '@/lib/messaging/pricing';
import { statusName } from '@/lib/messaging/statuses';
import { InfoTip } from './info-tip';
import { StatusBadge } from './status-badge';

const DATE_TIME = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;

const th = 'px-3 py-2 font-medium whitespace-nowrap';
const td = 'px-3 py-1.5 whitespace-nowrap';

/**
 * Messages as a dense table: sender, recipient, date and time (the account's time zone, from
 * next-intl's request config), status, parts, API or portal, points, and an "i" with the details.
 * Shared by the SMS history and the bulk campaign page (rows from lib/history listMessages). A
 * plain component (no async, no data access): it renders in a server component as is.
 */
export function MessageTable({ rows, caption }: { rows: HistoryRow[]; caption: string }) {
  const t = useTranslations('history.table');
  const d = useTranslations('history.details');
  const st = useTranslations('statuses');
  const format = useFormatter();
  const locale = useLocale();
  const when = (date: Date) => format.dateTime(date, DATE_TIME);

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" role="region" aria-label={caption} tabIndex={0}>
      <table className="min-w-full text-left text-sm" data-testid="message-table">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className={th}>{t('sender')}</th>
            <th scope="col" className={th}>{t('recipient')}</th>
            <th scope="col" className={th}>{t('date')}</th>
            <th scope="col" className={th}>{t('status')}</th>
            <th scope="col" className={`${th} text-right`}>{t('parts')}</th>
            <th scope="col" className={th}>{t('source')}</th>
            <th scope="col" className={`${th} text-right`}>{t('points')}</th>
            <th scope="col" className={`${th} w-10`}>
              <span className="sr-only">{t('details')}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => {
            const name = statusName(row.status);
            const label = name ? st(`${name}.label`) : String(row.status);
            const meaning = name ? st(`${name}.meaning`) : '';
            const none = d('none');
            return (
              <tr key={row.id} className="hover:bg-slate-50" data-message-id={row.id}>
                <td className={`${td} font-medium`}>{row.sender}</td>
                <td className={`${td} tabular`}>{row.recipient}</td>
                <td className={`${td} tabular`}>
                  <time dateTime={row.createdAt.toISOString()}>{when(row.createdAt)}</time>
                </td>
                <td className={td}>
                  <StatusBadge code={row.status} label={label} meaning={meaning} tooltipId={`status-tip-${row.id}`} />
                </td>
                <td className={`${td} tabular text-right`}>{row.parts}</td>
                <td className={td}>{t(row.source)}</td>
                <td className={`${td} tabular text-right`}>{formatPoints(row.points, locale)}</td>
                <td className="px-1 py-0.5 text-center">
                  <InfoTip
                    label={d('open', { recipient: row.recipient, time: when(row.createdAt) })}
                    heading={d('title')}
                    items={[
                      { label: d('id'), value: String(row.id), mono: true },
                      { label: d('login'), value: row.login ?? d('noLogin') },
                      { label: d('content'), value: row.content, long: true },
                      { label: d('idx'), value: row.idx ?? none, mono: row.idx !== null },
                      { label: d('errorCode'), value: row.errorCode === null ? none : String(row.errorCode), mono: row.errorCode !== null },
                      { label: d('doneAt'), value: row.doneAt ? when(row.doneAt) : none },
                    ]}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
