/**
 * Rows for people and for spreadsheets, the way psql prints them: an aligned table (numbers right-aligned
 * and grouped, no rule between rows), expanded records (one column per line, psql's \x), and CSV.
 * Rows are arrays in column order, so two columns of the same name (`SELECT 1, 2`) stay apart.
 */
import type { Row, SqlValue } from '../warehouse/warehouse';

export interface TableColumn {
  readonly name: string;
  /** Numbers are aligned right and grouped in thousands (2,018 is not: see `groups`). */
  readonly numeric: boolean;
}

export type TableRow = readonly SqlValue[];

/** How NULL shows on a terminal: never mistaken for an empty string. */
export const NULL_TEXT = 'NULL';

/**
 * Whether a numeric column's values are grouped in thousands. Years and ids are numbers nobody reads as
 * quantities ("2,018", "user 1,024"), so they are not.
 */
export function groups(column: string): boolean {
  return !/(^|_)(year|id)$/i.test(column);
}

/** 1234567.891 → 1,234,567.891, exactly as given (decimals arrive as text, so none are rounded here). */
export function groupThousands(value: number | string): string {
  const text = String(value);
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (m === null) return text; // 1e+21, NaN, Infinity
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** A value as a terminal shows it. */
export function displayValue(value: SqlValue | undefined, column: TableColumn): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (column.numeric && (typeof value === 'number' || typeof value === 'string') && groups(column.name)) return groupThousands(value);
  return String(value);
}

/** Characters as a terminal counts them (code points; tabs and newlines shown escaped, so a cell stays on its line). */
function cellText(text: string): string {
  return text.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
}
const width = (text: string) => [...text].length;
const pad = (text: string, n: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, n - width(text)));
  return right ? fill + text : text + fill;
};

/**
 * psql's aligned format with its unicode line style:
 *
 *    level │ users
 *   ───────┼───────
 *    free  │    82
 */
export function formatAligned(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  const cells = rows.map((row) => columns.map((c, i) => cellText(displayValue(row[i], c))));
  const widths = columns.map((c, i) => Math.max(width(c.name), ...cells.map((r) => width(r[i]!))));
  const line = (values: readonly string[], header: boolean) =>
    ` ${values.map((v, i) => pad(v, widths[i]!, !header && columns[i]!.numeric)).join(' │ ')}`.trimEnd();
  const rule = widths.map((w) => '─'.repeat(w + 2)).join('┼').slice(1);
  return [line(columns.map((c) => c.name), true), `─${rule}`, ...cells.map((r) => line(r, false))].join('\n');
}

/** psql's expanded format (\x): each row a record, one column per line. */
export function formatExpanded(columns: readonly TableColumn[], rows: readonly TableRow[], firstRecord = 1): string {
  const nameWidth = Math.max(...columns.map((c) => width(c.name)));
  return rows
    .map((row, r) => {
      const title = `-[ RECORD ${firstRecord + r} ]`;
      const lines = columns.map((c, i) => `${pad(c.name, nameWidth, false)} │ ${cellText(displayValue(row[i], c))}`.trimEnd());
      const ruleWidth = Math.max(width(title), ...lines.map(width));
      return [title + '─'.repeat(Math.max(0, ruleWidth - width(title))), ...lines].join('\n');
    })
    .join('\n');
}

/**
 * RFC 4180 CSV with a header line, as psql --csv writes it: values exact (no grouping), NULL as an empty
 * field, a field quoted when it holds a comma, a quote, a line break, or starts or ends with a space.
 */
export function formatCsv(columns: readonly TableColumn[], rows: readonly TableRow[], header = true): string {
  const field = (value: SqlValue | undefined) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map((row) => columns.map((_, i) => field(row[i])).join(','));
  return [...(header ? [columns.map((c) => field(c.name)).join(',')] : []), ...lines].map((l) => `${l}\r\n`).join('');
}

/** "1 row", "6,820 rows". */
export function rowsWord(n: number, noun = 'row'): string {
  return `${groupThousands(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** Rows of objects (the pipeline's and the analytics' results) as an aligned table; numbers by their values. */
export function formatRecords(rows: readonly Row[], names: readonly string[] = Object.keys(rows[0] ?? {})): string {
  const columns = names.map((name) => ({ name, numeric: rows.some((r) => typeof r[name] === 'number') }));
  return formatAligned(
    columns,
    rows.map((r) => names.map((n) => r[n] ?? null)),
  );
}
