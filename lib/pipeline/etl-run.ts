/**
 * One `npm run etl`, whatever its mode, with its row in the run ledger:
 * - full (the default, or --full-refresh): every log file and the catalogue, rebuilt and swapped in (pipeline.ts);
 * - day (--date) and range (--from/--to): each day merged on its own (incremental.ts), optionally after
 *   reloading the catalogue (--reload-catalogue).
 *
 * A range publishes one transaction per day, not one for the range: each day published is complete and
 * tested on its own, a failure keeps the days before it and says where to resume, and no transaction holds
 * the star tables for a month's work.
 */
import type { Reader, SourceSettings } from '../config';
import { ConfigError, SparkifyError } from '../errors';
import type { Warehouse } from '../warehouse/warehouse';
import { daysBetween, parseDay } from './days';
import { createMissingTables, type CatalogueReloadResult, type DayLoadResult, incrementalReadiness, loadDay, reloadCatalogue } from './incremental';
import { assertHasDays, type LogListing } from './log-days';
import { type PipelineSummary, runPipeline } from './pipeline';
import { type Progress, silentProgress } from './progress';
import { assertReplaceable } from './publish';
import { type RunMode, RunRecord, type RunStatus } from './run-ledger';

export type RunRequest =
  | { readonly mode: 'full' }
  | { readonly mode: 'day' | 'range'; readonly from: string; readonly to: string; readonly strict: boolean; readonly reloadCatalogue: boolean };

/** The ETL's mode flags as given on the command line. */
export interface ModeFlags {
  readonly date?: string;
  readonly from?: string;
  readonly to?: string;
  readonly strict?: boolean;
  readonly fullRefresh?: boolean;
  readonly reloadCatalogue?: boolean;
}

/** The run the flags ask for, or a ConfigError (exit 2) naming what is wrong, before anything runs. */
export function parseRunRequest(flags: ModeFlags): RunRequest {
  const dated = flags.date !== undefined || flags.from !== undefined || flags.to !== undefined;
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
}

/**
 * The days of a dated request that the source holds. A day outside the span of the source's days, or (with
 * --strict) a day without a log file, is a ConfigError (exit 2), before anything runs.
 */
export function planDays(request: Exclude<RunRequest, { mode: 'full' }>, listing: LogListing, eventsUri: string): DayPlan {
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
  return { days: wanted.filter((d) => available.has(d)), missing };
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
   * Granted SELECT on every star table each time a run replaces it (a daily merge keeps the tables, and their grants).
   * @default none
   */
  readonly readers?: readonly Reader[];
  /**
   * Refuse to start while another run is loading the warehouse, unless its 'running' row is older than this
   * many hours (run-ledger.ts). For Redshift; the local warehouse's folder lock already keeps runs apart.
   * @default no check
   */
  readonly staleAfterHours?: number;
}

export interface EtlRunSummary {
  readonly runId: string;
  readonly mode: RunMode;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly full?: PipelineSummary;
  readonly catalogue?: CatalogueReloadResult;
  readonly days: readonly DayLoadResult[];
  readonly skipped: readonly string[];
  readonly rowsLoaded: Readonly<Record<string, number>>;
  readonly rowsRejected: Readonly<Record<string, number>>;
}

/** Runs what the request asks and records it in etl_runs; a failure is recorded, then rethrown with where to resume. */
export async function runEtl(warehouse: Warehouse, request: RunRequest, options: EtlRunOptions): Promise<EtlRunSummary> {
  const progress = options.progress ?? silentProgress;
  const dated = request.mode === 'full' ? undefined : request;
  // Before the ledger's row or anything else: views over the tables a run replaces, or tables another
  // identity owns, would make it fail midway (publish.ts).
  await assertReplaceable(warehouse);
  const record = await RunRecord.start(warehouse, {
    mode: request.mode,
    firstDay: dated?.from,
    lastDay: dated?.to,
    target: options.target,
    runBy: options.runBy,
    staleAfterHours: options.staleAfterHours,
  });
  const rowsLoaded: Record<string, number> = {};
  const rowsRejected: Record<string, number> = {};
  const add = (into: Record<string, number>, rows: Readonly<Record<string, number>>) => {
    for (const [table, n] of Object.entries(rows)) into[table] = (into[table] ?? 0) + n;
  };
  const reject = (rejected: readonly { table: string }[]) => add(rowsRejected, Object.fromEntries(rejected.map((r) => [r.table, rejected.filter((x) => x.table === r.table).length])));
  const published: DayLoadResult[] = [];
  let current: string | undefined;
  try {
    if (dated === undefined) {
      const full = await runPipeline(warehouse, { sources: options.sources, fresh: options.fresh, progress, readers: options.readers, replaceableChecked: true });
      for (const s of full.steps) if (s.step.startsWith('load ') && s.rows !== undefined) rowsLoaded[s.step.slice(5)] = s.rows;
      add(rowsLoaded, full.tables);
      reject(full.rejected);
      const summary = { runId: record.runId, mode: request.mode, status: 'succeeded' as const, full, days: [], skipped: [], rowsLoaded, rowsRejected };
      await record.finish({ status: 'succeeded', days: [], rowsLoaded, rowsRejected });
      return summary;
    }
    const plan = options.plan ?? { days: daysBetween(dated.from, dated.to), missing: [] };
    for (const day of plan.missing) progress.warn(`${day}: no log file under ${options.sources.eventsUri}: skipped`);
    const readiness = await incrementalReadiness(warehouse);
    if (!readiness.catalogue && !dated.reloadCatalogue) {
      throw new SparkifyError(
        'The song catalogue has never been loaded into this warehouse, and a daily load matches plays against it without reading the ' +
          'song files. Run a full load once (npm run etl), or add --reload-catalogue to this run.',
      );
    }
    if (readiness.missing.length > 0) await createMissingTables(warehouse, readiness.missing, options.readers);
    let catalogue: CatalogueReloadResult | undefined;
    if (dated.reloadCatalogue) {
      catalogue = await reloadCatalogue(warehouse, { sources: options.sources, progress, readers: options.readers });
      add(rowsLoaded, catalogue.rows);
      reject(catalogue.rejected);
    }
    for (const [i, day] of plan.days.entries()) {
      current = day;
      const result = await loadDay(warehouse, { sources: options.sources, day, progress });
      published.push(result);
      add(rowsLoaded, result.rows);
      reject(result.rejected);
      options.onDay?.(result, i, plan.days.length);
    }
    current = undefined;
    const days = published.map((d) => d.day);
    await record.finish({
      status: 'succeeded',
      days,
      rowsLoaded,
      rowsRejected,
      message: plan.missing.length > 0 ? `skipped (no log file): ${plan.missing.join(', ')}` : undefined,
    });
    return { runId: record.runId, mode: request.mode, status: 'succeeded', catalogue, days: published, skipped: plan.missing, rowsLoaded, rowsRejected };
  } catch (e) {
    const status = e instanceof SparkifyError && e.exitCode === 130 ? 'interrupted' : 'failed';
    const message = failureMessage(e, dated, published, current);
    try {
      await record.finish({ status, days: published.map((d) => d.day), rowsLoaded, rowsRejected, message });
    } catch (ledgerError) {
      progress.warn(`The run's outcome could not be written to etl_runs: ${(ledgerError as Error).message}`);
    }
    if (dated === undefined || !(e instanceof SparkifyError)) throw e;
    throw new SparkifyError(message, e.exitCode, { cause: e });
  }
}

/** What failed, what was published before it, and the command that resumes the range. */
function failureMessage(e: unknown, dated: Exclude<RunRequest, { mode: 'full' }> | undefined, published: readonly DayLoadResult[], current: string | undefined): string {
  const reason = e instanceof Error ? e.message : String(e);
  if (dated === undefined || current === undefined) return reason;
  const done = published.length > 0 ? `Published before it: ${published.map((d) => d.day).join(', ')}. ` : '';
  const resume = dated.from === dated.to ? `--date ${current}` : `--from ${current} --to ${dated.to}`;
  return `${current} failed and was not published: ${reason} ${done}Resume with: npm run etl -- ${resume}`;
}
