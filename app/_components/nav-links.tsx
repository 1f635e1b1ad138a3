'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { Button } from './ui/button';

export type NavItem = { href: string; label: string };

export function NavLinks({ items, label, openLabel, closeLabel }: { items: NavItem[]; label: string; openLabel: string; closeLabel: string }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  return (
    <nav aria-label={label} className="md:w-56 md:shrink-0">
      <Button variant="secondary" size="sm" className="md:hidden" aria-expanded={open} aria-controls="main-nav-list" onClick={() => setOpen((v) => !v)}>
        {open ? closeLabel : openLabel}
      </Button>
      <ul id="main-nav-list" className={`${open ? 'mt-3 block' : 'hidden'} space-y-1 md:mt-0 md:block`}>
        {items.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                onClick={() => setOpen(false)}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${
                  active ? 'bg-brand-50 text-brand-700' : 'text-slate-700 hover:bg-slate-100'
                }`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
