/**
 * The run ledger: one row per ETL run in the warehouse's etl_runs table (sql/ledger/etl_runs.sql). The row is
 * written when the run starts and completed when it ends, each in a statement of its own, outside the run's
 * transactions: a run that fails (its transaction rolled back) or is interrupted still leaves its row.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { SparkifyError } from '../errors';
import type { Row, Warehouse } from '../warehouse/warehouse';
import { statementsOf } from './sql-files';

export type RunMode = 'full' | 'day' | 'range' | 'new';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
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
  readonly status: RunStatus;
  readonly rows_loaded: string | null;
  readonly rows_rejected: string | null;
  readonly target: string;
  readonly run_by: string;
  readonly message: string | null;
}

/** Creates etl_runs if it is not there. */
export async function ensureLedger(warehouse: Warehouse): Promise<void> {
  await warehouse.run(statementsOf('ledger/etl_runs.sql').map((sql) => ({ sql, label: 'create etl_runs' })));
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
       * Refuse to start while another run is loading this warehouse (a 'running' row younger than this many
       * hours; an older one was killed before it could record its end). Undefined where something else already
       * keeps runs apart (the local warehouse's folder lock), so that the row of a killed run does not block.
       */
      readonly staleAfterHours?: number;
    },
  ): Promise<RunRecord> {
    await ensureLedger(warehouse);
    const record = new RunRecord(warehouse);
    const now = new Date();
    const params = {
      run_id: record.runId,
      mode: run.mode,
      first_day: run.firstDay ?? null,
      last_day: run.lastDay ?? null,
      started_at: timestamp(now),
      target: run.target,
      run_by: run.runBy,
    };
    if (run.staleAfterHours === undefined) {
      await warehouse.run(statementsOf('ledger/start_run.sql').map((sql) => ({ sql, params, label: 'record the run in etl_runs' })));
      return record;
    }
    const claim = { ...params, stale_before: timestamp(new Date(now.getTime() - run.staleAfterHours * 3_600_000)) };
    await warehouse.run(
      statementsOf('ledger/claim_run.sql').map((sql) => ({ sql, params: claim, label: 'record the run in etl_runs (no other run loading)' })),
      { transaction: true },
    );
    if ((await warehouse.query('SELECT run_id FROM etl_runs WHERE run_id = :run_id', { run_id: record.runId })).length === 0) {
      const [sql] = statementsOf('ledger/running_runs.sql');
      const [other] = await warehouse.query<LedgerRow & Row>(sql!, { stale_before: claim.stale_before });
      throw new RunInProgressError(other, run.staleAfterHours);
    }
    return record;
  }

  async finish(outcome: RunOutcome): Promise<void> {
    const params = {
      run_id: this.runId,
      status: outcome.status,
      ended_at: timestamp(),
      days: outcome.days.length > 0 ? outcome.days.join(',') : null,
      rows_loaded: JSON.stringify(outcome.rowsLoaded),
      rows_rejected: JSON.stringify(outcome.rowsRejected),
      message: outcome.message === undefined ? null : outcome.message.slice(0, 60000),
    };
    await this.#warehouse.run(statementsOf('ledger/finish_run.sql').map((sql) => ({ sql, params, label: 'record the outcome in etl_runs' })));
  }
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

/** Another run is loading the warehouse: this one did not start (exit code 1), and says which run and what to do. */
export class RunInProgressError extends SparkifyError {
  constructor(other: LedgerRow | undefined, staleAfterHours: number) {
    const which =
      other === undefined
        ? 'another run'
        : `run ${other.run_id} (${other.mode}${other.first_day === null ? '' : ` ${other.first_day === other.last_day ? other.first_day : `${other.first_day}…${other.last_day}`}`}, ` +
          `started ${other.started_at} UTC by ${other.run_by})`;
    super(
      `Not started: ${which} is loading this warehouse, and two runs at once would share its staging and *_day tables. ` +
        `Wait for it to end (npm run status shows it). If its process is gone (killed before it could record its end), ` +
        `mark it with npm run query -- "UPDATE etl_runs SET status = 'failed', ended_at = GETDATE(), message = 'killed' ` +
        `WHERE run_id = '${other?.run_id ?? '<run_id>'}'", or it stops blocking once it is ${staleAfterHours} hours old (--stale-after).`,
    );
  }
}
