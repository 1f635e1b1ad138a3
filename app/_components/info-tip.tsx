'use client';

import { Popover } from 'radix-ui';
import { useEffect, useId, useRef, useState } from 'react';

export type InfoItem = {
  label: string;
  value: string;
  /** monospace, for ids and codes */
  mono?: boolean;
  /** keeps line breaks and wraps long text (message content) */
  long?: boolean;
};

const CLOSE_DELAY_MS = 150;

/**
 * An "i" button that shows details in a small popover, the same way on every device:
 * - mouse: opens while the pointer is over the button or the popover;
 * - keyboard: opens while the button has keyboard focus; Enter/Space pins it open; Escape closes;
 * - touch (or a click): a tap pins it open, a second tap or a tap elsewhere closes it.
 * The server renders only the button: the popover (Radix) mounts on the first hover, focus or
 * tap, so a table of 100 rows costs 100 buttons, not 100 popovers, to render and hydrate. The
 * popover follows the button in the DOM (reading order) and is positioned `fixed`, so a
 * horizontally scrolling table does not clip it.
 */
export function InfoTip({ label, heading, items }: { label: string; heading?: string; items: InfoItem[] }) {
  const [pinned, setPinned] = useState(false);
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const closeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const contentId = useId();
  const open = pinned || hovered || focused;

  useEffect(() => () => clearTimeout(closeTimer.current), []);

  const enter = (event: React.PointerEvent) => {
    if (event.pointerType !== 'mouse') return;
    clearTimeout(closeTimer.current);
    setHovered(true);
  };
  const leave = (event: React.PointerEvent) => {
    if (event.pointerType !== 'mouse') return;
    clearTimeout(closeTimer.current);
    closeTimer.current = setTimeout(() => setHovered(false), CLOSE_DELAY_MS);
  };
  const closeAll = () => {
    clearTimeout(closeTimer.current);
    setPinned(false);
    setHovered(false);
    setFocused(false);
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? contentId : undefined}
        onClick={() => setPinned((value) => !value)}
        onPointerEnter={enter}
        onPointerLeave={leave}
        onFocus={(event) => setFocused(event.currentTarget.matches(':focus-visible'))}
        // Tab away or a tap elsewhere closes through onOpenChange (Radix's outside detection).
        onBlur={() => setFocused(false)}
        className="inline-flex size-7 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100 hover:text-slate-800 aria-expanded:bg-brand-50 aria-expanded:text-brand-700"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4.5" fill="currentColor">
          <path
            fillRule="evenodd"
            d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm.75-11.5a1 1 0 1 1-2 0 1 1 0 0 1 2 0ZM9 9a.75.75 0 0 0 0 1.5h.25v3.25a.75.75 0 0 0 1.5 0V9.75A.75.75 0 0 0 10 9H9Z"
            clipRule="evenodd"
          />
        </svg>
      </button>
      {open ? (
        <Popover.Root open onOpenChange={(next) => (next ? undefined : closeAll())}>
          <Popover.Anchor virtualRef={button} />
          <Popover.Content
            id={contentId}
            side="left"
            align="start"
            sideOffset={6}
            collisionPadding={8}
            onOpenAutoFocus={(event) => event.preventDefault()}
            onCloseAutoFocus={(event) => event.preventDefault()}
            // The button toggles by itself; a press on it is not "outside".
            onInteractOutside={(event) => {
              if (button.current?.contains(event.target as Node)) event.preventDefault();
            }}
            onPointerEnter={enter}
            onPointerLeave={leave}
            aria-label={heading ?? label}
            className="z-30 w-[min(22rem,calc(100vw-1rem))] rounded-lg border border-slate-200 bg-white p-3 text-left text-sm whitespace-normal shadow-lg"
          >
            {heading ? <p className="mb-2 font-semibold text-slate-900">{heading}</p> : null}
            <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
              {items.map((item) => (
                <div key={item.label} className="contents">
                  <dt className="text-slate-600">{item.label}</dt>
                  <dd
                    className={`${item.mono ? 'font-mono text-xs leading-5' : ''} ${item.long ? 'break-words whitespace-pre-wrap' : 'break-all'} text-slate-900 select-text`}
                  >
                    {item.value}
                  </dd>
                </div>
              ))}
            </dl>
          </Popover.Content>
        </Popover.Root>
      ) : null}
    </>
  );
}
