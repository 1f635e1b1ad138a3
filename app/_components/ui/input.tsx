import { clsx } from 'clsx';

// 16 px text on a phone, so iOS does not zoom into the field; 14 px from `sm` up.
export const controlClass = clsx(
  'block w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-xs sm:text-sm',
  'placeholder:text-slate-500 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600',
  'aria-invalid:border-red-600 aria-invalid:ring-1 aria-invalid:ring-red-600',
);

export function Input({ className, ...props }: React.ComponentProps<'input'>) {
  return <input className={clsx(controlClass, className)} {...props} />;
}

export function Textarea({ className, ...props }: React.ComponentProps<'textarea'>) {
  return <textarea className={clsx(controlClass, className)} {...props} />;
}
