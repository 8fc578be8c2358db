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

/** A result column: its name (names can repeat: `SELECT 1, 2`) and the engine's type name. */
export interface ResultColumn {
  readonly name: string;
  /** The type as the engine names it: int4, int8, numeric, float8, varchar, timestamp… */
  readonly type: string;
  /** Whether values are numbers (integers, floats, decimals): aligned right and grouped on a terminal. */
  readonly numeric: boolean;
}

/** What one statement did, as the query tool shows it: rows as arrays, so columns of the same name stay apart. */
export interface ResultSet {
  /** The command tag psql prints: `SELECT 3`, `INSERT 0 3`, `DELETE 75`, `DROP TABLE`. */
  readonly command: string;
  /** The columns, for a statement that returns rows (even none); undefined for one that does not. */
  readonly columns?: readonly ResultColumn[];
  /** The first `maxRows` rows, each value in column order. */
  readonly rows: readonly (readonly SqlValue[])[];
  /** Rows the statement returned in all (more than `rows.length` when cut at `maxRows`) or changed. */
  readonly rowCount: number;
}

export interface ExecuteOptions {
  /** Refuse anything but reads: the statement runs only if it cannot change data. */
  readonly readOnly?: boolean;
  /** Keep at most this many rows of the result; `rowCount` still counts them all. @default every row */
  readonly maxRows?: number;
}

export interface Warehouse {
  /** Which target this is and where, for progress output (for example `local PGlite at .warehouse/db`). */
  readonly description: string;
  /** Run statements in order; stops at the first failure. */
  run(statements: readonly Statement[], options?: RunOptions): Promise<StatementResult[]>;
  /** Run one query and return its rows. */
  query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]>;
  /**
   * Run one statement of any kind, as a person typed it, and say what it did: for the query tool. Optional, so
   * a test double needs only what the pipeline uses.
   */
  execute?(sql: string, options?: ExecuteOptions): Promise<ResultSet>;
  close(): Promise<void>;
}
