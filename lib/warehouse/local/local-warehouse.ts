/**
 * The local warehouse: PGlite (Postgres compiled to WebAssembly) kept on disk, so the mart persists between
 * runs and can be queried later. Statements arrive in Redshift's dialect and are translated; COPY from S3 is
 * emulated over local folders; rejected load rows are kept in a table named like Redshift's
 * sys_load_error_detail, with the same columns, so the same query finds them on both targets.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LoadError, type LoadReject, SparkifyError, StatementError } from '../../errors';
import { checkpoint } from '../../interrupts';
import { isWord, significant, tokenize } from '../sql-lexer';
import { assertReadOnly, commandTag } from '../statement-kind';
import type { ExecuteOptions, ResultColumn, ResultSet, Row, RunOptions, SqlParams, SqlValue, Statement, StatementResult, Warehouse } from '../warehouse';
import type { ColumnInfo } from './copy/column-values';
import { isCopy, parseCopy } from './copy/command';
import { type CopyOutcome, type CopyTarget, runCopy } from './copy/loader';
import { acquire, assertWarehouseFolder, DEFAULT_WAIT_S, openDatabase, recoverAfter, type WaitOptions } from './data-folder';
import { translate } from './dialect';
import { type Engine, type Executor, ServedEngine } from './engine';
import type { FolderLock } from './folder-lock';
import { S3Mounts } from './copy/s3-mounts';

export interface LocalWarehouseOptions {
  /** Folder holding the PGlite database; created on first use. */
  readonly dataDir: string;
  /** The local folder that stands in for each S3 bucket a COPY reads, by bucket name. */
  readonly s3Folders: Readonly<Record<string, string>>;
  /**
   * What a new warehouse starts from instead of running Postgres's initdb: a folder holding an empty
   * database (data-folder.ts's `ensureTemplate`).
   * @default the project's template (`templatePath()`), made by the first new warehouse
   */
  readonly template?: string;
  /**
   * How long to wait while another process owns the folder (one that serves it is used through its server
   * instead).
   * @default DEFAULT_WAIT_S, progress dropped
   */
  readonly wait?: WaitOptions;
  /**
   * Also take the folder's writer lock, held by ETL runs: two loads never run at once, also through a server.
   * @default false
   */
  readonly writer?: boolean;
  /** Fail instead of creating a new, empty warehouse (commands that only read). @default false */
  readonly mustExist?: boolean;
  /**
   * Told about slow one-time work as it starts (making the template: seconds of silence otherwise).
   * @default dropped
   */
  readonly onProgress?: (line: string) => void;
}

/**
 * A statement's result with, for one that returns rows (even none), the rows (arrays in column order, so two
 * columns of one name stay apart) and their columns' Postgres types.
 */
export interface StatementOutcome extends StatementResult {
  readonly result?: { readonly rows: readonly (readonly unknown[])[]; readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[] };
}

/**
 * Watches `run` statement by statement. The local Data API endpoint uses it to play the service: statuses
 * per sub-statement, each statement's rows, and stopping a run (a cancel, an injected fault) between statements.
 */
export interface StatementObserver {
  /** Statement `index` is about to run; throwing stops the run, and rolls back a transaction. */
  starting?(index: number): Promise<void>;
  /** Statement `index` ran. */
  finished?(index: number, outcome: StatementOutcome): void;
}

export interface LocalRunOptions extends RunOptions {
  readonly observer?: StatementObserver;
  /**
   * Run the transaction as this database user (made by `ensureUser`), not as the superuser: the local Data
   * API endpoint plays each caller's identity, so ownership and grants matter as they do on Redshift.
   * @default the superuser; needs `transaction`
   */
  readonly user?: string;
}

/**
 * Same columns as Redshift's SYS_LOAD_ERROR_DETAIL, SYS_LOAD_HISTORY and SYS_LOAD_DETAIL views (byte counts
 * are not kept: NULL; SYS_LOAD_DETAIL's lines_scanned counts a file's JSON records, loaded or rejected).
 */
const CREATE_LOAD_ERRORS = `
CREATE TABLE IF NOT EXISTS sys_load_error_detail (
  user_id INTEGER, query_id BIGINT, transaction_id BIGINT, session_id INTEGER, database_name CHAR(64),
  table_id INTEGER, start_time TIMESTAMP, file_name CHAR(256), line_number BIGINT, column_name CHAR(127),
  column_type CHAR(10), column_length CHAR(10), position INTEGER, error_code INTEGER, error_message CHAR(512)
);
CREATE SEQUENCE IF NOT EXISTS local_query_id;
CREATE TABLE IF NOT EXISTS sys_load_history (
  user_id INTEGER, query_id BIGINT, transaction_id BIGINT, session_id INTEGER, database_name TEXT, status TEXT,
  table_name TEXT, start_time TIMESTAMP, end_time TIMESTAMP, duration BIGINT, data_source TEXT, file_format TEXT,
  loaded_rows BIGINT, loaded_bytes BIGINT, source_file_count INTEGER, source_file_bytes BIGINT,
  file_count_scanned INTEGER, file_bytes_scanned BIGINT, error_count BIGINT, copy_job_id BIGINT
);
CREATE TABLE IF NOT EXISTS sys_load_detail (
  user_id INTEGER, query_id BIGINT, file_name CHAR(256), bytes_scanned BIGINT, lines_scanned BIGINT,
  record_time TIMESTAMP, splits_scanned INTEGER, start_time TIMESTAMP, end_time TIMESTAMP
);`;

export class LocalWarehouse implements Warehouse {
  readonly description: string;
  readonly #db: Engine;
  readonly #mounts: S3Mounts;
  readonly #chunks: ChunkFolder;
  readonly #locks: readonly FolderLock[];

  private constructor(db: Engine, options: LocalWarehouseOptions, serverDataDir: string, locks: readonly FolderLock[], servedBy?: string) {
    this.#db = db;
    this.#mounts = new S3Mounts(options.s3Folders);
    this.#locks = locks;
    // COPY's chunk files go in a folder of the data dir, which Postgres sees under its own path (also when
    // another process of this machine serves the folder).
    this.#chunks = { local: join(resolve(options.dataDir), CHUNK_FOLDER), server: `${serverDataDir}/${CHUNK_FOLDER}` };
    this.description = `local PGlite warehouse in ${options.dataDir}${servedBy === undefined ? '' : `, through npm run serve at ${servedBy}`}`;
  }

  /**
   * Opens the warehouse in `options.dataDir` as the folder's one owner (its lock held until close), or,
   * while `npm run serve` owns the folder, as a client of that server. Waits while another process owns it.
   */
  static async open(options: LocalWarehouseOptions): Promise<LocalWarehouse> {
    const { dataDir } = options;
    const wait = options.wait ?? { timeoutMs: DEFAULT_WAIT_S * 1000 };
    assertWarehouseFolder(dataDir);
    if (options.mustExist && !existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new SparkifyError(`The warehouse is empty: there is no local warehouse in ${dataDir} yet; run npm run etl first.`);
    }
    mkdirSync(dataDir, { recursive: true });
    const locks: FolderLock[] = [];
    const releaseAll = () => locks.forEach((l) => l.release());
    try {
      if (options.writer) {
        const writer = await acquire(dataDir, wait, 'writer');
        if ('lock' in writer) locks.push(writer.lock);
      }
      for (;;) {
        const owner = await acquire(dataDir, wait);
        if ('lock' in owner) {
          locks.push(owner.lock);
          const db = await openDatabase(dataDir, options.template, options.onProgress);
          if (owner.lock.tookOverFrom !== undefined) await recoverAfter(owner.lock.tookOverFrom, db, dataDir, options.onProgress);
          return await LocalWarehouse.#ready(db, options, locks);
        }
        const { host, port } = owner.served.serving;
        let engine: ServedEngine;
        try {
          engine = await ServedEngine.connect(host, port, wait);
        } catch (e) {
          if (e instanceof SparkifyError) throw e; // waited as long as --wait allows
          continue; // the server is stopping: its lock goes with it, so look again
        }
        return await LocalWarehouse.#ready(engine, options, locks, `${host}:${port}`);
      }
    } catch (e) {
      releaseAll();
      throw e;
    }
  }

  static async #ready(db: Engine, options: LocalWarehouseOptions, locks: readonly FolderLock[], servedBy?: string): Promise<LocalWarehouse> {
    try {
      await db.exec(CREATE_LOAD_ERRORS);
      const [where] = (await db.query<{ data_directory: string }>('SHOW data_directory')).rows;
      return new LocalWarehouse(db, options, where!.data_directory, locks, servedBy);
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  async run(statements: readonly Statement[], options: LocalRunOptions = {}): Promise<StatementResult[]> {
    const rejects: LoadRecord[] = [];
    const { observer } = options;
    const runAll = async (executor: Executor, inTransaction: boolean) => {
      const results: StatementResult[] = [];
      for (const [index, statement] of statements.entries()) {
        await checkpoint();
        await observer?.starting?.(index);
        const outcome = await this.#execute(executor, statement, inTransaction, rejects);
        observer?.finished?.(index, outcome);
        const { rowsAffected, queryId } = outcome;
        results.push(queryId === undefined ? { rowsAffected } : { rowsAffected, queryId });
      }
      return results;
    };
    await checkpoint();
    if (options.user !== undefined && !options.transaction) throw new SparkifyError('Running as another user needs a transaction.');
    try {
      return options.transaction
        ? await this.#db.transaction(async (tx) => {
            if (options.user !== undefined) await tx.query(`SET LOCAL ROLE ${quoteName(options.user)}`);
            return runAll(tx, true);
          })
        : await runAll(this.#db, false);
    } finally {
      // Recorded after the transaction ends, whatever its outcome: Redshift keeps load errors of a failed load.
      for (const load of rejects) {
        await this.#recordRejects(load.queryId, load.table, load.rejects);
        await this.#recordHistory(load);
        await this.#recordDetail(load);
      }
    }
  }

  /**
   * Makes database user `name` unless it exists: not a superuser, allowed what a Redshift user is by
   * default (create tables in the public schema, read the load views) and what the COPY emulation needs
   * (read its chunk files, draw load ids).
   */
  async ensureUser(name: string): Promise<void> {
    const { rows } = await this.#db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    if (rows.length > 0) return;
    const user = quoteName(name);
    await this.#db.exec(
      `CREATE ROLE ${user} LOGIN; GRANT CREATE, USAGE ON SCHEMA public TO ${user}; GRANT pg_read_server_files TO ${user};
       GRANT USAGE, SELECT ON SEQUENCE local_query_id TO ${user}; GRANT SELECT ON sys_load_error_detail, sys_load_history, sys_load_detail TO ${user};`,
    );
  }

  async query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]> {
    await checkpoint();
    const { text, values } = bindParameters(translate(sql), params, sql);
    try {
      return (await this.#db.query<R>(text, values)).rows;
    } catch (e) {
      throw statementError(e, sql, 'query');
    }
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<ResultSet> {
    await checkpoint();
    if (options.readOnly) assertReadOnly(sql);
    if (isCopy(sql)) {
      if (options.readOnly) assertReadOnly('COPY');
      const [result] = await this.run([{ sql, label: 'COPY' }]);
      return { command: commandTag(sql, result!.rowsAffected), rows: [], rowCount: result!.rowsAffected };
    }
    const text = translate(sql);
    // A query cut at maxRows reads through a cursor: the rows shown are fetched, the rest only counted.
    const cursor = options.maxRows !== undefined && CURSOR_STATEMENTS.has(firstWord(sql));
    const prefix = cursor ? 'DECLARE sparkify_rows NO SCROLL CURSOR FOR ' : '';
    try {
      const run = async (ex: Executor): Promise<ResultSet> => {
        if (options.readOnly) await ex.query('SET TRANSACTION READ ONLY');
        if (!cursor) {
          const result = await ex.query<SqlValue[]>(text, [], { rowMode: 'array' });
          const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
          const rows = options.maxRows === undefined ? result.rows : result.rows.slice(0, options.maxRows);
          return { command: commandTag(sql, rowCount), columns: result.fields.length > 0 ? result.fields.map(resultColumn) : undefined, rows, rowCount };
        }
        await ex.query(prefix + text);
        const fetched = await ex.query<SqlValue[]>(`FETCH FORWARD ${options.maxRows} FROM sparkify_rows`, [], { rowMode: 'array' });
        const rest = await ex.query('MOVE FORWARD ALL FROM sparkify_rows');
        const rowCount = fetched.rows.length + (rest.rowCount ?? 0);
        return { command: commandTag(sql, rowCount), columns: fetched.fields.map(resultColumn), rows: fetched.rows, rowCount };
      };
      return options.readOnly || cursor ? await this.#db.transaction(run) : await run(this.#db);
    } catch (e) {
      throw statementError(e, sql, 'The statement', { text, offset: prefix.length });
    }
  }

  /** Closes the database (Postgres shuts down cleanly) and then gives up the folder. */
  async close(): Promise<void> {
    try {
      await this.#db.close();
    } finally {
      for (const lock of this.#locks) lock.release();
    }
  }

  /**
   * `DELETE FROM t` (every row) inside a transaction, run as Postgres's TRUNCATE when the caller may truncate:
   * the publish empties each star table and fills it again from its build (sql/marts/publish.sql). Redshift
   * needs DELETE there (its TRUNCATE commits), but in Postgres TRUNCATE is transactional, and PGlite is one
   * session that runs one transaction at a time, so no reader can see the difference — except in what it
   * costs: DELETE would leave every old row dead on disk (PGlite runs no autovacuum) and log each one, and the
   * INSERT that follows would log every new row; after TRUNCATE, Postgres (wal_level=minimal) writes the new
   * rows without logging them, as it writes a table created in the transaction. The rows deleted are counted
   * first, so the result is DELETE's.
   */
  async #truncateInstead(executor: Executor, table: string, statement: Statement): Promise<StatementOutcome | undefined> {
    try {
      const [may] = (await executor.query<{ t: boolean }>("SELECT has_table_privilege($1, 'TRUNCATE') AS t", [table])).rows;
      if (may?.t !== true) return undefined;
      const [counted] = (await executor.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${quoteName(table)}`)).rows;
      await executor.query(`TRUNCATE ${quoteName(table)}`);
      return { rowsAffected: counted!.n };
    } catch (e) {
      throw statementError(e, statement.sql, statement.label);
    }
  }

  async #execute(
    executor: Executor,
    statement: Statement,
    inTransaction: boolean,
    rejects: LoadRecord[],
  ): Promise<StatementOutcome> {
    if (isCopy(statement.sql)) {
      const command = parseCopy(statement.sql);
      const queryId = Number((await executor.query<{ id: number }>("SELECT nextval('local_query_id') AS id")).rows[0]!.id);
      const load = async (ex: Executor) => runCopy(command, this.#mounts, copyTarget(ex, this.#chunks));
      const started = new Date();
      const record = { queryId, table: command.table, source: command.from, started };
      try {
        // A COPY is all or nothing: outside a caller's transaction, it gets one of its own.
        const outcome = inTransaction ? await load(executor) : await this.#db.transaction((tx) => load(tx));
        rejects.push({ ...record, rejects: outcome.rejects, loaded: outcome.rowsLoaded, files: outcome.filesRead, status: 'completed', detail: outcome.files });
        return { rowsAffected: outcome.rowsLoaded, queryId };
      } catch (e) {
        rejects.push({ ...record, rejects: e instanceof LoadError ? e.rejects : [], loaded: 0, files: 0, status: 'aborted', detail: [] });
        throw e;
      }
    }
    const emptied = inTransaction ? wholeTableDelete(statement.sql) : undefined;
    if (emptied !== undefined) {
      const truncated = await this.#truncateInstead(executor, emptied, statement);
      if (truncated !== undefined) return truncated;
    }
    const { text, values } = bindParameters(translate(statement.sql), statement.params, statement.sql);
    try {
      const result = await executor.query<unknown[]>(text, values, { rowMode: 'array' });
      const rowsAffected = result.affectedRows ?? 0;
      return result.fields.length > 0 ? { rowsAffected, result: { rows: result.rows, fields: result.fields } } : { rowsAffected };
    } catch (e) {
      throw statementError(e, statement.sql, statement.label);
    }
  }

  async #recordHistory(load: LoadRecord): Promise<void> {
    const ms = Date.now() - load.started.getTime();
    await this.#db.query(
      `INSERT INTO sys_load_history (user_id, query_id, transaction_id, session_id, database_name, status, table_name, start_time,
         end_time, duration, data_source, file_format, loaded_rows, source_file_count, file_count_scanned, error_count, copy_job_id)
       SELECT 100, $1, txid_current(), pg_backend_pid(), current_database(), $2, $3, $4::TIMESTAMP, $4::TIMESTAMP + $5 * INTERVAL '1 millisecond',
         $5 * 1000, $6, 'json', $7, $8, $8, $9, 0`,
      [load.queryId, load.status, load.table, load.started.toISOString().replace('Z', ''), ms, load.source, load.loaded, load.files, load.rejects.length],
    );
  }

  /** One row per file a COPY read, with its records as lines_scanned: how a full load finds a file that held none. */
  async #recordDetail(load: LoadRecord): Promise<void> {
    if (load.detail.length === 0) return;
    await this.#db.query(
      `INSERT INTO sys_load_detail (user_id, query_id, file_name, lines_scanned, record_time, start_time, end_time)
       SELECT 100, $1, LEFT(f.file_name, 256), f.lines_scanned, LOCALTIMESTAMP, $4::TIMESTAMP, LOCALTIMESTAMP
       FROM UNNEST($2::TEXT[], $3::BIGINT[]) AS f (file_name, lines_scanned)`,
      [load.queryId, load.detail.map((f) => f.uri), load.detail.map((f) => f.records), load.started.toISOString().replace('Z', '')],
    );
  }

  async #recordRejects(queryId: number, table: string, rejects: readonly LoadReject[]): Promise<void> {
    for (const r of rejects) {
      await this.#db.query(
        `INSERT INTO sys_load_error_detail (user_id, query_id, transaction_id, session_id, database_name, table_id,
           start_time, file_name, line_number, column_name, column_type, column_length, position, error_code, error_message)
         SELECT 100, $1, txid_current(), pg_backend_pid(), current_database(),
           (SELECT oid FROM pg_class WHERE relname = $2 LIMIT 1)::INTEGER, LOCALTIMESTAMP, LEFT($3, 256), $4,
           LEFT($5, 127), LEFT(COALESCE((SELECT data_type FROM information_schema.columns WHERE table_name = $2 AND column_name = $5 LIMIT 1), ''), 10),
           (SELECT character_maximum_length::TEXT FROM information_schema.columns WHERE table_name = $2 AND column_name = $5 LIMIT 1),
           0, $6, LEFT($7, 512)`,
        [queryId, table, r.file, r.line, r.column, r.code, r.reason],
      );
    }
  }
}

/** One COPY, for sys_load_history and sys_load_error_detail. */
interface LoadRecord {
  readonly queryId: number;
  readonly table: string;
  readonly source: string;
  readonly started: Date;
  readonly status: 'completed' | 'aborted';
  readonly loaded: number;
  readonly files: number;
  readonly rejects: readonly LoadReject[];
  readonly detail: CopyOutcome['files'];
}

/** A folder of the data dir, as this process names it and as Postgres (inside WebAssembly) does. */
interface ChunkFolder {
  readonly local: string;
  readonly server: string;
}

const CHUNK_FOLDER = 'sparkify-copy';

function copyTarget(executor: Executor, chunks: ChunkFolder): CopyTarget {
  return {
    chunkDir: chunks.local,
    async columns(table) {
      const rows = (
        await executor.query<{ name: string; data_type: string; max_length: number | null; nullable: string }>(
          // What information_schema.columns says (format_type names types as its data_type does), read from
          // the catalog: the view costs tens of milliseconds a COPY, this a few.
          `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS data_type,
                  CASE WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND a.atttypmod > 0 THEN a.atttypmod - 4 END AS max_length,
                  CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS nullable
           FROM pg_attribute AS a
           JOIN pg_class AS c ON c.oid = a.attrelid
           JOIN pg_namespace AS n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = ''
           ORDER BY a.attnum`,
          [table],
        )
      ).rows;
      if (rows.length === 0) return undefined;
      return rows.map((r): ColumnInfo => ({ name: r.name, dataType: r.data_type, maxLength: r.max_length, nullable: r.nullable === 'YES' }));
    },
    // Rows COPY writes FROZEN are visible to everyone from the start, so no later query has to mark them
    // committed (which rewrites every page of the table). Postgres allows it only into a table created or
    // emptied by TRUNCATE in the same transaction: an empty table is truncated first, which changes nothing
    // else (the translator never creates foreign keys or triggers that TRUNCATE would involve).
    async startLoad(table) {
      const { rows } = await executor.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM "${table}") AS empty`);
      if (!rows[0]!.empty) return false;
      await executor.query(`TRUNCATE "${table}"`);
      return true;
    },
    async appendChunk(table, columns, file, casts, freeze) {
      await checkpoint('between two chunks of a COPY');
      const list = columns.map((c) => `"${c}"`).join(', ');
      const from = `'${chunks.server}/${basename(file)}'`;
      if (casts.size === 0) {
        await executor.query(`COPY "${table}" (${list}) FROM ${from} WITH (FORMAT binary${freeze ? ', FREEZE' : ''})`);
        return;
      }
      // Columns that arrive as text (REAL, NUMERIC) go through a temporary table where they are TEXT, and
      // Postgres casts them on the way into the table, with the input functions its text COPY would use.
      // A failure rolls back the COPY's transaction, and the temporary table with it.
      const stage = 'sparkify_copy_stage';
      const shape = columns.map((c) => (casts.has(c) ? `NULL::TEXT AS "${c}"` : `"${c}"`)).join(', ');
      const values = columns.map((c) => (casts.has(c) ? `CAST("${c}" AS ${casts.get(c)})` : `"${c}"`)).join(', ');
      await executor.query(`CREATE TEMPORARY TABLE ${stage} AS SELECT ${shape} FROM "${table}" LIMIT 0`);
      await executor.query(`COPY ${stage} FROM ${from} WITH (FORMAT binary)`);
      await executor.query(`INSERT INTO "${table}" (${list}) SELECT ${values} FROM ${stage}`);
      await executor.query(`DROP TABLE ${stage}`);
    },
  };
}

/** A name as a quoted SQL identifier. */
function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Replaces the Data API's `:name` placeholders with Postgres's `$n`. */
function bindParameters(sql: string, params: SqlParams | undefined, original: string): { text: string; values: (string | null)[] } {
  const order: string[] = [];
  const text = tokenize(sql)
    .map((t) => {
      if (t.kind !== 'param') return t.text;
      const name = t.text.slice(1);
      if (params === undefined || !Object.hasOwn(params, name)) {
        throw new StatementError(`The statement uses the parameter :${name} but no value was given for it.`, original);
      }
      let n = order.indexOf(name);
      if (n < 0) n = order.push(name) - 1;
      return `$${n + 1}`;
    })
    .join('');
  // The Data API sends every value as text and lets the statement's context type it; so does this.
  const values = order.map((name) => {
    const v = params![name];
    return v === null || v === undefined ? null : String(v);
  });
  return { text, values };
}

/**
 * A failed statement as a StatementError. Where Postgres gives the position of the error in the text it ran
 * (the translation of `sql`, after `ran.offset` characters of wrapping), the error carries the position in
 * `sql` itself, so the caret lands under what the user wrote; without one, the message quotes the statement.
 */
function statementError(e: unknown, sql: string, label: string | undefined, ran?: { text: string; offset: number }): Error {
  if (e instanceof SparkifyError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const reported = Number((e as { position?: string }).position);
  const ranText = ran?.text ?? translate(sql);
  const position = Number.isInteger(reported) && reported > (ran?.offset ?? 0) ? originalPosition(sql, ranText, reported - (ran?.offset ?? 0)) : undefined;
  if (position !== undefined) {
    return new StatementError(`${label ?? 'A statement'} failed on the local warehouse: ${message}.`, sql, { cause: e, position });
  }
  const firstLine = sql.replace(/--[^\n]*\n/g, '').replace(/\s+/g, ' ').trim().slice(0, 160);
  return new StatementError(`${label ?? 'A statement'} failed on the local warehouse: ${message}. SQL: ${firstLine}`, sql, { cause: e });
}

/**
 * A 1-based position in the translated statement, as a position in the original. The translator rewrites
 * a few constructs and copies the rest: a position in the text both share at the start, or at the end, maps
 * exactly; one inside a rewritten stretch points at that stretch's start in the original.
 */
export function originalPosition(original: string, translated: string, position: number): number {
  if (original === translated) return position;
  let head = 0;
  while (head < original.length && head < translated.length && original[head] === translated[head]) head++;
  if (position - 1 < head) return position;
  let tail = 0;
  while (
    tail < original.length - head &&
    tail < translated.length - head &&
    original[original.length - 1 - tail] === translated[translated.length - 1 - tail]
  ) tail++;
  const fromEnd = translated.length - (position - 1);
  if (fromEnd <= tail) return original.length - fromEnd + 1;
  return head + 1;
}

/** Statements Postgres can read through a cursor. */
const CURSOR_STATEMENTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

function firstWord(sql: string): string {
  return tokenize(sql).find((t) => t.kind === 'word')?.text.toUpperCase() ?? '';
}

/** Postgres type names by OID, for the types the warehouse has; anything else by its OID. */
const TYPE_NAMES: Record<number, string> = {
  16: 'bool', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 26: 'oid', 700: 'float4', 701: 'float8', 1042: 'bpchar',
  1043: 'varchar', 1082: 'date', 1083: 'time', 1114: 'timestamp', 1184: 'timestamptz', 1266: 'timetz', 1700: 'numeric', 19: 'name',
};
const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);

function resultColumn(field: { name: string; dataTypeID: number }): ResultColumn {
  const type = TYPE_NAMES[field.dataTypeID] ?? `oid ${field.dataTypeID}`;
  return { name: field.name, type, numeric: NUMERIC_TYPES.has(type) };
}

/** The table of a `DELETE FROM t` that deletes every row (no WHERE, no USING), or undefined. */
export function wholeTableDelete(sql: string): string | undefined {
  const words = significant(tokenize(sql)).filter((t) => t.text !== ';');
  if (words.length !== 3 || !isWord(words[0], 'DELETE') || !isWord(words[1], 'FROM') || words[2]!.kind !== 'word') return undefined;
  return words[2]!.text.toLowerCase();
}
