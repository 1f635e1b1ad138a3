import { TableHead, type Column } from './table-head';

/** A titled card with one dense table, or a line saying there is nothing yet. */
export function TableSection({
  id,
  title,
  help,
  emptyText,
  columns,
  children,
}: {
  id: string;
  title: string;
  help?: string;
  /** shown instead of the table when set */
  emptyText: string | null;
  columns: Column[];
  /** the table's rows */
  children: React.ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {help ? <p className="mt-1 mb-4 text-sm text-slate-600">{help}</p> : null}
      {emptyText !== null ? (
        <p className="text-sm text-slate-600">{emptyText}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <TableHead columns={columns} />
            <tbody className="divide-y divide-slate-100">{children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
