/** npm run etl — load the Sparkify data into the star schema, on the local warehouse or Redshift. */
import { Command } from 'commander';
import { consoleProgress, formatMs, formatTable, peakRssBytes, runCli } from '../lib/cli';
import { resolveSettings } from '../lib/config';
import { silentProgress } from '../lib/pipeline/progress';
import { useStagedCatalogue } from '../lib/stage/discover';
import { runPipeline } from '../lib/pipeline/pipeline';
import { openWarehouse } from '../lib/warehouse/open';
import { addRedshiftOptions, cancelOnInterrupt, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';
import type { RedshiftDataApiWarehouse } from '../lib/warehouse/redshift/redshift-warehouse';

const program = new Command('npm run etl --')
  .description(
    'Create the staging tables, COPY the song files and event logs into them, build the star schema ' +
      '(songplays, users, songs, artists, time, user_agents), test it and publish it in one transaction.\n' +
      'With no Redshift stack configured it runs on the embedded local warehouse over the bundled sample.',
  )
  .option('--source <dir>', 'local folder standing in for the source bucket (song_data/, log_data/, log_json_path.json)', undefined)
  .option('--target <target>', 'where to load: local or redshift (default: redshift if cdk-outputs.json is found, else local)')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)')
  .option('--max-errors <n>', 'rows each COPY may reject before it fails, as COPY … MAXERROR (default 0)');
addRedshiftOptions(program)
  .option('--fresh', 'drop every table the pipeline owns before loading')
  .option('--json', 'print a machine-readable summary on stdout')
  .option('--quiet', 'print no progress')
  .addHelpText(
    'after',
    `
Environment (flags win): SPARKIFY_TARGET, SPARKIFY_SOURCE, SPARKIFY_DATA_DIR, SPARKIFY_MAX_ERRORS,
  SPARKIFY_EVENTS_URI, SPARKIFY_SONGS_URI, SPARKIFY_JSONPATHS_URI, SPARKIFY_SOURCE_REGION, SPARKIFY_IAM_ROLE.${REDSHIFT_ENVIRONMENT_HELP}`,
  );

void runCli(program, async () => {
  const flags = program.opts<{
    source?: string;
    target?: string;
    dataDir?: string;
    maxErrors?: string;
    workgroup?: string;
    database?: string;
    region?: string;
    secretArn?: string;
    statementTimeout?: string;
    fresh?: boolean;
    json?: boolean;
    quiet?: boolean;
  }>();
  // On Redshift, the stack's staging bucket may hold the song catalogue compacted by npm run stage.
  const { settings, note: stagedNote } = await useStagedCatalogue(resolveSettings(flags));
  const { target, sources } = settings;
  const progress = flags.quiet ? silentProgress : consoleProgress();
  if (!flags.quiet) {
    process.stderr.write(`Target: ${target.kind} (${settings.why})\n`);
    process.stderr.write(
      target.kind === 'local'
        ? `Source: ${target.sourceDir} as ${sources.eventsUri}, ${sources.songsUri}\n`
        : `Source: ${sources.eventsUri}, ${sources.songsUri} (IAM_ROLE ${sources.iamRole}${stagedNote ? `; ${stagedNote}` : ''})\n`,
    );
  }
  const started = performance.now();
  const warehouse = await openWarehouse(settings, {
    onProgress: flags.quiet ? undefined : (line) => process.stderr.write(`    … ${line}\n`),
    signal: target.kind === 'redshift' ? cancelOnInterrupt() : undefined,
  });
  let summary;
  try {
    if (!flags.quiet) process.stderr.write(`Warehouse: ${warehouse.description}\n`);
    summary = await runPipeline(warehouse, { sources, fresh: flags.fresh, progress });
  } finally {
    await warehouse.close();
  }
  const totalMs = Math.round(performance.now() - started);
  const dataApi = target.kind === 'redshift' ? (warehouse as RedshiftDataApiWarehouse).stats() : undefined;
  if (flags.json) {
    const out = { target: target.kind, why: settings.why, warehouse: warehouse.description, ...summary, dataApi, totalMs, peakRssBytes: peakRssBytes() };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (!flags.quiet) {
    const rows = Object.entries(summary.tables).map(([table, n]) => ({ table, rows: n.toLocaleString('en-US') }));
    process.stdout.write(`${formatTable(rows)}\n`);
    const passed = summary.checks.filter((c) => c.failures === 0).length;
    process.stderr.write(`Done in ${formatMs(totalMs)}: ${passed} data tests passed, ${summary.rejected.length} rows rejected.\n`);
    if (dataApi) {
      process.stderr.write(
        `Data API: ${dataApi.totalCalls} calls (${dataApi.retries} retried) for ${dataApi.statements} statements; waiting took ` +
          `${formatMs(dataApi.pollingMs)} for ${formatMs(dataApi.statementMs)} of running, at most ${formatMs(dataApi.maxOverheadMs)} added to one statement.\n`,
      );
    }
  }
});
