import { clsx } from 'clsx';
import { controlClass } from './input';

/**
 * The browser's own <select>, styled like the other fields: it submits with a plain GET form
 * (history filters work without JavaScript) and opens the phone's native picker.
 */
export function Select({ className, ...props }: React.ComponentProps<'select'>) {
  return <select className={clsx(controlClass, 'pr-8', className)} {...props} />;
}
