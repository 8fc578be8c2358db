/** npm run query -- "<sql>" — run SQL (Redshift's dialect) on the warehouse and print the rows. */
import { Command } from 'commander';
import { formatTable, runCli } from '../lib/cli';
import type { Flags } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { addWaitOptions, waitOptions } from '../lib/warehouse/local/cli';
import { openForReading } from '../lib/warehouse/open';
import { addRedshiftOptions, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';

const program = new Command('npm run query --')
  .description('Run one SQL statement, in Redshift\'s dialect, on the warehouse and print its rows as a table.')
  .argument('<sql>', 'the statement, quoted, e.g. "SELECT level, COUNT(*) FROM users GROUP BY level"')
  .option('--json', 'print the rows as a JSON array')
  .option('--target <target>', 'where to query: local or redshift (default: redshift if cdk-outputs.json is found, else local)')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)');
addWaitOptions(addRedshiftOptions(program)).addHelpText(
  'after',
  `\nExample:\n  npm run query -- "SELECT gender, COUNT(*) AS users FROM users GROUP BY gender"\n${REDSHIFT_ENVIRONMENT_HELP}`,
);

void runCli(program, async () => {
  const [sql] = program.args;
  if (sql === undefined || sql.trim() === '') throw new ConfigError('Give the SQL to run as one quoted argument: npm run query -- "SELECT …".');
  const flags = program.opts<Flags & { json?: boolean; wait?: string | boolean }>();
  const warehouse = await openForReading(flags, waitOptions(flags));
  try {
    const rows = await warehouse.query(sql);
    if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else process.stdout.write(rows.length === 0 ? '(no rows)\n' : `${formatTable(rows)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
  } finally {
    await warehouse.close();
  }
});
