'use client';

import { useId, useState } from 'react';
import type { MessageSource } from '@/lib/history/filters';
import { StatusBadge } from './status-badge';
import { DetailList, Popover, PopoverTrigger } from './ui/popover';
import { Table, type TableColumn } from './ui/table';
import './message-table.css';

/** A message as its table row shows it: every text formatted on the server (message-table.tsx). */
export type MessageRowView = {
  id: number;
  sender: string;
  recipient: string;
  /** ISO time, for the time element */
  at: string;
  time: string;
  status: number;
  parts: number;
  source: MessageSource;
  points: string;
  login: string;
  content: string;
  idx?: string;
  errorCode?: number;
  /** stopped by its campaign's stop, not ended by a delivery report */
  stopped?: true;
  /** when it reached its final status */
  done?: string;
};

type Labels = {
  /** the names of the page's statuses, by code */
  statuses: Record<number, string>;
  sources: Record<MessageRowView['source'], string>;
  /** "… {recipient}, {time}": the "i" button's name */
  open: string;
  title: string;
  close: string;
  none: string;
  id: string;
  status: string;
  login: string;
  content: string;
  idx: string;
  errorCode: string;
  doneAt: string;
  stoppedAt: string;
};

/**
 * The table (ui/table) and the one popover of its rows' details. The "i" of a row is its one Tab
 * stop and opens the native popover (ui/popover) with that row's details, drawn as it opens: a
 * page of rows carries them once, as data, and has one panel instead of one per row.
 */
export function MessageTableView({ caption, columns, rows, labels }: { caption: string; columns: TableColumn[]; rows: MessageRowView[]; labels: Labels }) {
  const popover = useId();
  const [shown, setShown] = useState<MessageRowView | null>(null);
  const [open, setOpen] = useState(false);
  return (
    <>
      <Table caption={caption} columns={columns} framed className="ui-messages" data-testid="message-table">
        {rows.map((row) => (
          <tr key={row.id} data-message-id={row.id}>
            <td>{row.sender}</td>
            <td>{row.recipient}</td>
            <td>
              <time dateTime={row.at}>{row.time}</time>
            </td>
            <td>
              <StatusBadge code={row.status} label={labels.statuses[row.status]} />
            </td>
            <td>{row.parts}</td>
            <td>{labels.sources[row.source]}</td>
            <td>{row.points}</td>
            <td>
              <PopoverTrigger
                target={popover}
                aria-label={labels.open.replace('{recipient}', row.recipient).replace('{time}', row.time)}
                className="ui-info-button"
                onClick={(event) => {
                  setShown(row);
                  // Open on another row's details: show this row's instead of closing.
                  if (open && shown?.id !== row.id) event.preventDefault();
                }}
              >
                i
              </PopoverTrigger>
            </td>
          </tr>
        ))}
      </Table>
      <Popover
        id={popover}
        title={labels.title}
        closeLabel={labels.close}
        onToggle={(event) => setOpen((event.nativeEvent as ToggleEvent).newState === 'open')}
      >
        {shown ? (
          <DetailList
            items={[
              { label: labels.id, value: shown.id, mono: true },
              {
                label: labels.status,
                value: `${labels.statuses[shown.status]} (${shown.status})`,
              },
              { label: labels.login, value: shown.login },
              { label: labels.content, value: shown.content },
              {
                label: labels.idx,
                value: shown.idx ?? labels.none,
                mono: shown.idx !== undefined,
              },
              {
                label: labels.errorCode,
                value: shown.errorCode ?? labels.none,
                mono: shown.errorCode !== undefined,
              },
              {
                label: shown.stopped ? labels.stoppedAt : labels.doneAt,
                value: shown.done ?? labels.none,
              },
            ]}
          />
        ) : null}
      </Popover>
    </>
  );
}
