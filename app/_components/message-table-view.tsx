'use client';

import { useId, useState } from 'react';
import type { MessageSource } from '@/lib/history/filters';
import type { MessageDetailItem } from './message-details';
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
};

type Labels = {
  /** the names of the page's statuses, by code */
  statuses: Record<number, string>;
  sources: Record<MessageSource, string>;
  /** "… {recipient}, {time}": the "i" button's name */
  open: string;
  title: string;
  close: string;
  loading: string;
  failed: string;
};

type Details = { items: MessageDetailItem[] } | 'loading' | 'failed';

/**
 * The table (ui/table) and the one popover of its rows' details. The "i" of a row is its one Tab
 * stop and opens the native popover (ui/popover) with that row's details, fetched as it opens
 * (app/(app)/history/messages/[id]) and kept: a page of rows carries none of them.
 */
export function MessageTableView({
  caption,
  columns,
  rows,
  labels,
}: {
  caption: string;
  columns: TableColumn[];
  rows: MessageRowView[];
  labels: Labels;
}) {
  const popover = useId();
  const [shown, setShown] = useState<number | null>(null);
  const [open, setOpen] = useState(false);
  const [details, setDetails] = useState<Record<number, Details>>({});

  const load = (id: number) => {
    const known = details[id];
    if (known && known !== 'failed') return;
    setDetails((all) => ({ ...all, [id]: 'loading' }));
    fetch(`/history/messages/${id}`, { headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? (response.json() as Promise<{ items: MessageDetailItem[] }>) : Promise.reject(new Error(String(response.status)))))
      .then(
        (found) => setDetails((all) => ({ ...all, [id]: found })),
        () => setDetails((all) => ({ ...all, [id]: 'failed' })),
      );
  };

  const current = shown === null ? undefined : details[shown];
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
                  setShown(row.id);
                  load(row.id);
                  // Open on another row's details: show this row's instead of closing.
                  if (open && shown !== row.id) event.preventDefault();
                }}
              >
                i
              </PopoverTrigger>
            </td>
          </tr>
        ))}
      </Table>
      <Popover id={popover} title={labels.title} closeLabel={labels.close} onToggle={(event) => setOpen((event.nativeEvent as ToggleEvent).newState === 'open')}>
        {current === undefined ? null : current === 'loading' ? (
          <p role="status">{labels.loading}</p>
        ) : current === 'failed' ? (
          <p role="alert">{labels.failed}</p>
        ) : (
          <DetailList items={current.items} />
        )}
      </Popover>
    </>
  );
}
