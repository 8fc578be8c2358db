/**
 * The one interface the pipeline, the analytics and the scripts talk to. Two implementations:
 * `LocalWarehouse` (PGlite, Redshift SQL translated) and the Redshift Data API warehouse.
 *
 * SQL is always Redshift's dialect. Parameters use the Data API's named form (`:name`), so the same
 * statement text runs on both targets; values are sent as parameters, never spliced into the SQL.
 */

/** A value bound to a `:name` placeholder. The Data API sends every value as a string; so does the local one. */
export type SqlValue = string | number | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;

export interface Statement {
  /** One SQL statement in Redshift's dialect. */
  readonly sql: string;
  /** Values for the `:name` placeholders in `sql`. */
  readonly params?: SqlParams;
  /** What the statement does, for progress and error messages (for example `load staging_events`). */
  readonly label?: string;
}

export interface StatementResult {
  /**
   * Rows inserted, updated, deleted or (for COPY) loaded, as the engine reports them; 0 where it reports
   * none. Through the Data API a COPY may report 0 whatever it loaded: count the table instead.
   */
  readonly rowsAffected: number;
  /**
   * The engine's id for the statement, where it has one: the `query_id` under which a COPY's rejected
   * rows appear in `sys_load_error_detail`.
   */
  readonly queryId?: number;
}

export interface RunOptions {
  /** Run all statements as one transaction: all of them take effect, or none. */
  readonly transaction?: boolean;
}

/** A row as it comes back: bigint/int/float as number, boolean, text; decimals, dates and timestamps as text. */
export type Row = Record<string, SqlValue>;

export interface Warehouse {
  /** Which target this is and where, for progress output (for example `local PGlite at .warehouse/db`). */
  readonly description: string;
  /** Run statements in order; stops at the first failure. */
  run(statements: readonly Statement[], options?: RunOptions): Promise<StatementResult[]>;
  /** Run one query and return its rows. */
  query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]>;
  close(): Promise<void>;
}
