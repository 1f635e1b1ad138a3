import { clsx } from 'clsx';

/** What a field's control needs to be named, described and marked invalid. */
export type ControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
};

type Errors = readonly string[] | string | null | undefined;

const list = (errors: Errors): readonly string[] => (errors === null || errors === undefined ? [] : typeof errors === 'string' ? [errors] : errors);

/** `aria-describedby` for help and errors that are shown (ids `${id}-help`, `${id}-error`). */
export function describedBy(id: string, { help, errors }: { help?: unknown; errors?: Errors }): string | undefined {
  return [help ? `${id}-help` : null, list(errors).length ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

export function Label({ className, ...props }: React.ComponentProps<'label'>) {
  return <label className={clsx('block text-sm font-medium text-slate-700', className)} {...props} />;
}

export function FieldHelp({ className, ...props }: React.ComponentProps<'p'>) {
  return <p className={clsx('text-xs text-slate-600', className)} {...props} />;
}

/** A field's errors, each on its own line, in red beside the field. */
export function FieldError({ id, errors }: { id: string; errors: Errors }) {
  const lines = [...new Set(list(errors))];
  if (!lines.length) return null;
  return (
    <div id={id} className="space-y-0.5 text-sm text-red-700">
      {lines.map((line) => (
        <p key={line} className="flex gap-1.5">
          <span aria-hidden="true">!</span>
          <span className="min-w-0 wrap-anywhere">{line}</span>
        </p>
      ))}
    </div>
  );
}

/**
 * A label, one control, its help and its errors, wired together: the control gets its id,
 * `aria-describedby` (help and errors) and `aria-invalid` from the render function's argument.
 */
export function Field({
  id,
  label,
  help,
  errors,
  className,
  labelClassName,
  children,
}: {
  id: string;
  label: React.ReactNode;
  help?: React.ReactNode;
  errors?: Errors;
  className?: string;
  labelClassName?: string;
  children: (control: ControlProps) => React.ReactNode;
}) {
  const invalid = list(errors).length > 0;
  return (
    <div className={clsx('min-w-0 space-y-1', className)}>
      <Label htmlFor={id} className={labelClassName}>
        {label}
      </Label>
      {children({ id, 'aria-describedby': describedBy(id, { help, errors }), 'aria-invalid': invalid || undefined })}
      {help ? <FieldHelp id={`${id}-help`}>{help}</FieldHelp> : null}
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

/** A group of radio buttons, checkboxes or related fields under one legend, with its own help and errors. */
export function Fieldset({
  id,
  legend,
  help,
  errors,
  className,
  legendClassName,
  children,
}: {
  id: string;
  legend: React.ReactNode;
  help?: React.ReactNode;
  errors?: Errors;
  className?: string;
  legendClassName?: string;
  children: React.ReactNode;
}) {
  return (
    <fieldset id={id} aria-describedby={describedBy(id, { help, errors })} className={clsx('min-w-0', className)}>
      <legend className={clsx('mb-1 text-sm font-medium text-slate-700', legendClassName)}>{legend}</legend>
      {children}
      {help ? <FieldHelp id={`${id}-help`} className="mt-1">{help}</FieldHelp> : null}
      <FieldError id={`${id}-error`} errors={errors} />
    </fieldset>
  );
}

/** A checkbox or radio button with its label (and a line of help) beside it; the whole line is the tap target. */
export function Choice({
  label,
  help,
  className,
  ...input
}: Omit<React.ComponentProps<'input'>, 'type'> & { type: 'checkbox' | 'radio'; label: React.ReactNode; help?: React.ReactNode }) {
  return (
    <label className={clsx('flex min-h-8 items-start gap-2 py-1 text-sm has-disabled:text-slate-500', className)}>
      <input className="mt-0.5 size-4 shrink-0 accent-brand-600" {...input} />
      <span className="min-w-0">
        {label}
        {help ? <span className="block text-xs text-slate-600">{help}</span> : null}
      </span>
    </label>
  );
}
