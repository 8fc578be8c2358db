/** npm run status — the warehouse's last ETL runs, the days it holds and the gaps, and its table sizes. */
import { Command } from 'commander';
import { formatTable, runCli } from '../lib/cli';
import { type Flags, resolveSettings } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { spans, warehouseStatus } from '../lib/pipeline/warehouse-status';
import { openForReading } from '../lib/warehouse/open';
import { addRedshiftOptions, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';

const program = new Command('npm run status --')
  .description(
    'Show where the ETL loads, its last runs (etl_runs: mode, days, status, rows), which days the star schema ' +
      'holds and the gaps between them, and the rows in every table the pipeline owns. Reads only.',
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
  const out = process.stdout;
  out.write(`Target: ${warehouse.description} (${settings.why})\n\n`);
  out.write(`Last runs (newest first):\n`);
  out.write(
    status.runs.length === 0
      ? '  none recorded (no run has written etl_runs yet)\n'
      : `${formatTable(
          status.runs.map((r) => ({
            started: r.started_at,
            mode: r.mode,
            days: r.mode === 'full' ? 'all' : r.first_day === r.last_day ? r.first_day : `${r.first_day}…${r.last_day}`,
            status: r.status,
            seconds: r.ended_at === null ? '' : ((Date.parse(`${r.ended_at}Z`) - Date.parse(`${r.started_at}Z`)) / 1000).toFixed(1),
            events: rowsOf(r.rows_loaded, 'staging_events'),
            plays: rowsOf(r.rows_loaded, 'songplays'),
            rejected: Object.values(parsed(r.rows_rejected)).reduce((a, b) => a + b, 0),
            by: r.run_by,
            message: (r.message ?? '').length > 60 ? `${r.message!.slice(0, 59)}…` : (r.message ?? ''),
          })),
        )}\n`,
  );
  out.write(`\nDays loaded: ${status.days.length === 0 ? 'none' : `${status.days.length} (${spans(status.days.map((d) => d.day)).join(', ')})`}\n`);
  out.write(`Gaps: ${status.gaps.length === 0 ? 'none' : status.gaps.map(([a, b]) => (a === b ? a : `${a}…${b}`)).join(', ')}\n\n`);
  const tables = Object.entries(status.tables).map(([table, n]) => ({ table, rows: n.toLocaleString('en-US') }));
  out.write(tables.length === 0 ? 'Tables: none yet (run npm run etl)\n' : `${formatTable(tables)}\n`);
});

/** The rows per table a ledger row holds (JSON), or none. */
function parsed(json: string | null): Record<string, number> {
  try {
    return json === null ? {} : (JSON.parse(json) as Record<string, number>);
  } catch {
    return {};
  }
}

function rowsOf(json: string | null, table: string): string {
  const n = parsed(json)[table];
  return n === undefined ? '' : n.toLocaleString('en-US');
}
