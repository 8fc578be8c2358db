/**
 * The query tool's parts that are not the command line itself: where the SQL comes from, and how each
 * result is printed (psql's aligned table, expanded records, CSV, JSON).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../errors';
import { formatAligned, formatCsv, formatExpanded, groupThousands, rowsWord } from '../format/result-table';
import type { ResultSet } from '../warehouse/warehouse';

/** Rows a table shows unless told otherwise: enough to see what a result holds, not a 16 MB scroll. */
export const DEFAULT_TERMINAL_ROWS = 100;

export interface QueryOutput {
  readonly format: 'table' | 'expanded' | 'csv' | 'json';
  /** Rows printed of each result; undefined prints every row. */
  readonly maxRows?: number;
  /** The user chose the cut (--limit), so the note need not teach the flags again. */
  readonly explicitLimit: boolean;
}

/**
 * Moves arguments that are SQL, not flags, after `--`, so the parser takes them as the SQL argument. An
 * argument that starts with `-` is a flag unless it holds whitespace, which no flag does: SQL that opens
 * with a `-- comment` (every file in sql/analytics/) is SQL.
 */
export function sqlArgumentsLast(argv: readonly string[]): string[] {
  const end = argv.indexOf('--', 2);
  const head = end < 0 ? argv.slice(2) : argv.slice(2, end);
  const rest = end < 0 ? [] : argv.slice(end + 1);
  const sql = head.filter((arg, i) => arg.startsWith('-') && /\s/.test(arg) && !optionTakesValue(head[i - 1]));
  if (sql.length === 0) return [...argv];
  return [...argv.slice(0, 2), ...head.filter((arg) => !sql.includes(arg)), '--', ...sql, ...rest];
}

/** Flags whose value is the next argument (a file name may hold spaces). */
function optionTakesValue(arg: string | undefined): boolean {
  return arg !== undefined && ['-f', '--file', '--limit', '--target', '--data-dir', '--workgroup', '--database', '--region', '--secret-arn', '--statement-timeout'].includes(arg);
}

export interface SqlFile {
  /** As the user wrote it, for messages. */
  readonly given: string;
  readonly path: string;
}

/**
 * The SQL texts to run, in order: the argument, then each -f file; with neither, standard input (unless it
 * is a terminal, where nothing would arrive).
 */
export async function readSqlSources(argument: string | undefined, files: readonly SqlFile[], stdin: NodeJS.ReadStream): Promise<string[]> {
  const texts: string[] = [];
  if (argument !== undefined) texts.push(argument);
  for (const file of files) {
    if (!existsSync(file.path) || !statSync(file.path).isFile()) {
      // The full path only when it says more than what was typed.
      const named = file.given === file.path ? file.given : `${file.given} (${file.path})`;
      throw new ConfigError(`The SQL file ${named} does not exist or is not a file.`);
    }
    texts.push(readFileSync(file.path, 'utf8'));
  }
  if (texts.length > 0) return texts;
  if (stdin.isTTY) {
    throw new ConfigError('Give the SQL to run: npm run query -- "SELECT …", or -f file.sql, or pipe it in (echo "SELECT 1" | npm run query).');
  }
  let text = '';
  for await (const chunk of stdin) text += chunk;
  return [text];
}

/** Prints one statement's result; a notice that belongs to no format (rows not shown) goes to stderr with CSV and JSON. */
export function printResult(result: ResultSet, output: QueryOutput, write: (text: string) => void): void {
  const { columns } = result;
  if (output.format === 'json') {
    const document = {
      command: result.command,
      columns: columns?.map(({ name, type }) => ({ name, type })) ?? null,
      rows: columns === undefined ? null : result.rows,
      rowCount: result.rowCount,
    };
    write(`${JSON.stringify(document)}\n`);
    return;
  }
  if (columns === undefined) {
    // What it did, as psql says it; with CSV, stdout is data, so the tag goes to stderr.
    if (output.format === 'csv') process.stderr.write(`${result.command}\n`);
    else write(`${result.command}\n`);
    return;
  }
  const cut = result.rowCount > result.rows.length;
  if (output.format === 'csv') {
    write(formatCsv(columns, result.rows));
    if (cut) process.stderr.write(`${footer(result, output)}\n`);
    return;
  }
  const body = output.format === 'expanded' ? formatExpanded(columns, result.rows) : formatAligned(columns, result.rows);
  write(`${result.rows.length > 0 || output.format === 'table' ? `${body}\n` : ''}${footer(result, output)}\n\n`);
}

/** "(3 rows)", or, when cut, how many there were and how to see them all. */
function footer(result: ResultSet, output: QueryOutput): string {
  if (result.rowCount <= result.rows.length) return `(${rowsWord(result.rowCount)})`;
  const shown = `${rowsWord(result.rowCount)}; the first ${groupThousands(result.rows.length)} shown`;
  if (output.explicitLimit) return `(${shown} by --limit)`;
  return `(${shown}: --limit <n> shows more, --all shows every row, --csv > file.csv writes them all)`;
}
