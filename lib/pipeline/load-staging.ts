/**
 * One staging load: the COPY, then what it really loaded and rejected, found in ways that hold on the real
 * service as well as on the local warehouse.
 *
 * Rows loaded are the staging table's COUNT(*), not what the statement reports: the Data API has been
 * reported to answer `ResultRows: 0` for every COPY (aws/aws-sdk issues #333 and #356), and
 * `pg_last_copy_count()` is no help when every Data API call is its own session. The staging table is
 * created empty earlier in the same run, so its count is the load. Rejected rows come from
 * sys_load_error_detail by the COPY's query id, and the rejects count from sys_load_history, which both
 * targets keep; where neither can be found for a load that may have tolerated rejects, the run says so
 * instead of reporting none.
 */
import { describeReject, describeRejects, LoadError } from '../errors';
import { identifier } from '../sql-literals';
import type { Warehouse } from '../warehouse/warehouse';
import { rejectsThatFail } from '../warehouse/max-error';
import type { Progress, StepResult } from './progress';

export interface LoadRejectRow {
  readonly table: string;
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly reason: string;
}

export interface StagingLoad {
  /** Rows in the staging table after the COPY. */
  readonly rows: number;
  /** The rows the COPY rejected and MAXERROR tolerated, as far as they could be found. */
  readonly rejects: readonly LoadRejectRow[];
  /** What could not be confirmed about the load, for a warning; undefined when everything was. */
  readonly unconfirmed?: string;
}

/**
 * Runs the COPY statements of one staging table (created empty in this run) and returns what it loaded.
 * A load of no rows is a failure (architecture rule 5), whatever the statement reported.
 * @param empty what a load of nothing from `source` means, for the error
 */
export async function loadStaging(
  warehouse: Warehouse,
  table: string,
  copySql: readonly string[],
  source: string,
  maxErrors: number,
  empty = 'the files there are empty or hold no records',
): Promise<StagingLoad> {
  const [result] = await warehouse.run(copySql.map((sql) => ({ sql, label: `COPY into ${table}` })));
  const [counted] = await warehouse.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${identifier('table', table)}`);
  const rows = Number(counted?.n ?? 0);
  const queryId = result?.queryId;
  const rejects = await loadRejects(warehouse, table, queryId);
  if (rows === 0) {
    const why = rejects.length > 0 ? `: every record was rejected (${describeRejects(rejects)})` : `: ${empty}`;
    throw new LoadError(`COPY into ${table} read zero rows from ${source}${why}. A load of nothing is a failure; check the source.`, table);
  }
  // Under MAXERROR 0 or 1 a COPY that succeeded rejected nothing: there is nothing to confirm.
  if (rejectsThatFail(maxErrors) <= 1) return { rows, rejects };
  const history =
    queryId === undefined
      ? undefined
      : (await warehouse.query<{ error_count: number }>('SELECT error_count FROM sys_load_history WHERE query_id = :query_id', { query_id: queryId }))[0];
  if (history === undefined) {
    const where = queryId === undefined ? 'the Data API gave no query id for it' : `sys_load_history has no row for its query id ${queryId}`;
    return {
      rows,
      rejects,
      unconfirmed:
        `${table}: could not confirm how many rows the COPY rejected under MAXERROR ${maxErrors} (${where}); ` +
        `${rejects.length} found in sys_load_error_detail. The ${rows.toLocaleString('en-US')} rows loaded are counted from the table.`,
    };
  }
  const errors = Number(history.error_count);
  if (errors > rejects.length) {
    return {
      rows,
      rejects,
      unconfirmed: `${table}: sys_load_history counts ${errors} rejected rows for query ${queryId}, but sys_load_error_detail shows only ${rejects.length}.`,
    };
  }
  return { rows, rejects };
}

/** The rows a COPY rejected (within MAXERROR), as sys_load_error_detail holds them on both targets. */
async function loadRejects(warehouse: Warehouse, table: string, queryId: number | undefined): Promise<LoadRejectRow[]> {
  if (queryId === undefined) return [];
  const rows = await warehouse.query<{ file_name: string; line_number: number; column_name: string; error_message: string }>(
    `SELECT TRIM(file_name) AS file_name, line_number, TRIM(column_name) AS column_name, TRIM(error_message) AS error_message
     FROM sys_load_error_detail WHERE query_id = :query_id ORDER BY file_name, line_number`,
    { query_id: queryId },
  );
  return rows.map((r) => ({ table, file: r.file_name, line: Number(r.line_number), column: r.column_name, reason: r.error_message }));
}

/** A load's step line: its rows, and its rejects or that they could not be confirmed. */
export function loadDetail(load: StagingLoad): Omit<StepResult, 'step' | 'ms'> {
  return { rows: load.rows, detail: load.rejects.length > 0 ? `${load.rejects.length} rejected` : load.unconfirmed ? 'rejects unconfirmed' : undefined };
}

/** Warns of what a load could not confirm and of each row it rejected. */
export function warnLoad(progress: Progress, table: string, load: StagingLoad): void {
  if (load.unconfirmed) progress.warn(load.unconfirmed);
  for (const r of load.rejects) progress.warn(`${table}: rejected ${describeReject(r)}`);
}
