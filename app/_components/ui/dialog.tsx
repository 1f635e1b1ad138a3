'use client';

import { clsx } from 'clsx';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { useState, useTransition } from 'react';
import { Button, type ButtonStyle } from './button';

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

/**
 * A modal dialog that always lies inside the viewport: 1 rem from the edges on a phone, at most
 * 28 rem wide, scrolling inside when taller than the screen. Centred with margins rather than a
 * transform, so a tap lands on the button it is aimed at.
 */
export function DialogContent({ className, children, ...props }: React.ComponentProps<typeof DialogPrimitive.Content>) {
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
      <DialogPrimitive.Content
        className={clsx(
          'fixed inset-x-4 top-4 bottom-4 z-50 m-auto h-fit max-h-[calc(100dvh-2rem)] max-w-md overflow-y-auto',
          'space-y-4 rounded-lg bg-white p-5 text-left text-sm whitespace-normal text-slate-800 shadow-xl',
          className,
        )}
        {...props}
      >
        {children}
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

export function DialogTitle({ className, ...props }: React.ComponentProps<typeof DialogPrimitive.Title>) {
  return <DialogPrimitive.Title className={clsx('text-lg font-semibold text-slate-900 wrap-anywhere', className)} {...props} />;
}

export function DialogDescription({ className, ...props }: React.ComponentProps<typeof DialogPrimitive.Description>) {
  return <DialogPrimitive.Description className={clsx('text-sm text-slate-700', className)} {...props} />;
}

/** The dialog's buttons: full width and stacked (the main one on top) on a phone, in a row from `sm` up. */
export function DialogFooter({ className, ...props }: React.ComponentProps<'div'>) {
  return <div className={clsx('flex flex-col-reverse gap-3 sm:flex-row sm:justify-end [&>*]:max-sm:w-full', className)} {...props} />;
}

/**
 * "Are you sure?" for an action that cannot be undone: the trigger opens it, Confirm runs
 * `onConfirm` (the dialog stays open, its buttons disabled, until it settles), Cancel or Escape
 * closes it. What happened is the caller's to show.
 */
export function ConfirmDialog({
  trigger,
  title,
  description,
  children,
  confirmLabel,
  pendingLabel,
  cancelLabel,
  confirmVariant = 'danger',
  onConfirm,
}: {
  /** one element, usually a <Button> */
  trigger: React.ReactElement;
  title: React.ReactNode;
  description: React.ReactNode;
  children?: React.ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  cancelLabel: string;
  confirmVariant?: ButtonStyle['variant'];
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const confirm = () =>
    startTransition(async () => {
      try {
        await onConfirm();
      } finally {
        setOpen(false);
      }
    });
  return (
    <Dialog open={open} onOpenChange={(next) => (pending ? undefined : setOpen(next))}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        {children}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary" disabled={pending}>
              {cancelLabel}
            </Button>
          </DialogClose>
          <Button variant={confirmVariant} onClick={confirm} disabled={pending}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
