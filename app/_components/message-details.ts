import type { HistoryRow } from '@/lib/history/query';
import { isFinalStatus, STATUS, statusName, type StatusName } from '@/lib/messaging/statuses';

/** A status code's name in the user's language (`statuses` messages); the bare code for one the app does not know. */
export function statusLabel(say: (key: `${StatusName}.label`) => string, code: number): string {
  const name = statusName(code);
  return name ? say(`${name}.label`) : String(code);
}

/** One line of a message's details, as its "i" panel shows it. */
export type MessageDetailItem = { label: string; value: string; mono?: true };

type DetailLabel = 'id' | 'status' | 'login' | 'noLogin' | 'content' | 'idx' | 'errorCode' | 'doneAt' | 'stoppedAt' | 'none';

/**
 * A message's details in the user's language: what the history's and a campaign's "i" opens
 * (fetched as it opens, from /history/messages/ID, so a page of rows does not carry them).
 */
export function messageDetailItems(
  row: HistoryRow,
  say: (label: DetailLabel) => string,
  statusLabel: string,
  when: (date: Date) => string,
): MessageDetailItem[] {
  const none = say('none');
  const stopped = row.status === STATUS.STOP;
  return [
    { label: say('id'), value: String(row.id), mono: true },
    { label: say('status'), value: `${statusLabel} (${row.status})` },
    { label: say('login'), value: row.login ?? say('noLogin') },
    { label: say('content'), value: row.content },
    row.idx === null ? { label: say('idx'), value: none } : { label: say('idx'), value: row.idx, mono: true },
    row.errorCode === null ? { label: say('errorCode'), value: none } : { label: say('errorCode'), value: String(row.errorCode), mono: true },
    // When it reached its final status: the stop, or the operator's report.
    { label: say(stopped ? 'stoppedAt' : 'doneAt'), value: row.doneAt && isFinalStatus(row.status) ? when(row.doneAt) : none },
  ];
}
