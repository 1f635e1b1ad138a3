import Link from 'next/link';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
import { describeDetails, targetHref } from '@/lib/audit/describe';
import type { AuditRow } from '@/lib/audit/list';
import { isAuditAction } from '@/lib/audit/list';
import { DATE_TIME } from '@/lib/i18n/formats';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locale';
import { Table, TableCell, TableRowHeader } from './ui/table';

/**
 * Audit entries as a dense table: when (the account's time zone, from next-intl's request
 * config), who, the action in words, its target with a link, the address and the details in
 * words. `compact`: a target's own trail (the campaign page), without the target and address.
 */
export function AuditTable({ rows, caption, compact }: { rows: AuditRow[]; caption: string; compact?: boolean }) {
  const t = useTranslations('audit');
  const format = useFormatter();
  const requested = useLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;

  const who = (row: AuditRow) => row.userName || row.userEmail || (row.action === 'report.link_open' ? t('signedLink') : t('none'));
  const details = (row: AuditRow) => {
    const described = describeDetails(row.action, row.details, locale);
    if (!described) return '';
    return 'raw' in described ? described.raw : t(`detailText.${described.key}`, described.values);
  };
  const target = (row: AuditRow) => {
    if (!row.targetType || !row.targetId) return null;
    const label = row.targetType === 'message' ? t('targets.message', { id: row.targetId }) : t(`targets.${row.targetType}`);
    const href = targetHref(row.targetType, row.targetId);
    return href ? (
      <Link href={href} className="text-brand-700 underline-offset-2 hover:underline">
        {label}
      </Link>
    ) : (
      label
    );
  };

  return (
    <Table
      caption={caption}
      framed={!compact}
      columns={[
        { label: t('when') },
        { label: t('who') },
        { label: t('action') },
        ...(compact ? [] : [{ label: t('target') }, { label: t('from') }]),
        { label: t('details'), className: 'w-1/3' },
      ]}
    >
      {rows.map((row) => (
        <tr key={row.id}>
          <TableCell nowrap className="tabular">
            <time dateTime={row.createdAt.toISOString()}>{format.dateTime(row.createdAt, DATE_TIME)}</time>
          </TableCell>
          <TableCell long>{who(row)}</TableCell>
          <TableRowHeader className="font-medium">{isAuditAction(row.action) ? t(`actions.${row.action}`) : row.action}</TableRowHeader>
          {compact ? null : (
            <>
              <TableCell>{target(row)}</TableCell>
              <TableCell className="tabular" long>
                {row.ip ?? t('none')}
              </TableCell>
            </>
          )}
          <TableCell long wide>
            {details(row)}
          </TableCell>
        </tr>
      ))}
    </Table>
  );
}
