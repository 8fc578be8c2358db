/** npm run etl — load the Sparkify data into the star schema, on the local warehouse or Redshift. */
import { Command } from 'commander';
import { consoleProgress, formatMs, formatTable, peakRssBytes, runCli } from '../lib/cli';
import { localS3Folders, type LocalTarget, resolveSettings, type Settings } from '../lib/config';
import { ConfigError, SparkifyError } from '../lib/errors';
import { finishUninterrupted, InterruptedError, interruption } from '../lib/interrupts';
import { type Progress, silentProgress } from '../lib/pipeline/progress';
import { PUBLISH_STEP } from '../lib/pipeline/pipeline';
import { type DayPlan, parseRunRequest, planDays, runEtl } from '../lib/pipeline/etl-run';
import { logDays } from '../lib/pipeline/log-days';
import { localFiles } from '../lib/pipeline/local-files';
import { type ListFiles, s3Files } from '../lib/pipeline/source-files';
import { runIdentity } from '../lib/pipeline/run-ledger';
import { useStagedCatalogue } from '../lib/stage/discover';
import { addWaitOptions, waitOptions } from '../lib/warehouse/local/cli';
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
  .option('--max-errors <n>', "COPY's MAXERROR n: a load fails at its n-th rejected row, so 2 tolerates one reject; 0 and 1 fail at the first (default 0)");
addWaitOptions(addRedshiftOptions(program))
  .option('--date <YYYY-MM-DD>', "load one day: COPY only that day's log file and merge it into the star schema")
  .option('--from <YYYY-MM-DD>', 'backfill a range of days, from this one (with --to; both included), one transaction per day')
  .option('--to <YYYY-MM-DD>', 'the last day of the range')
  .option('--strict', 'with --date/--from/--to: a day without a log file is an error instead of being skipped')
  .option('--reload-catalogue', 'with --date/--from/--to: load the song files again first (a daily load reuses the last ones)')
  .option('--new', 'load every day whose log file is new or changed since it was loaded (loaded_files), oldest first, one transaction per day; on an empty warehouse, everything')
  .option('--full-refresh', 'rebuild everything from all the logs and the catalogue (what a run without date flags does)')
  .option('--fresh', 'drop the staging and unpublished build tables first (full runs; the published tables stay until the new ones replace them, and the etl_runs ledger is kept)')
  .option('--stale-after <hours>', "Redshift: a run refuses to start while another is loading, unless that one's etl_runs row has said 'running' for this many hours (it was killed)", '6')
  .option('--json', 'print a machine-readable summary on stdout')
  .option('--quiet', 'print no progress')
  .addHelpText(
    'after',
    `
Examples:
  npm run etl                                          a full load (every log file and the catalogue)
  npm run etl -- --date 2018-11-05                     one day, merged into what is loaded
  npm run etl -- --from 2018-11-01 --to 2018-11-30     a backfill, one published day at a time
  npm run etl -- --date 2018-11-01 --reload-catalogue  the first day of a new warehouse
  npm run etl -- --new                                 what is new or changed since the last loads (what the schedule runs)

Environment (flags win): SPARKIFY_TARGET, SPARKIFY_SOURCE, SPARKIFY_DATA_DIR, SPARKIFY_MAX_ERRORS,
  SPARKIFY_EVENTS_URI, SPARKIFY_SONGS_URI, SPARKIFY_JSONPATHS_URI, SPARKIFY_SOURCE_REGION, SPARKIFY_IAM_ROLE,
  SPARKIFY_READERS (group:<name> or role:<name>, comma-separated: granted SELECT on the star tables at every publish).

Local warehouse: one command at a time owns its folder; another one waits for it (--wait, --no-wait), or
  goes through npm run serve when that owns it. Ctrl-C stops after the running statement, rolls back, and
  says whether the previous tables are untouched or the new ones were published (exit 130).${REDSHIFT_ENVIRONMENT_HELP}`,
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
    date?: string;
    from?: string;
    to?: string;
    strict?: boolean;
    reloadCatalogue?: boolean;
    fullRefresh?: boolean;
    new?: boolean;
    staleAfter: string;
    wait?: string | boolean;
    json?: boolean;
    quiet?: boolean;
  }>();
  const request = parseRunRequest(flags);
  // On Redshift, the stack's staging bucket may hold the song catalogue compacted by npm run stage.
  const { settings, note: stagedNote } = await useStagedCatalogue(resolveSettings(flags));
  const { target, sources } = settings;
  const staleAfterHours = Number(flags.staleAfter);
  if (!(staleAfterHours > 0)) throw new ConfigError(`--stale-after must be a number of hours above 0; got ${JSON.stringify(flags.staleAfter)}.`);
  if (request.mode !== 'full' && flags.fresh) throw new ConfigError('--fresh drops every table: it goes with a full run, not with --date, --from/--to or --new.');
  // What is published so far: what an interrupt leaves behind depends on it.
  let published = false;
  let daysPublished = 0;
  const shown = flags.quiet ? silentProgress : consoleProgress();
  const progress: Progress = {
    ...shown,
    done(result) {
      if (result.step === PUBLISH_STEP) {
        // Published: the run's work is done, so a signal from now on lets it finish (its ledger row included).
        published = true;
        finishUninterrupted();
      }
      shown.done(result);
    },
  };
  // The days a dated run loads, from the listing of the logs, before the warehouse is opened: a date outside
  // the data is refused before anything runs.
  // The listing also says which file versions a run loads (loaded_files), and is what --new compares.
  const listFiles: ListFiles = target.kind === 'local' ? localFiles(localS3Folders(settings as Settings<LocalTarget>)) : s3Files(sources.region);
  let plan: DayPlan | undefined;
  if (request.mode === 'day' || request.mode === 'range') {
    plan = planDays(request, await logDays(listFiles)(sources.eventsUri), sources.eventsUri);
  }
  if (!flags.quiet) {
    process.stderr.write(`Target: ${target.kind} (${settings.why})\n`);
    process.stderr.write(
      target.kind === 'local'
        ? `Source: ${target.sourceDir} as ${sources.eventsUri}, ${sources.songsUri}\n`
        : `Source: ${sources.eventsUri}, ${sources.songsUri} (IAM_ROLE ${sources.iamRole}${stagedNote ? `; ${stagedNote}` : ''})\n`,
    );
  }
  const started = performance.now();
  const onProgress = flags.quiet ? undefined : (line: string) => process.stderr.write(`    … ${line}\n`);
  const signal = target.kind === 'redshift' ? cancelOnInterrupt() : undefined;
  if (target.kind === 'redshift') {
    // Loaded only for Redshift, as the warehouse is (lib/warehouse/open.ts).
    const { preflightTarget } = require('../lib/warehouse/redshift/preflight') as typeof import('../lib/warehouse/redshift/preflight');
    if (!flags.quiet) process.stderr.write('Checking the workgroup, its namespace\'s COPY role and the database…\n');
    await preflightTarget(target, sources, { onProgress, signal });
  }
  // Opening is a step too: a new local warehouse starts from a template made on the first run.
  progress.start('open warehouse');
  const opening = performance.now();
  const warehouse = await openWarehouse(settings, { onProgress, signal, wait: waitOptions(flags, flags.quiet), writer: true });
  progress.done({ step: 'open warehouse', ms: Math.round(performance.now() - opening) });
  let summary;
  try {
    if (!flags.quiet) process.stderr.write(`Warehouse: ${warehouse.description}\n`);
    summary = await runEtl(warehouse, request, {
      sources,
      plan,
      listFiles,
      fresh: flags.fresh,
      progress,
      readers: settings.readers,
      staleAfterHours: target.kind === 'redshift' ? staleAfterHours : undefined,
      target: target.kind === 'local' ? `local ${target.dataDir}` : `redshift ${target.workgroupName}/${target.database}`,
      runBy: await runIdentity(warehouse),
      onDay: (day, i, of) => {
        daysPublished = i + 1;
        if (!flags.quiet) process.stderr.write(`Published ${day.day} (${i + 1}/${of}): ${day.rows['songplays']} plays, ${formatMs(day.ms)}\n`);
      },
    });
  } catch (e) {
    if (e instanceof InterruptedError) {
      const state = published
        ? 'The new tables were published before the interrupt.'
        : daysPublished > 0
          ? `${daysPublished} day${daysPublished === 1 ? ' was' : 's were'} published before the interrupt; the day being loaded is rolled back.`
          : 'Everything this run did is rolled back: the previous tables are untouched.';
      throw new InterruptedError(`${e.message} ${state}`);
    }
    throw e;
  } finally {
    await warehouse.close();
  }
  await new Promise((resume) => setImmediate(resume)); // lets a signal that came during the last statement in
  const late = interruption();
  if (late !== undefined) {
    process.stderr.write(`Interrupted (${late}) after the run had finished: the new tables were published before the interrupt.\n`);
  }
  // Only a run with a deadline stops short or refuses (the scheduled loader's); the command line sets none.
  if (summary.status === 'failed') throw new SparkifyError(summary.reason ?? summary.message ?? 'The run failed.');
  const totalMs = Math.round(performance.now() - started);
  const dataApi = target.kind === 'redshift' ? (warehouse as RedshiftDataApiWarehouse).stats() : undefined;
  if (flags.json) {
    // A full run's summary keeps its shape (steps, tables, checks, rejected); the run's own fields go beside it.
    const { full, ...run } = summary;
    const out = { ok: true, target: target.kind, why: settings.why, warehouse: warehouse.description, ...full, ...run, dataApi, totalMs, peakRssBytes: peakRssBytes() };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (summary.mode === 'new' && summary.published.length === 0 && summary.message !== undefined) {
    // Nothing new: one line, whatever --quiet says (it is the outcome, not progress).
    process.stderr.write(`${summary.message}\n`);
  } else if (!flags.quiet) {
    const counts = summary.full?.tables ?? summary.rowsLoaded;
    const rows = Object.entries(counts).map(([table, n]) => ({ table, rows: n }));
    process.stdout.write(`${formatTable(rows)}\n`);
    const checks = [...(summary.full?.checks ?? []), ...(summary.catalogue?.checks ?? []), ...summary.days.flatMap((d) => d.checks)];
    const passed = checks.filter((c) => c.failures === 0).length;
    const warned = checks.length - passed;
    const rejected = Object.values(summary.rowsRejected).reduce((a, b) => a + b, 0);
    const what =
      summary.mode === 'full'
        ? 'full load'
        : summary.full !== undefined
          ? `first load: a full load of ${summary.published.length} days`
          : `${summary.days.length} day${summary.days.length === 1 ? '' : 's'} published${summary.skipped.length > 0 ? `, ${summary.skipped.length} skipped (no log file)` : ''}`;
    process.stderr.write(
      `Done in ${formatMs(totalMs)} (${what}, run ${summary.runId}): ${passed} data tests passed${warned > 0 ? `, ${warned} warned` : ''}, ` +
        `${rejected} row${rejected === 1 ? '' : 's'} rejected.\n`,
    );
    if (dataApi) {
      process.stderr.write(
        `Data API: ${dataApi.totalCalls} calls (${dataApi.retries} retried) for ${dataApi.statements} statements; waiting took ` +
          `${formatMs(dataApi.pollingMs)} for ${formatMs(dataApi.statementMs)} of running, at most ${formatMs(dataApi.maxOverheadMs)} added to one statement.\n`,
      );
    }
  }
});
