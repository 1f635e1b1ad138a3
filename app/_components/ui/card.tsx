import { clsx } from 'clsx';

/** A white box on the page's grey. */
export function Card({ className, ...props }: React.ComponentProps<'div'>) {
  return <div className={clsx('min-w-0 rounded-lg border border-slate-200 bg-white p-4 sm:p-5', className)} {...props} />;
}

/**
 * A titled part of a page (a region named by its heading), with an optional line of help and
 * actions beside the title.
 */
export function Section({
  id,
  title,
  help,
  actions,
  className,
  children,
}: {
  id: string;
  title: React.ReactNode;
  help?: React.ReactNode;
  actions?: React.ReactNode;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className={clsx('min-w-0 rounded-lg border border-slate-200 bg-white p-4 sm:p-5', className)}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {help ? <p className="-mt-2 mb-4 text-sm text-slate-600">{help}</p> : null}
      {children}
    </section>
  );
}
