import { clsx } from 'clsx';

// One look per purpose, so forms stop copying class strings. Every size is at least a 32 px tap
// target (WCAG 2.2 asks 24); labels may wrap on a phone rather than push the page wider.
const VARIANTS = {
  primary: 'bg-brand-600 text-white shadow-xs hover:bg-brand-700',
  secondary: 'border border-slate-300 bg-white text-slate-800 shadow-xs hover:bg-slate-50',
  danger: 'bg-red-700 text-white shadow-xs hover:bg-red-800',
  dangerOutline: 'border border-red-300 bg-white text-red-700 shadow-xs hover:bg-red-50',
  ghost: 'text-slate-700 hover:bg-slate-100',
  link: 'text-brand-700 underline underline-offset-2 hover:text-brand-600',
  dangerLink: 'text-red-700 underline underline-offset-2 hover:text-red-800',
} as const;

const SIZES = {
  md: 'min-h-10 px-4 py-2',
  sm: 'min-h-8 px-3 py-1',
  icon: 'size-8 rounded-full',
  /** links in running text and tables: no padding, still a 24 px target */
  inline: 'min-h-6',
} as const;

export type ButtonStyle = { variant?: keyof typeof VARIANTS; size?: keyof typeof SIZES };

/** The classes of a button, for elements that look like one (a Link, a download <a>). */
export function buttonClass({ variant = 'primary', size = 'md' }: ButtonStyle = {}, className?: string): string {
  return clsx(
    'inline-flex items-center justify-center gap-1.5 rounded-md text-center text-sm font-semibold',
    'disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60',
    VARIANTS[variant],
    SIZES[size],
    className,
  );
}

/** A button; `type` defaults to "button", so only a button meant to submit submits. */
export function Button({ variant, size, className, type = 'button', ...props }: React.ComponentProps<'button'> & ButtonStyle) {
  return <button type={type} className={buttonClass({ variant, size }, className)} {...props} />;
}
