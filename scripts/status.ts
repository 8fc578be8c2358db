/** npm run status — the warehouse's last ETL runs, the days it holds and the gaps, the files loaded, and its table sizes. */
import { Command } from 'commander';
import { runCli } from '../lib/cli';
import { type Flags, resolveSettings } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { formatStatus, warehouseStatus } from '../lib/pipeline/warehouse-status';
import { openForReading } from '../lib/warehouse/open';
import { addRedshiftOptions, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';

const program = new Command('npm run status --')
  .description(
    'Show where the ETL loads, its last runs (etl_runs: mode, days, status, rows), which days the star schema ' +
      'holds and the gaps between them, the files they were loaded from (loaded_files), and the rows in every table ' +
      'the pipeline owns. Reads only.',
  )
  .option('--runs <n>', 'how many of the last runs to show', '10')
  .option('--json', 'print it all as one JSON object')
  .option('--target <target>', 'which warehouse: local or redshift (default: redshift if cdk-outputs.json is found, else local)')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)');
addRedshiftOptions(program).addHelpText('after', `\nExamples:\n  npm run status\n  npm run status -- --runs 30 --json\n${REDSHIFT_ENVIRONMENT_HELP}`);

void runCli(program, async () => {
  const flags = program.opts<Flags & { runs: string; json?: boolean }>();
  const runs = Number(flags.runs);
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 1000) throw new ConfigError(`--runs must be a whole number from 1 to 1000; got ${JSON.stringify(flags.runs)}.`);
  const settings = resolveSettings(flags);
  const target =
    settings.target.kind === 'local'
      ? { kind: 'local', dataDir: settings.target.dataDir }
      : { kind: 'redshift', workgroup: settings.target.workgroupName, database: settings.target.database };
  const warehouse = await openForReading(flags);
  let status;
  try {
    status = await warehouseStatus(warehouse, runs);
  } finally {
    await warehouse.close();
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ target, warehouse: warehouse.description, ...status }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Target: ${warehouse.description} (${settings.why})\n\n${formatStatus(status)}`);
});
