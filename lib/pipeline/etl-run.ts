/**
 * One `npm run etl`, whatever its mode, with its row in the run ledger:
 * - full (the default, or --full-refresh): every log file and the catalogue, rebuilt and swapped in (pipeline.ts);
 * - day (--date) and range (--from/--to): each day merged on its own (incremental.ts), optionally after
 *   reloading the catalogue (--reload-catalogue);
 * - new (--new): every day whose log files are new or changed since they were loaded (new-days.ts), each
 *   merged on its own, oldest first; on a warehouse never loaded, a full load. Given a deadline (the scheduled
 *   loader's), it starts only what it can finish before it (budget.ts) and says what is left.
 *
 * Every run records which file versions it published in loaded_files (loaded-files.ts), in the publishing
 * transaction, when it knows them: the CLI passes the listing (plan, listFiles).
 *
 * A range publishes one transaction per day, not one for the range: each day published is complete and
 * tested on its own, a failure keeps the days before it and says where to resume, and no transaction holds
 * the star tables for a month's work.
 */
import type { Reader, SourceSettings } from '../config';
import { ConfigError, SparkifyError } from '../errors';
import type { Row, SqlParams, Statement, Warehouse } from '../warehouse/warehouse';
import { daysBetween, parseDay } from './days';
import { createMissingTables, type CatalogueReloadResult, type DayLoadResult, incrementalReadiness, loadDay, reloadCatalogue } from './incremental';
import { RunBudget } from './budget';
import { dropLeftoverBuilds } from './leftovers';
import { type FilesLoaded, recordedFiles } from './loaded-files';
import { assertHasDays, type DatedFile, filesOfDay, type LogListing, logDays } from './log-days';
import { newDays } from './new-days';
import type { ListFiles } from './source-files';
import { type PipelineSummary, runPipeline } from './pipeline';
import { type Progress, silentProgress } from './progress';
import { assertCanPublish, readerGrants } from './publish';
import { etlCommand, resumeCommand } from './resume-hint';
import { existingTables, type RunMode, RunRecord, type RunStatus } from './run-ledger';
import { STAR_TABLES } from './tables';

export type RunRequest =
  | { readonly mode: 'full' }
  | { readonly mode: 'new' }
  | { readonly mode: 'day' | 'range'; readonly from: string; readonly to: string; readonly strict: boolean; readonly reloadCatalogue: boolean };

/** A request for a day or a range of days. */
export type DatedRequest = Extract<RunRequest, { mode: 'day' | 'range' }>;

/** The ETL's mode flags as given on the command line. */
export interface ModeFlags {
  readonly date?: string;
  readonly from?: string;
  readonly to?: string;
  readonly strict?: boolean;
  readonly fullRefresh?: boolean;
  readonly reloadCatalogue?: boolean;
  readonly new?: boolean;
}

/** The run the flags ask for, or a ConfigError (exit 2) naming what is wrong, before anything runs. */
export function parseRunRequest(flags: ModeFlags): RunRequest {
  const dated = flags.date !== undefined || flags.from !== undefined || flags.to !== undefined;
  if (flags.new) {
    const others = [dated && '--date/--from/--to', flags.fullRefresh && '--full-refresh', flags.reloadCatalogue && '--reload-catalogue', flags.strict && '--strict'].filter(Boolean);
    if (others.length > 0) {
      throw new ConfigError(
        `--new loads whatever days are new or changed (and, on an empty warehouse, everything): it takes no ${others.join(' or ')}. ` +
          'For given days use --date or --from/--to instead.',
      );
    }
    return { mode: 'new' };
  }
  if (flags.date !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
    throw new ConfigError('--date loads one day and --from/--to a range: give one or the other, not both.');
  }
  if (flags.fullRefresh && (dated || flags.reloadCatalogue)) {
    throw new ConfigError('--full-refresh rebuilds everything from all the logs and the catalogue: it takes no --date, --from, --to or --reload-catalogue.');
  }
  if (!dated) {
    if (flags.reloadCatalogue) {
      throw new ConfigError('--reload-catalogue goes with --date or --from/--to; a full run (no date flags) always reloads the catalogue.');
    }
    if (flags.strict) throw new ConfigError('--strict goes with --from/--to (or --date): a full run reads whatever log files there are.');
    return { mode: 'full' };
  }
  if (flags.date !== undefined) {
    const day = parseDay('--date', flags.date);
    return { mode: 'day', from: day, to: day, strict: flags.strict ?? false, reloadCatalogue: flags.reloadCatalogue ?? false };
  }
  if (flags.from === undefined || flags.to === undefined) {
    throw new ConfigError(`A range needs both ends: --from and --to (got only ${flags.from !== undefined ? '--from' : '--to'}). For one day, use --date.`);
  }
  const from = parseDay('--from', flags.from);
  const to = parseDay('--to', flags.to);
  if (from > to) throw new ConfigError(`--from ${from} is after --to ${to}: a range runs forward, from its first day to its last.`);
  return { mode: 'range', from, to, strict: flags.strict ?? false, reloadCatalogue: flags.reloadCatalogue ?? false };
}

export interface DayPlan {
  /** Days to load, in order. */
  readonly days: readonly string[];
  /** Days of the range with no log file: reported and skipped. */
  readonly missing: readonly string[];
  /**
   * The listed files of those days, recorded in loaded_files as each day is published.
   * @default unknown: each day's record is removed, so --new loads it again
   */
  readonly files?: readonly DatedFile[];
}

/**
 * The days of a dated request that the source holds. A day outside the span of the source's days, or (with
 * --strict) a day without a log file, is a ConfigError (exit 2), before anything runs.
 */
export function planDays(request: DatedRequest, listing: LogListing, eventsUri: string): DayPlan {
  assertHasDays(listing, eventsUri);
  const first = listing.days[0]!;
  const last = listing.days[listing.days.length - 1]!;
  const outside = [request.from, request.to].filter((d) => d < first || d > last);
  if (outside.length > 0) {
    throw new ConfigError(
      `${[...new Set(outside)].join(' and ')} ${outside.length > 1 && outside[0] !== outside[1] ? 'are' : 'is'} outside the data: the log files under ${eventsUri} ` +
        `cover ${first} to ${last}. Choose days in that span (npm run status shows which are loaded).`,
    );
  }
  const available = new Set(listing.days);
  const wanted = daysBetween(request.from, request.to);
  const missing = wanted.filter((d) => !available.has(d));
  if (request.strict && missing.length > 0) {
    throw new ConfigError(`--strict: no log file for ${missing.join(', ')} under ${eventsUri}. Drop --strict to skip such days.`);
  }
  const days = wanted.filter((d) => available.has(d));
  return { days, missing, files: listing.files.filter((f) => f.day !== undefined && days.includes(f.day)) };
}

export interface EtlRunOptions {
  readonly sources: SourceSettings;
  /** Where the run loads, for the ledger (for example `local PGlite warehouse in .warehouse/pgdata`). */
  readonly target: string;
  /** Who runs it, for the ledger. */
  readonly runBy: string;
  /** For a dated request: the days to load (planDays). */
  readonly plan?: DayPlan;
  /** Full runs only: drop every table the pipeline owns first. */
  readonly fresh?: boolean;
  readonly progress?: Progress;
  /** Hears each day as it is published. */
  readonly onDay?: (result: DayLoadResult, index: number, of: number) => void;
  /**
   * Granted SELECT on every star table by every run: in the transaction that creates or publishes a table, and
   * once at the start of a dated run (a daily merge keeps the tables and their grants).
   * @default none
   */
  readonly readers?: readonly Reader[];
  /**
   * Refuse to start while another run is loading the warehouse, unless its heartbeat has stopped for this many
   * hours (run-ledger.ts). For Redshift; the local warehouse's writer lock already keeps runs apart, and
   * without this every 'running' row is taken for a killed run's.
   * @default no check
   */
  readonly staleAfterHours?: number;
  /**
   * The arguments that chose the source, the warehouse and the target (resume-hint.ts choosingArgs),
   * repeated in the command a failed run says to resume with.
   * @default none
   */
  readonly resumeArgs?: readonly string[];
  /**
   * Lists the source with each file's size and version (source-files.ts: localFiles or s3Files). --new needs
   * it, to find the new and changed days; a full run lists the events prefix with it to record what it
   * loaded in loaded_files (without it, loaded_files is emptied and --new loads every day once more).
   */
  readonly listFiles?: ListFiles;
  /**
   * The time (epoch ms) by which the run must have ended (--new, --date, --from/--to; a plain full run takes
   * none). It does not start a day, or a first full load, that it estimates it cannot finish before then
   * (budget.ts: this run's days, etl_runs' history, a margin); what it leaves is in the summary's
   * `remaining`, for the next run.
   * @default no limit
   */
  readonly deadline?: number;
}

export interface EtlRunSummary {
  readonly runId: string;
  readonly mode: RunMode;
  readonly status: Exclude<RunStatus, 'running' | 'killed'>;
  readonly full?: PipelineSummary;
  readonly catalogue?: CatalogueReloadResult;
  readonly days: readonly DayLoadResult[];
  readonly skipped: readonly string[];
  readonly rowsLoaded: Readonly<Record<string, number>>;
  readonly rowsRejected: Readonly<Record<string, number>>;
  /** The days published: those of `days`, or every day of the logs after a full load (none for a plain full run). */
  readonly published: readonly string[];
  /** Days it found to load but did not start (stopped by its deadline, or a first load refused); the next run loads them. */
  readonly remaining: readonly string[];
  /**
   * Why it stopped before loading everything it found (only with a deadline). 'budget': the deadline left no time for the next
   * day (status 'succeeded' if it published some day, else 'failed'); 'first-load': the warehouse was never
   * loaded and its first (full) load cannot fit before the deadline, so nothing was started (status 'failed').
   * Such runs return their summary rather than throw; a load that fails still throws.
   */
  readonly stopped?: 'budget' | 'first-load';
  /** Says why, when `stopped`: what is left and what to do. */
  readonly reason?: string;
  /** The line etl_runs holds for the run: nothing new, days skipped, what the budget left. */
  readonly message?: string;
}

/** Runs what the request asks and records it in etl_runs; a failure is recorded, then rethrown with where to resume. */
export async function runEtl(target: Warehouse, request: RunRequest, options: EtlRunOptions): Promise<EtlRunSummary> {
  const progress = options.progress ?? silentProgress;
  const dated = request.mode === 'day' || request.mode === 'range' ? request : undefined;
  // Before the ledger's row or anything else: tables another identity owns, or rows it may not change, would
  // fail the run after its loads (publish.ts).
  await assertCanPublish(target, options.readers);
  const record = await RunRecord.start(target, {
    mode: request.mode,
    firstDay: dated?.from,
    lastDay: dated?.to,
    target: options.target,
    runBy: options.runBy,
    staleAfterHours: options.staleAfterHours,
  });
  if (record.closedRuns > 0) {
    const dropped = await dropLeftoverBuilds(target);
    progress.warn(
      `closed ${record.closedRuns} run${record.closedRuns === 1 ? '' : 's'} in etl_runs whose process died before recording its end (now status killed)` +
        `${dropped.length > 0 ? `, and dropped the build tables it left: ${dropped.join(', ')}` : ''}`,
    );
  }
  const warehouse = beating(target, record);
  const runId = record.runId;
  const rowsLoaded: Record<string, number> = {};
  const rowsRejected: Record<string, number> = {};
  const add = (into: Record<string, number>, rows: Readonly<Record<string, number>>) => {
    for (const [table, n] of Object.entries(rows)) into[table] = (into[table] ?? 0) + n;
  };
  const reject = (rejected: readonly { table: string }[]) => add(rowsRejected, Object.fromEntries(rejected.map((r) => [r.table, rejected.filter((x) => x.table === r.table).length])));
  const published: DayLoadResult[] = [];
  let current: string | undefined;
  // How a run ends without failing: its ledger row completed, its summary returned.
  const end = async (
    status: 'succeeded' | 'failed',
    extra: { full?: PipelineSummary; catalogue?: CatalogueReloadResult; skipped?: readonly string[]; published?: readonly string[] } & Pick<EtlRunSummary, 'remaining' | 'stopped' | 'reason' | 'message'>,
  ): Promise<EtlRunSummary> => {
    const days = extra.published ?? published.map((d) => d.day);
    await record.finish({ status, days, rowsLoaded, rowsRejected, message: extra.message });
    return { runId: record.runId, mode: request.mode, status, days: published, skipped: [], ...extra, published: days, rowsLoaded, rowsRejected };
  };
  const fullLoad = async (files: FilesLoaded | undefined) => {
    const full = await runPipeline(warehouse, { sources: options.sources, fresh: options.fresh, progress, readers: options.readers, replaceableChecked: true, files, runId });
    for (const s of full.steps) if (s.step.startsWith('load ') && s.rows !== undefined) rowsLoaded[s.step.slice(5)] = s.rows;
    add(rowsLoaded, full.tables);
    reject(full.rejected);
    return full;
  };
  try {
    if (request.mode === 'full') {
      const files = await listedForRecord(options, progress);
      const full = await fullLoad(files && { runId: record.runId, files });
      return await end('succeeded', { full, published: [], remaining: [] });
    }
    let plan: DayPlan;
    let budget: RunBudget | undefined;
    if (request.mode === 'new') {
      const found = await findNew(warehouse, options, progress);
      budget = found.budget;
      if (found.kind === 'first-load') {
        if (found.refused !== undefined) return await end('failed', { published: [], remaining: found.listing.days, stopped: 'first-load', reason: found.refused, message: found.refused });
        const full = await fullLoad({ runId: record.runId, files: found.listing.files });
        return await end('succeeded', { full, published: found.listing.days, remaining: [] });
      }
      if (found.plan.days.length === 0) {
        // Nothing to load, but a reader added to the setting since the last run is granted now, as by any run.
        const grants = readerGrants([...(await existingTables(warehouse, STAR_TABLES))], options.readers ?? [], 'grant SELECT to the readers');
        if (grants.length > 0) await warehouse.run(grants, { transaction: true });
        const message = `Nothing new: the ${found.unchanged} day${found.unchanged === 1 ? '' : 's'} under ${options.sources.eventsUri} ${found.unchanged === 1 ? 'is' : 'are'} loaded from ${found.unchanged === 1 ? 'its' : 'their'} current files.`;
        return await end('succeeded', { remaining: [], message });
      }
      plan = found.plan;
    } else {
      plan = options.plan ?? { days: daysBetween(dated!.from, dated!.to), missing: [] };
      if (options.deadline !== undefined) budget = await RunBudget.of(warehouse, options.deadline);
    }
    const reloading = dated?.reloadCatalogue ?? false;
    for (const day of plan.missing) progress.warn(`${day}: no log file under ${options.sources.eventsUri}: skipped`);
    const readiness = await incrementalReadiness(warehouse);
    if (!readiness.catalogue && !reloading) {
      throw new SparkifyError(
        'The song catalogue has never been loaded into this warehouse, and a daily load matches plays against it without reading the ' +
          'song files. Run a full load once (npm run etl), or add --reload-catalogue to this run.',
      );
    }
    if (readiness.missing.length > 0) await createMissingTables(warehouse, readiness.missing, options.readers ?? []);
    // A daily merge keeps the tables and their grants; a reader added to the setting since is granted now.
    const grants = readerGrants(STAR_TABLES, options.readers ?? [], 'grant SELECT to the readers');
    if (grants.length > 0) await warehouse.run(grants, { transaction: true });
    let catalogue: CatalogueReloadResult | undefined;
    if (reloading) {
      catalogue = await reloadCatalogue(warehouse, { sources: options.sources, progress, readers: options.readers, runId });
      add(rowsLoaded, catalogue.rows);
      reject(catalogue.rejected);
    }
    for (const [i, day] of plan.days.entries()) {
      // A day is started only if it can be published before the deadline: what is not started is left whole.
      if (budget !== undefined && !budget.allows(budget.dayEstimate())) {
        const remaining = plan.days.slice(i);
        const reason = budgetReason(remaining, budget, published.length);
        return await end(published.length > 0 ? 'succeeded' : 'failed', { catalogue, remaining, stopped: 'budget', reason, message: reason });
      }
      current = day;
      await record.beat(true);
      const files = plan.files === undefined ? undefined : { runId: record.runId, files: filesOfDay(plan.files, day) };
      const result = await loadDay(warehouse, { sources: options.sources, day, progress, files, runId });
      budget?.timedDay(result.ms);
      published.push(result);
      add(rowsLoaded, result.rows);
      reject(result.rejected);
      options.onDay?.(result, i, plan.days.length);
    }
    current = undefined;
    const message = plan.missing.length > 0 ? `skipped (no log file): ${plan.missing.join(', ')}` : undefined;
    return await end('succeeded', { catalogue, skipped: plan.missing, remaining: [], message });
  } catch (caught) {
    // A statement that failed because another run took the warehouse over (claim_check.sql) says so.
    const interrupted = caught instanceof SparkifyError && caught.exitCode === 130;
    const e = interrupted || (await record.holdsClaim().catch(() => true)) ? caught : await record.claimLost(caught);
    const status = e instanceof SparkifyError && e.exitCode === 130 ? 'interrupted' : 'failed';
    const resumeArgs = options.resumeArgs ?? [];
    const message = request.mode === 'new' ? newRunFailure(e, published, current, resumeArgs) : failureMessage(e, dated, published, current, resumeArgs);
    try {
      await record.finish({ status, days: published.map((d) => d.day), rowsLoaded, rowsRejected, message });
    } catch (ledgerError) {
      progress.warn(`The run's outcome could not be written to etl_runs: ${(ledgerError as Error).message}`);
    }
    if (request.mode === 'full' || !(e instanceof SparkifyError)) throw e;
    throw new SparkifyError(message, e.exitCode, { cause: e });
  }
}

/**
 * A full run's listing of the events prefix, for loaded_files; without it (no lister, or the listing failed:
 * COPY reads S3 with the warehouse's role, the listing with the caller's credentials) the run still loads,
 * and loaded_files is emptied, so --new loads each day once more.
 */
async function listedForRecord(options: EtlRunOptions, progress: Progress): Promise<readonly DatedFile[] | undefined> {
  if (options.listFiles === undefined) return undefined;
  try {
    return (await logDays(options.listFiles)(options.sources.eventsUri)).files;
  } catch (e) {
    progress.warn(`${(e as Error).message} The load goes on, without a record of its files: the next --new run loads every day again.`);
    return undefined;
  }
}

type Found =
  | { readonly kind: 'first-load'; readonly listing: LogListing; readonly budget: RunBudget; readonly refused?: string }
  | { readonly kind: 'days'; readonly plan: DayPlan; readonly unchanged: number; readonly budget: RunBudget };

/**
 * --new: the listing of the events prefix against loaded_files. A warehouse without the catalogue was never
 * loaded: its first load is a full one, refused (not started) when it cannot fit before the deadline.
 */
async function findNew(warehouse: Warehouse, options: EtlRunOptions, progress: Progress): Promise<Found> {
  if (options.listFiles === undefined) throw new SparkifyError('A --new run lists the source to find what is new: runEtl needs options.listFiles (source-files.ts).');
  const { eventsUri, songsUri } = options.sources;
  const listing = await logDays(options.listFiles)(eventsUri);
  assertHasDays(listing, eventsUri);
  if (listing.undated.length > 0) {
    const shown = listing.undated.slice(0, 3).join(', ');
    progress.warn(
      `${listing.undated.length} file${listing.undated.length === 1 ? '' : 's'} under ${eventsUri} name${listing.undated.length === 1 ? 's' : ''} no day ` +
        `(${shown}${listing.undated.length > 3 ? ', …' : ''}): --new loads days, so ${listing.undated.length === 1 ? 'it is' : 'they are'} not read; a full run reads them.`,
    );
  }
  const budget = await RunBudget.of(warehouse, options.deadline);
  if (!(await incrementalReadiness(warehouse)).catalogue) {
    if (options.deadline === undefined) return { kind: 'first-load', listing, budget };
    const songFiles = (await options.listFiles(songsUri)).length;
    const logBytes = listing.files.reduce((n, f) => n + f.size, 0);
    const estimate = budget.fullEstimate({ songFiles, logFiles: listing.files.length, logBytes });
    if (budget.allows(estimate)) return { kind: 'first-load', listing, budget };
    const refused =
      `Not started: this warehouse was never loaded, and its first load (${songFiles.toLocaleString('en-US')} song files under ${songsUri}, ` +
      `${listing.files.length.toLocaleString('en-US')} log files of ${(logBytes / 1_048_576).toFixed(1)} MB) is estimated at ${minutes(estimate)}, ` +
      `more than the ${minutes(budget.left())} this run has. Stage the catalogue once (npm run stage: COPY then reads a few parts, ` +
      'docs/staged-catalogue.md), or run the first load from the command line once (npm run etl -- --new); later runs load only what is new.';
    return { kind: 'first-load', listing, budget, refused };
  }
  const found = newDays(listing, await recordedFiles(warehouse));
  return { kind: 'days', plan: { days: found.days, missing: [], files: listing.files }, unchanged: found.unchanged, budget };
}

/** What a run stopped by its deadline leaves, and why. */
function budgetReason(remaining: readonly string[], budget: RunBudget, published: number): string {
  const left = remaining.length === 1 ? `1 day is left (${remaining[0]})` : `${remaining.length} days are left (${remaining[0]} to ${remaining[remaining.length - 1]})`;
  return (
    `Stopped by the time budget after ${published} day${published === 1 ? '' : 's'}: ${left} for the next run. A day is estimated at ` +
    `${seconds(budget.dayEstimate())} (the slowest timed in this run or recent runs, with a margin), and ${seconds(budget.left())} were left.`
  );
}

/** What failed in a --new run, what was published before it, and that the next run retries it. */
function newRunFailure(e: unknown, published: readonly DayLoadResult[], current: string | undefined, resumeArgs: readonly string[]): string {
  const reason = e instanceof Error ? e.message : String(e);
  if (current === undefined) return reason;
  const done = published.length > 0 ? `Published before it: ${published.map((d) => d.day).join(', ')}. ` : '';
  return `${current} failed and was not published: ${reason} ${done}The next run (${etlCommand(['--new', ...resumeArgs])}) loads it again, with the days after it.`;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : seconds(ms));

/** What failed, what was published before it, and the command that resumes the range. */
function failureMessage(e: unknown, dated: DatedRequest | undefined, published: readonly DayLoadResult[], current: string | undefined, resumeArgs: readonly string[]): string {
  const reason = e instanceof Error ? e.message : String(e);
  if (dated === undefined || current === undefined) return reason;
  const done = published.length > 0 ? `Published before it: ${published.map((d) => d.day).join(', ')}. ` : '';
  return `${current} failed and was not published: ${reason} ${done}Resume with: ${resumeCommand(current, dated.to, resumeArgs)}`;
}

/**
 * The warehouse as a run's steps use it: before each call, the run's heartbeat is renewed when one is due
 * (RunRecord.beat), and the run stops if it no longer holds the warehouse.
 */
function beating(warehouse: Warehouse, record: RunRecord): Warehouse {
  return {
    description: warehouse.description,
    async run(statements: readonly Statement[], options?: Parameters<Warehouse['run']>[1]) {
      await record.beat();
      return warehouse.run(statements, options);
    },
    async query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]> {
      await record.beat();
      return warehouse.query<R>(sql, params);
    },
    close: () => warehouse.close(),
  };
}
