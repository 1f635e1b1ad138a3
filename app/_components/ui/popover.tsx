import { clsx } from 'clsx';

/**
 * A popover without JavaScript: the HTML `popover` attribute. The trigger names its panel with
 * `popoverTarget`; the browser opens it in the top layer, closes it on Escape, a tap elsewhere
 * or the panel's close button, and returns focus to the trigger. The panel is centred in the
 * viewport and never wider or taller than it, so it fits a phone and is never clipped by a
 * scrolling table. Server-rendered: a table of 100 rows hydrates nothing for its popovers.
 */
export function PopoverTrigger({ target, className, ...props }: Omit<React.ComponentProps<'button'>, 'popoverTarget'> & { target: string }) {
  return <button type="button" popoverTarget={target} className={className} {...props} />;
}

export function Popover({
  id,
  title,
  closeLabel,
  className,
  children,
}: {
  id: string;
  /** the panel's heading and accessible name */
  title: string;
  closeLabel: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div
      id={id}
      popover="auto"
      role="dialog"
      aria-labelledby={`${id}-title`}
      className={clsx(
        'm-auto max-h-[calc(100dvh-2rem)] w-[min(24rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-slate-200 bg-white p-4 text-left text-sm whitespace-normal text-slate-900 shadow-xl backdrop:bg-slate-900/20',
        className,
      )}
    >
      <div className="mb-2 flex items-start justify-between gap-3">
        <p id={`${id}-title`} className="font-semibold">
          {title}
        </p>
        <button
          type="button"
          popoverTarget={id}
          popoverTargetAction="hide"
          className="-mt-1 -mr-1 inline-flex size-8 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100"
        >
          <span aria-hidden="true" className="text-lg leading-none">
            ×
          </span>
          <span className="sr-only">{closeLabel}</span>
        </button>
      </div>
      {children}
    </div>
  );
}

/** Label/value pairs for a popover or a card; values wrap however long they are. */
export function DetailList({ items }: { items: { label: string; value: React.ReactNode; mono?: boolean; long?: boolean }[] }) {
  return (
    <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
      {items.map((item) => (
        <div key={item.label} className="contents">
          <dt className="text-slate-600">{item.label}</dt>
          <dd className={clsx(item.mono && 'font-mono text-xs leading-5', item.long ? 'whitespace-pre-wrap' : '', 'wrap-anywhere select-text')}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
