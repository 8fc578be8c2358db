/**
 * A run's time budget: a run given a deadline (the scheduled loader's, before Lambda stops it) starts a day
 * or a load only when its estimate, with a safety margin, ends before the deadline. What it does not start
 * is left for the next run; what it starts is published whole or not at all, as always.
 *
 * Estimates, most specific first: a day takes as long as the slowest day timed in this run, else the slowest
 * per-day time of the warehouse's recent runs (etl_runs), else a prior for Redshift. A full load (the first
 * load of an empty warehouse) takes the longer of the slowest full run recorded and a prior from the size of
 * the source: COPY from S3 pays per object, so a catalogue of 15,000 song files (udacity-dend's) is estimated
 * at ~15 minutes — more than a Lambda function may run — and is refused; `npm run stage` compacts it into a
 * few parts (docs/staged-catalogue.md).
 */
import type { Warehouse } from '../warehouse/warehouse';
import { tableExists } from './run-ledger';
import { statementsOf } from './sql-files';

/** Estimates are multiplied by this: the next day may be bigger, the workgroup may be resuming. */
export const SAFETY_FACTOR = 1.5;
/** Kept free before the deadline for the run's closing write to etl_runs. */
export const FINISH_RESERVE_MS = 10_000;
/** A day on Redshift Serverless, before any is timed: ~25 Data API statements, some of them waits of seconds. */
export const PRIOR_DAY_MS = 45_000;
/** A full load's fixed part (creates, builds, tests, publish), its cost per source object and per MB of logs. */
export const PRIOR_FULL_MS = { fixed: 60_000, perObject: 60, perMegabyte: 2_000 } as const;

export interface PastRun {
  /** How long it took. */
  readonly ms: number;
  /** Days it published (0 for a full run, which records none). */
  readonly days: number;
  /** It loaded the song catalogue (a full run, a first --new, --reload-catalogue). */
  readonly catalogue: boolean;
}

/** The source a full load would read, as listed. */
export interface SourceSize {
  readonly songFiles: number;
  readonly logFiles: number;
  readonly logBytes: number;
}

export class RunBudget {
  readonly deadline: number | undefined;
  readonly #history: readonly PastRun[];
  readonly #now: () => number;
  #slowestDay: number | undefined;

  constructor(deadline: number | undefined, history: readonly PastRun[], now: () => number = Date.now) {
    this.deadline = deadline;
    this.#history = history;
    this.#now = now;
  }

  /** The budget of a run with this deadline (none: no limit), with the warehouse's recent runs for estimates. */
  static async of(warehouse: Warehouse, deadline: number | undefined): Promise<RunBudget> {
    return new RunBudget(deadline, deadline === undefined ? [] : await pastRuns(warehouse));
  }

  /** Whether work estimated at `estimateMs` ends, with the margin, before the deadline. */
  allows(estimateMs: number): boolean {
    return this.deadline === undefined || this.#now() + estimateMs * SAFETY_FACTOR + FINISH_RESERVE_MS <= this.deadline;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  left(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - this.#now());
  }

  /** A day just published took this long. */
  timedDay(ms: number): void {
    this.#slowestDay = Math.max(this.#slowestDay ?? 0, ms);
  }

  dayEstimate(): number {
    if (this.#slowestDay !== undefined) return this.#slowestDay;
    const perDay = this.#history.filter((r) => r.days > 0 && !r.catalogue).map((r) => r.ms / r.days);
    return perDay.length > 0 ? Math.max(...perDay) : PRIOR_DAY_MS;
  }

  fullEstimate(source: SourceSize): number {
    const prior = PRIOR_FULL_MS.fixed + (source.songFiles + source.logFiles) * PRIOR_FULL_MS.perObject + (source.logBytes / 1_048_576) * PRIOR_FULL_MS.perMegabyte;
    const full = this.#history.filter((r) => r.catalogue).map((r) => r.ms);
    return Math.max(prior, ...full);
  }
}

/** The warehouse's recent successful runs; none where etl_runs does not exist yet. */
async function pastRuns(warehouse: Warehouse): Promise<PastRun[]> {
  if (!(await tableExists(warehouse, 'etl_runs'))) return [];
  const [sql] = statementsOf('ledger/run_history.sql');
  const rows = await warehouse.query<{ mode: string; days: string | null; started_at: string; ended_at: string; rows_loaded: string | null }>(sql!);
  return rows
    .map((r) => ({
      ms: Date.parse(`${String(r.ended_at).replace(' ', 'T')}Z`) - Date.parse(`${String(r.started_at).replace(' ', 'T')}Z`),
      days: r.days === null || r.days === '' ? 0 : String(r.days).split(',').length,
      catalogue: r.mode === 'full' || (r.rows_loaded ?? '').includes('"staging_songs"'),
    }))
    .filter((r) => Number.isFinite(r.ms) && r.ms >= 0);
}
