/** npm run query — run SQL (Redshift's dialect) on the warehouse and print what it returned or did, as psql does. */
import { Command } from 'commander';
import { runCli, userPath } from '../lib/cli';
import type { Flags } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { checkpoint } from '../lib/interrupts';
import { addWaitOptions, waitOptions } from '../lib/warehouse/local/cli';
import { DEFAULT_TERMINAL_ROWS, printResult, type QueryOutput, readSqlSources, sqlArgumentsLast } from '../lib/query/query-tool';
import { splitStatements } from '../lib/warehouse/sql-lexer';
import { openForReading } from '../lib/warehouse/open';
import { addRedshiftOptions, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('npm run query --')
  .description(
    "Run SQL, in Redshift's dialect, on the warehouse, as psql would: rows as a table (or CSV, JSON, one " +
      'record per line with -x), and for a statement that changes data what it did (DELETE 75, INSERT 0 3). ' +
      'The SQL comes from the argument, from -f files (in that order), or from standard input; a file may ' +
      'hold several statements separated by semicolons.',
  )
  .argument('[sql]', 'the SQL, quoted, e.g. "SELECT level, COUNT(*) FROM users GROUP BY level"')
  .option('-f, --file <file>', 'run the SQL in this file (repeatable)', collect, [])
  .option('--csv', 'print rows as CSV (RFC 4180, header line, exact values, NULL as an empty field)')
  .option('--json', 'print each result as a JSON object: {command, columns, rows (arrays, in column order), rowCount}')
  .option('-x, --expanded', 'print each row as a record, one column per line (psql\'s \\x), for wide rows')
  .option('--limit <n>', `print at most n rows of each result (default ${DEFAULT_TERMINAL_ROWS} for tables; every row for --csv and --json)`)
  .option('--all', 'print every row as a table, however many')
  .option('--read-only', 'refuse anything but reads (SELECT, WITH … SELECT, VALUES, SHOW, EXPLAIN)')
  .option('--target <target>', 'where to query: local or redshift (default redshift if cdk-outputs.json is found, else local)')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)');
addWaitOptions(addRedshiftOptions(program)).addHelpText(
  'after',
  `
Examples:
  npm run query -- "SELECT gender, COUNT(*) AS users FROM users GROUP BY gender"
  npm run query -- -f sql/analytics/gender.sql
  npm run query -- --csv "SELECT * FROM songplays" > songplays.csv
  echo "SELECT COUNT(*) FROM songs" | npm run query
${REDSHIFT_ENVIRONMENT_HELP}`,
);

void runCli(
  program,
  async () => {
    const flags = program.opts<Flags & { file: string[]; csv?: boolean; json?: boolean; expanded?: boolean; limit?: string; all?: boolean; readOnly?: boolean; wait?: string | boolean }>();
    const output = outputOf(flags);
    const sources = readSqlSources(program.args[0], flags.file.map((f) => ({ given: f, path: userPath(f) })), process.stdin);
    const statements = (await sources).flatMap((text) => splitStatements(text));
    if (statements.length === 0) throw new ConfigError('There is no SQL to run: the argument, the files or standard input held only comments or nothing.');
    const warehouse = await openForReading(flags, waitOptions(flags));
    try {
      if (warehouse.execute === undefined) throw new ConfigError(`The ${warehouse.description} cannot run arbitrary statements.`);
      for (const sql of statements) {
        const result = await warehouse.execute(sql, { readOnly: flags.readOnly, maxRows: output.maxRows });
        // A Ctrl-C while the statement ran (a local one runs to its end): its result is not printed.
        await checkpoint('after the statement running then had ended (what it changed stays); its result was not printed');
        printResult(result, output, (text) => process.stdout.write(text));
      }
    } finally {
      await warehouse.close();
    }
  },
  sqlArgumentsLast(process.argv),
);

function outputOf(flags: { csv?: boolean; json?: boolean; expanded?: boolean; limit?: string; all?: boolean }): QueryOutput {
  const formats = [flags.csv && '--csv', flags.json && '--json', flags.expanded && '--expanded'].filter(Boolean);
  if (formats.length > 1) throw new ConfigError(`Choose one output format: ${formats.join(' and ')} were both given.`);
  if (flags.all && flags.limit !== undefined) throw new ConfigError('Give --limit or --all, not both.');
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new ConfigError(`--limit must be a whole number of rows, 0 or more; got ${JSON.stringify(flags.limit)}.`);
  }
  const format = flags.csv ? 'csv' : flags.json ? 'json' : flags.expanded ? 'expanded' : 'table';
  // A table for a person stops at a screenful or two unless asked; CSV and JSON are for files and programs.
  const shown = limit ?? (flags.all || format === 'csv' || format === 'json' ? undefined : DEFAULT_TERMINAL_ROWS);
  return { format, maxRows: shown, explicitLimit: limit !== undefined };
}
