/**
 * The run ledger: one row per ETL run in the warehouse's etl_runs table (sql/ledger/etl_runs.sql). The row is
 * written when the run starts and completed when it ends, each in a statement of its own, outside the run's
 * transactions: a run that fails (its transaction rolled back) or is interrupted still leaves its row.
 *
 * While it works, a run keeps a heartbeat on its row, on the warehouse's clock (GETDATE()): before its
 * statements at most every HEARTBEAT_EVERY_MS, and as the first statements of each publishing transaction,
 * which also fail that transaction if the run no longer holds the warehouse (claimCheckStatements). A run
 * whose heartbeat is older than --stale-after was killed: the next run closes its row as `killed` and takes
 * over. A process killed outright cannot record its end; its row is closed by the next run.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { SparkifyError } from '../errors';
import type { Row, Statement, Warehouse } from '../warehouse/warehouse';
import { statementsOf } from './sql-files';

export type RunMode = 'full' | 'day' | 'range' | 'new';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'killed';

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running' | 'killed'>;
  /** The days published, sorted (empty for a full run, which covers whatever the logs hold). */
  readonly days: readonly string[];
  /** Rows per table: loaded by COPY (staging tables) or written (star tables). */
  readonly rowsLoaded: Readonly<Record<string, number>>;
  readonly rowsRejected: Readonly<Record<string, number>>;
  /** Why it failed, or where to resume; a summary otherwise. */
  readonly message?: string;
}

export interface LedgerRow {
  readonly run_id: string;
  readonly mode: RunMode;
  readonly first_day: string | null;
  readonly last_day: string | null;
  readonly days: string | null;
  readonly started_at: string;
  readonly ended_at: string | null;
  /** When the run last said it was alive, on the warehouse's clock (null in rows older than the column). */
  readonly heartbeat_at: string | null;
  readonly status: RunStatus;
  readonly rows_loaded: string | null;
  readonly rows_rejected: string | null;
  readonly target: string;
  readonly run_by: string;
  readonly message: string | null;
}

/** The most a run lets pass between heartbeats while it sends statements (a single statement may run longer). */
export const HEARTBEAT_EVERY_MS = 60_000;

/** etl_runs.message is VARCHAR(65535), which counts bytes: a longer message is cut to fit. */
const MESSAGE_BYTES = 65535;

/** Creates etl_runs if it is not there, and gives an older one the heartbeat column. */
export async function ensureLedger(warehouse: Warehouse): Promise<void> {
  await warehouse.run(statementsOf('ledger/etl_runs.sql').map((sql) => ({ sql, label: 'create etl_runs' })));
  const [column] = await warehouse.query(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = CURRENT_SCHEMA() AND table_name = 'etl_runs' AND column_name = 'heartbeat_at'",
  );
  if (column === undefined) {
    await warehouse.run(statementsOf('ledger/add_heartbeat.sql').map((sql) => ({ sql, label: 'add the heartbeat column to etl_runs' })));
  }
}

/** Who runs the ETL: the operating-system user and host, and the database user the warehouse signed in as. */
export async function runIdentity(warehouse: Warehouse): Promise<string> {
  const [row] = await warehouse.query<{ db_user: string }>('SELECT CURRENT_USER AS db_user');
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // no passwd entry for this uid (some containers): the database user still says who ran it
  }
  return `${osUser}@${hostname()} as ${String(row?.db_user ?? '').trim()}`;
}

/** A run's row in etl_runs, from its start to its end. */
export class RunRecord {
  readonly runId = randomUUID();
  readonly #warehouse: Warehouse;
  /** Rows of runs whose process had died, closed as killed when this run started. */
  closedRuns = 0;
  #lastBeat = performance.now();

  private constructor(warehouse: Warehouse) {
    this.#warehouse = warehouse;
  }

  /** Writes the run's row (status running) and returns the record to finish it with. */
  static async start(
    warehouse: Warehouse,
    run: {
      readonly mode: RunMode;
      readonly firstDay?: string;
      readonly lastDay?: string;
      readonly target: string;
      readonly runBy: string;
      /**
       * Refuse to start while another run is loading this warehouse (a 'running' row whose heartbeat is younger
       * than this many hours; one with an older heartbeat was killed, and is closed). Undefined where something
       * else already keeps runs apart (the local warehouse's writer lock): then every 'running' row is a run
       * that was killed, and is closed.
       */
      readonly staleAfterHours?: number;
    },
  ): Promise<RunRecord> {
    await ensureLedger(warehouse);
    const record = new RunRecord(warehouse);
    const params = {
      run_id: record.runId,
      mode: run.mode,
      first_day: run.firstDay ?? null,
      last_day: run.lastDay ?? null,
      started_at: timestamp(new Date()),
      target: run.target,
      run_by: run.runBy,
    };
    if (run.staleAfterHours === undefined) {
      const [closed] = await warehouse.run(
        [
          ...statementsOf('ledger/close_dead_runs.sql').map((sql) => ({ sql, params: { run_id: record.runId }, label: 'close the rows of killed runs in etl_runs' })),
          ...statementsOf('ledger/start_run.sql').map((sql) => ({ sql, params, label: 'record the run in etl_runs' })),
        ],
        { transaction: true },
      );
      record.closedRuns = closed?.rowsAffected ?? 0;
      return record;
    }
    const claim = { ...params, stale_seconds: String(Math.max(1, Math.round(run.staleAfterHours * 3600))) };
    const results = await warehouse.run(
      statementsOf('ledger/claim_run.sql').map((sql) => ({ sql, params: claim, label: 'record the run in etl_runs (no other run loading)' })),
      { transaction: true },
    );
    record.closedRuns = results[1]?.rowsAffected ?? 0;
    if ((await warehouse.query('SELECT run_id FROM etl_runs WHERE run_id = :run_id', { run_id: record.runId })).length === 0) {
      const [sql] = statementsOf('ledger/running_runs.sql');
      const [other] = await warehouse.query<RunningRow & Row>(sql!);
      throw new RunInProgressError(other, run.staleAfterHours);
    }
    return record;
  }

  /**
   * Says the run is alive (on the warehouse's clock), if the last time was HEARTBEAT_EVERY_MS ago or more (or
   * always with `force`); throws ClaimLostError if the run no longer holds the warehouse.
   */
  async beat(force = false): Promise<void> {
    if (!force && performance.now() - this.#lastBeat < HEARTBEAT_EVERY_MS) return;
    this.#lastBeat = performance.now();
    const [result] = await this.#warehouse.run(statementsOf('ledger/heartbeat.sql').map((sql) => ({ sql, params: { run_id: this.runId }, label: 'heartbeat in etl_runs' })));
    if (result?.rowsAffected === 0) throw new ClaimLostError(this.runId, await this.#row());
  }

  /** Whether the run still holds the warehouse: its row still says running. */
  async holdsClaim(): Promise<boolean> {
    return (await this.#row())?.status === 'running';
  }

  async #row(): Promise<Pick<LedgerRow, 'status' | 'message'> | undefined> {
    const [row] = await this.#warehouse.query<{ status: RunStatus; message: string | null }>('SELECT status, message FROM etl_runs WHERE run_id = :run_id', {
      run_id: this.runId,
    });
    return row === undefined ? undefined : { status: String(row.status).trim() as RunStatus, message: row.message };
  }

  /** The lost claim as an error a person can act on, for a failure met while the claim was lost. */
  async claimLost(cause: unknown): Promise<ClaimLostError> {
    return new ClaimLostError(this.runId, await this.#row(), cause);
  }

  async finish(outcome: RunOutcome): Promise<void> {
    const params = {
      run_id: this.runId,
      status: outcome.status,
      ended_at: timestamp(),
      days: outcome.days.length > 0 ? outcome.days.join(',') : null,
      rows_loaded: JSON.stringify(outcome.rowsLoaded),
      rows_rejected: JSON.stringify(outcome.rowsRejected),
      message: outcome.message === undefined ? null : clipUtf8(outcome.message, MESSAGE_BYTES),
    };
    await this.#warehouse.run(statementsOf('ledger/finish_run.sql').map((sql) => ({ sql, params, label: 'record the outcome in etl_runs' })));
  }
}

/**
 * The first statements of a publishing transaction (sql/ledger/claim_check.sql): the run's heartbeat, then a
 * statement that fails the transaction if run `runId` no longer holds the warehouse. Checked in the same
 * transaction as the publish, so no other run can take the warehouse over between the check and the commit
 * (claim_run.sql's LOCK waits for this transaction's lock on etl_runs).
 */
export function claimCheckStatements(runId: string): Statement[] {
  return statementsOf('ledger/claim_check.sql').map((sql) => ({ sql, params: { run_id: runId }, label: 'check this run still holds the warehouse' }));
}

/** A publishing transaction's statements, after the claim check of run `runId` when there is one. */
export function claimChecked(runId: string | undefined, statements: readonly Statement[]): Statement[] {
  return runId === undefined ? [...statements] : [...claimCheckStatements(runId), ...statements];
}

/** `text` cut to at most `bytes` bytes of UTF-8, never inside a character. */
export function clipUtf8(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  let end = bytes;
  // A UTF-8 continuation byte is 10xxxxxx: step back to the start of the character it belongs to.
  while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}

/** The latest runs, newest first; none if the ledger does not exist yet. */
export async function lastRuns(warehouse: Warehouse, limit: number): Promise<LedgerRow[]> {
  if (!(await tableExists(warehouse, 'etl_runs'))) return [];
  const [sql] = statementsOf('ledger/last_runs.sql', { limit: String(Math.max(1, Math.floor(limit))) });
  return warehouse.query<LedgerRow & Row>(sql!);
}

/** Whether a table of this name exists in the current schema (information_schema works on both targets). */
export async function tableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  return (await existingTables(warehouse, [table])).has(table);
}

export async function existingTables(warehouse: Warehouse, tables: readonly string[]): Promise<Set<string>> {
  const params = Object.fromEntries(tables.map((t, i) => [`t${i}`, t]));
  const rows = await warehouse.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA() AND table_name IN (${tables.map((_, i) => `:t${i}`).join(', ')})`,
    params,
  );
  return new Set(rows.map((r) => String(r.table_name).trim()));
}

/** A time (now by default) as a TIMESTAMP literal Redshift and Postgres both read (UTC, milliseconds). */
function timestamp(at = new Date()): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A 'running' row of etl_runs, with its heartbeat and the warehouse's clock (sql/ledger/running_runs.sql). */
interface RunningRow extends Pick<LedgerRow, 'run_id' | 'mode' | 'first_day' | 'last_day' | 'started_at' | 'target' | 'run_by'> {
  readonly heartbeat_at: string;
  readonly now_at: string;
}

/** Another run is loading the warehouse: this one did not start (exit code 1), and says which run and what to do. */
export class RunInProgressError extends SparkifyError {
  constructor(other: RunningRow | undefined, staleAfterHours: number) {
    const age = other === undefined ? undefined : Math.max(0, (Date.parse(`${other.now_at}Z`) - Date.parse(`${other.heartbeat_at}Z`)) / 1000);
    const which =
      other === undefined
        ? 'another run'
        : `run ${other.run_id} (${other.mode}${other.first_day === null ? '' : ` ${other.first_day === other.last_day ? other.first_day : `${other.first_day}…${other.last_day}`}`}, ` +
          `started ${other.started_at} UTC by ${other.run_by}; its last heartbeat was ${describeAge(age!)} ago by the warehouse's clock)`;
    super(
      `Not started: ${which} holds this warehouse, and two runs at once would share its staging and *_day tables. ` +
        `Wait for it to end (npm run status shows it). A run's heartbeat is renewed every minute or so while it works; once it has ` +
        `stopped for ${staleAfterHours} hours (--stale-after), its process is taken to be dead and the next run closes its row as killed and takes over.`,
    );
  }
}

/** This run lost the warehouse to another (its heartbeat went stale and a later run closed its row): it stopped. */
export class ClaimLostError extends SparkifyError {
  constructor(runId: string, row: Pick<LedgerRow, 'status' | 'message'> | undefined, cause?: unknown) {
    super(
      `Stopped: run ${runId} no longer holds the warehouse — ${row === undefined ? 'its etl_runs row is gone' : `its etl_runs row says ${row.status}${row.message ? ` (${row.message})` : ''}`}. ` +
        'Its heartbeat went longer than --stale-after without being renewed (the process was suspended, or a statement ran that long), ' +
        'and another run took the warehouse over. Nothing more of this run was published: its last transaction was rolled back. ' +
        'Let the other run finish (npm run status), then run this one again; if single statements run this long, raise --stale-after.',
      1,
      { cause },
    );
  }
}

/** Seconds as a person reads them: 42 s, 12 min, 3.5 h. */
function describeAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
