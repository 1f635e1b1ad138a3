import { clsx } from 'clsx';
import { Fragment } from 'react';
import './popover.css';

/**
 * A popover without JavaScript: the HTML `popover` attribute. The trigger names its panel with
 * `popoverTarget`; the browser opens it in the top layer, closes it on Escape, a tap elsewhere
 * or the panel's close button, and returns focus to the trigger. The panel is centred in the
 * viewport and never wider or taller than it, so it fits a phone and no scrolling table clips
 * it. Styled by one stylesheet (popover.css), so a table of 100 rows repeats no class strings
 * for its popovers.
 */
export function PopoverTrigger({ target, ...props }: Omit<React.ComponentProps<'button'>, 'popoverTarget'> & { target: string }) {
  return <button type="button" popoverTarget={target} {...props} />;
}

export function Popover({
  id,
  title,
  closeLabel,
  className,
  onToggle,
  children,
}: {
  id: string;
  /** the panel's heading and accessible name */
  title: string;
  closeLabel: string;
  className?: string;
  /** opened or closed (by its trigger, Escape, a tap elsewhere or its close button) */
  onToggle?: React.ToggleEventHandler<HTMLDivElement>;
  children: React.ReactNode;
}) {
  return (
    <div id={id} popover="auto" role="dialog" aria-labelledby={`${id}-t`} className={clsx('ui-popover', className)} {...(onToggle ? { onToggle } : {})}>
      <header>
        <span id={`${id}-t`}>{title}</span>
        <button type="button" popoverTarget={id} popoverTargetAction="hide" aria-label={closeLabel}>
          ×
        </button>
      </header>
      {children}
    </div>
  );
}

export type Detail = { label: string; value: React.ReactNode; /** ids and codes */ mono?: boolean };

/** Label / value pairs; values keep their line breaks and wrap however long they are. */
export function DetailList({ items, className }: { items: Detail[]; className?: string }) {
  return (
    <dl className={clsx('ui-details', className)}>
      {items.map((item) => (
        <Fragment key={item.label}>
          <dt>{item.label}</dt>
          <dd {...(item.mono ? { 'data-mono': true } : {})}>{item.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
