import { useTranslations } from 'next-intl';

/** The branded page for "not found" and "something went wrong": the portal's name, what happened, ways on. */
export function ErrorScreen({
  code,
  title,
  body,
  reference,
  children,
}: {
  code: string;
  title: string;
  body: string;
  reference?: string;
  children: React.ReactNode;
}) {
  const meta = useTranslations('meta');
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="text-base font-semibold tracking-tight text-brand-700">{meta('title')}</p>
        <p className="mt-6 font-mono text-sm text-slate-600">{code}</p>
        <h1 className="mt-1 text-xl font-semibold">{title}</h1>
        <p className="mt-2 text-sm text-slate-700">{body}</p>
        {reference ? <p className="mt-2 font-mono text-xs text-slate-600">{reference}</p> : null}
        <div className="mt-6 flex flex-wrap gap-3">{children}</div>
      </div>
    </main>
  );
}
