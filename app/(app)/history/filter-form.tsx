'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';

/**
 * The filters' GET form. Without JavaScript it submits as any form (filters in the URL). With
 * it, empty fields are left out of the URL, so shared links stay short, and the page updates
 * without a full reload.
 */
export function FilterForm({ action, label, children }: { action: string; label: string; children: React.ReactNode }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <form
      method="get"
      action={action}
      role="search"
      aria-label={label}
      aria-busy={pending}
      className={pending ? 'opacity-70 transition-opacity' : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(event.currentTarget)) {
          if (typeof value === 'string' && value.trim() !== '') params.append(key, value.trim());
        }
        const query = params.toString();
        startTransition(() => router.push(query ? `${action}?${query}` : action));
      }}
    >
      {children}
    </form>
  );
}
