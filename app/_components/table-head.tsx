export type Column = { label: string; numeric?: boolean; /** read by screen readers only */ hidden?: boolean };

/** The header row of the app's dense tables: small caps labels, numbers right-aligned. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
      <tr>
        {columns.map((column, i) => (
          <th key={column.label} scope="col" className={`py-2 ${i < columns.length - 1 ? 'pr-4' : ''} ${column.numeric ? 'text-right' : ''}`}>
            {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
