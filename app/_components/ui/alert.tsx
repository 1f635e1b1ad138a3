import { clsx } from 'clsx';

const TONES = {
  error: 'border-red-200 bg-red-50 text-red-800',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  info: 'border-slate-200 bg-slate-50 text-slate-700',
} as const;

/** A boxed message: errors as an alert, the rest as a status, unless `role` says otherwise. */
export function Alert({
  tone,
  title,
  className,
  children,
  ...props
}: React.ComponentProps<'div'> & { tone: keyof typeof TONES; title?: React.ReactNode }) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={clsx('rounded-md border px-4 py-3 text-sm', TONES[tone], className)} {...props}>
      {title ? <p className="font-semibold">{title}</p> : null}
      {children}
    </div>
  );
}
