/** npm run etl — load the Sparkify data into the star schema, on the local warehouse or Redshift. */
import { Command } from 'commander';
import { consoleProgress, formatMs, formatTable, peakRssBytes, runCli } from '../lib/cli';
import { resolveSettings } from '../lib/config';
import { silentProgress } from '../lib/pipeline/progress';
import { runPipeline } from '../lib/pipeline/pipeline';
import { openWarehouse } from '../lib/warehouse/open';

const program = new Command('npm run etl --')
  .description(
    'Create the staging tables, COPY the song files and event logs into them, build the star schema ' +
      '(songplays, users, songs, artists, time), test it and publish it in one transaction.\n' +
      'With no Redshift stack configured it runs on the embedded local warehouse over the bundled sample.',
  )
  .option('--source <dir>', 'local folder standing in for the source bucket (song_data/, log_data/, log_json_path.json)', undefined)
  .option('--target <target>', 'where to load: local')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)')
  .option('--max-errors <n>', 'rows each COPY may reject before it fails, as COPY … MAXERROR (default 0)')
  .option('--fresh', 'drop every table the pipeline owns before loading')
  .option('--json', 'print a machine-readable summary on stdout')
  .option('--quiet', 'print no progress')
  .addHelpText(
    'after',
    `
Environment (flags win): SPARKIFY_TARGET, SPARKIFY_SOURCE, SPARKIFY_DATA_DIR, SPARKIFY_MAX_ERRORS,
  SPARKIFY_EVENTS_URI, SPARKIFY_SONGS_URI, SPARKIFY_JSONPATHS_URI, SPARKIFY_SOURCE_REGION, SPARKIFY_IAM_ROLE.`,
  );

void runCli(program, async () => {
  const flags = program.opts<{ source?: string; target?: string; dataDir?: string; maxErrors?: string; fresh?: boolean; json?: boolean; quiet?: boolean }>();
  const settings = resolveSettings(flags);
  const progress = flags.quiet ? silentProgress : consoleProgress();
  if (!flags.quiet) {
    process.stderr.write(`Target: ${settings.target.kind} (${settings.why})\n`);
    process.stderr.write(`Source: ${settings.target.sourceDir} as ${settings.sources.eventsUri}, ${settings.sources.songsUri}\n`);
  }
  const started = performance.now();
  const warehouse = await openWarehouse(settings);
  let summary;
  try {
    if (!flags.quiet) process.stderr.write(`Warehouse: ${warehouse.description}\n`);
    summary = await runPipeline(warehouse, { sources: settings.sources, fresh: flags.fresh, progress });
  } finally {
    await warehouse.close();
  }
  const totalMs = Math.round(performance.now() - started);
  if (flags.json) {
    const out = { target: settings.target.kind, why: settings.why, warehouse: warehouse.description, ...summary, totalMs, peakRssBytes: peakRssBytes() };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (!flags.quiet) {
    const rows = Object.entries(summary.tables).map(([table, n]) => ({ table, rows: n.toLocaleString('en-US') }));
    process.stdout.write(`${formatTable(rows)}\n`);
    const passed = summary.checks.filter((c) => c.failures === 0).length;
    process.stderr.write(`Done in ${formatMs(totalMs)}: ${passed} data tests passed, ${summary.rejected.length} rows rejected.\n`);
  }
});
