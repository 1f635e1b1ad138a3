import { clsx } from 'clsx';
import './table.css';

export type TableColumn = {
  label: string;
  /** right-aligned, tabular figures */
  numeric?: boolean;
  /** a column of buttons: its header is read by screen readers only, and not shown on a phone */
  srOnly?: boolean;
  className?: string;
};

const MAX_COLUMNS = 10;

/** A label as a CSS string for `content:` (quotes and backslashes escaped). */
const cssString = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`).replace(/\s+/g, ' ')}"`;

/**
 * The app's dense table. From 48 rem up, a table whose cells wrap to fit its box (long unbroken
 * names too), so it does not scroll sideways; narrower, its rows stack into labelled cards
 * (table.css). The columns are listed once: they make the header row and the phone labels.
 */
export function Table({
  caption,
  columns,
  framed,
  className,
  children,
  ...props
}: Omit<React.ComponentProps<'table'>, 'children'> & {
  caption: string;
  columns: TableColumn[];
  /** in its own white box (a table that is a page's main content), not inside a card */
  framed?: boolean;
  children: React.ReactNode;
}) {
  if (columns.length > MAX_COLUMNS) throw new RangeError(`a table has at most ${MAX_COLUMNS} columns`);
  const labels = Object.fromEntries(columns.map((column, i) => [`--col-${i + 1}`, column.srOnly ? '""' : cssString(column.label)]));
  return (
    <div className={clsx('ui-table', framed && 'rounded-lg border border-slate-200 bg-white', className)}>
      <table style={labels} {...props}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={clsx(column.numeric && 'text-right', column.className)}>
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

type CellStyle = {
  numeric?: boolean;
  /** names and text a user typed: break anywhere rather than widen the table */
  long?: boolean;
  /** keep on one line in the table (dates, pills); wraps when stacked on a phone */
  nowrap?: boolean;
  /** spans both columns of a stacked row */
  wide?: boolean;
};

const cellClass = ({ numeric, long, nowrap }: CellStyle, className?: string) =>
  clsx(numeric && 'tabular text-right', long && 'wrap-anywhere', nowrap && 'whitespace-nowrap', className) || undefined;

// Only the attributes a cell has: an absent prop costs nothing, an undefined one is still
// written into the page's RSC payload ("$undefined"), once per cell.
const cellProps = ({ numeric, long, nowrap, wide }: CellStyle, className?: string) => {
  const classes = cellClass({ numeric, long, nowrap }, className);
  return { ...(wide ? { 'data-wide': true } : {}), ...(classes ? { className: classes } : {}) };
};

export function TableCell({ numeric, long, nowrap, wide, className, ...props }: React.ComponentProps<'td'> & CellStyle) {
  return <td {...cellProps({ numeric, long, nowrap, wide }, className)} {...props} />;
}

/** The cell that names the row (a campaign, a report): a row header for screen readers. */
export function TableRowHeader({ numeric, long, nowrap, wide, className, ...props }: React.ComponentProps<'th'> & CellStyle) {
  return <th scope="row" {...cellProps({ numeric, long, nowrap, wide }, clsx('font-medium', className))} {...props} />;
}
