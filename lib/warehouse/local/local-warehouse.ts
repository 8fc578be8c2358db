/**
 * The local warehouse: PGlite (Postgres compiled to WebAssembly) kept on disk, so the mart persists between
 * runs and can be queried later. Statements arrive in Redshift's dialect and are translated; COPY from S3 is
 * emulated over local folders; rejected load rows are kept in a table named like Redshift's
 * sys_load_error_detail, with the same columns, so the same query finds them on both targets.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { LoadError, type LoadReject, SparkifyError, StatementError } from '../../errors';
import { tokenize } from '../sql-lexer';
import { assertReadOnly, commandTag } from '../statement-kind';
import type { ExecuteOptions, ResultColumn, ResultSet, Row, RunOptions, SqlParams, SqlValue, Statement, StatementResult, Warehouse } from '../warehouse';
import type { ColumnInfo } from './copy/column-values';
import { isCopy, parseCopy } from './copy/command';
import { type CopyTarget, runCopy } from './copy/loader';
import { translate } from './dialect';
import { S3Mounts } from './copy/s3-mounts';

export interface LocalWarehouseOptions {
  /** Folder holding the PGlite database; created on first use. */
  readonly dataDir: string;
  /** The local folder that stands in for each S3 bucket a COPY reads, by bucket name. */
  readonly s3Folders: Readonly<Record<string, string>>;
  /**
   * What a new warehouse starts from instead of running Postgres's initdb (2–3 s and 900 MB of memory under
   * WebAssembly): a folder holding an empty database (`LocalWarehouse.ensureTemplate`).
   * @default the template folder beside the data dir (`LocalWarehouse.templateFor`), made there by the first
   *   new warehouse; if it cannot be made, a new warehouse runs initdb
   */
  readonly template?: string;
  /**
   * Told about slow one-time work as it starts (making the template: seconds of silence otherwise).
   * @default dropped
   */
  readonly onProgress?: (line: string) => void;
}

type Executor = Pick<Transaction, 'query'>;

/** The installed PGlite's version. */
const PGLITE_VERSION = (
  JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** A statement's result with, for one that returns rows (even none), the rows and their columns' Postgres types. */
export interface StatementOutcome extends StatementResult {
  readonly result?: { readonly rows: Row[]; readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[] };
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
}

/** Rows come back as the Data API returns them: numbers, booleans, and text for timestamps and decimals. */
const asText = (value: string) => value;
const PARSERS = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.DATE]: asText,
  [types.TIME]: asText,
  [types.NUMERIC]: asText,
  [types.INT8]: Number,
};

/**
 * Postgres settings for the embedded server (not written to its configuration file):
 * - work_mem: sorts and hashes of a million-row build stay in memory (the default, 4 MB, spills them to
 *   temporary files); Postgres gives hashes twice this. It is a ceiling per operation, not an allocation.
 * - wal_level=minimal (which needs max_wal_senders=0): a table created, or emptied, in the same transaction
 *   as the rows that fill it is written without a WAL copy of every row. The star tables are built that
 *   way, and COPY into an empty table truncates it first. Nothing here replicates or archives WAL.
 */
const SESSION_SETTINGS = ['work_mem=64MB', 'wal_level=minimal', 'max_wal_senders=0'];

/**
 * initdb options for a new warehouse, beyond PGlite's own. Data checksums off (Postgres 18 turns them on by
 * default): with them, the first read of a freshly built table also writes a copy of each of its pages to
 * the WAL, to mark its rows committed; that was over a second of a 1M-event run. What checksums guard
 * against, a page damaged on disk, costs little here: every run rebuilds the mart from its sources.
 */
const INITDB_ARGS = ['--no-data-checksums'];

/** Same columns as Redshift's SYS_LOAD_ERROR_DETAIL view. */
const CREATE_LOAD_ERRORS = `
CREATE TABLE IF NOT EXISTS sys_load_error_detail (
  user_id INTEGER, query_id BIGINT, transaction_id BIGINT, session_id INTEGER, database_name CHAR(64),
  table_id INTEGER, start_time TIMESTAMP, file_name CHAR(256), line_number BIGINT, column_name CHAR(127),
  column_type CHAR(10), column_length CHAR(10), position INTEGER, error_code INTEGER, error_message CHAR(512)
);
CREATE SEQUENCE IF NOT EXISTS local_query_id;`;

export class LocalWarehouse implements Warehouse {
  readonly description: string;
  readonly #db: PGlite;
  readonly #mounts: S3Mounts;
  readonly #chunks: ChunkFolder;

  private constructor(db: PGlite, options: LocalWarehouseOptions, serverDataDir: string) {
    this.#db = db;
    this.#mounts = new S3Mounts(options.s3Folders);
    // COPY's chunk files go in a folder of the data dir, which Postgres sees under its own path.
    this.#chunks = { local: join(resolve(options.dataDir), CHUNK_FOLDER), server: `${serverDataDir}/${CHUNK_FOLDER}` };
    this.description = `local PGlite warehouse in ${options.dataDir}`;
  }

  static async open(options: LocalWarehouseOptions): Promise<LocalWarehouse> {
    mkdirSync(options.dataDir, { recursive: true });
    const isNew = !existsSync(join(options.dataDir, 'PG_VERSION'));
    const template = isNew ? (options.template ?? (await templateBeside(options.dataDir, options.onProgress))) : undefined;
    const fromTemplate = template !== undefined && existsSync(join(template, 'PG_VERSION'));
    let db: PGlite;
    try {
      // The template is copied, then opened like any existing warehouse.
      if (fromTemplate) cpSync(template, options.dataDir, { recursive: true });
      // relaxedDurability: flush to disk after each query without waiting; a crash loses at most the last run,
      // which the next run rebuilds anyway.
      db = await PGlite.create({
        dataDir: options.dataDir,
        relaxedDurability: true,
        parsers: PARSERS,
        initDbStartParams: INITDB_ARGS,
        startParams: [...PGlite.defaultStartParams, ...SESSION_SETTINGS.flatMap((setting) => ['-c', setting])],
      });
    } catch (e) {
      throw new SparkifyError(
        `Could not open the local warehouse in ${options.dataDir}${fromTemplate ? ` (new, from ${template})` : ''}: ${(e as Error).message}. ` +
          'If another process is using it, wait for it to finish; if the folder is damaged, delete it and run npm run etl again.',
        1,
        { cause: e },
      );
    }
    await db.exec(CREATE_LOAD_ERRORS);
    const [where] = (await db.query<{ data_directory: string }>('SHOW data_directory')).rows;
    return new LocalWarehouse(db, options, where!.data_directory);
  }

  /**
   * Where a warehouse in `dataDir` keeps the template it starts from when new: a folder beside the data dir
   * holding an empty, cleanly shut down database, named for the PGlite version (a database only opens in the
   * version that made it) and for how initdb made it (INITDB_ARGS). Copying it and starting Postgres on the
   * copy takes about a third of the time PGlite needs to unpack a dump of one.
   */
  static templateFor(dataDir: string): string {
    return join(dirname(resolve(dataDir)), `pglite-${PGLITE_VERSION}-nochecksums-empty`);
  }

  /** Makes the template folder at `path` unless it is there; true if it made it. Atomic: a folder half made is never used. */
  static async ensureTemplate(path: string): Promise<boolean> {
    if (existsSync(join(path, 'PG_VERSION'))) return false;
    const partial = `${path}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const db = await PGlite.create({ dataDir: partial, initDbStartParams: INITDB_ARGS });
    await db.close();
    try {
      renameSync(partial, path);
    } catch (e) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(path, 'PG_VERSION'))) throw e; // another process made it first: fine
    }
    return true;
  }

  async run(statements: readonly Statement[], options: LocalRunOptions = {}): Promise<StatementResult[]> {
    const rejects: { queryId: number; table: string; rejects: readonly LoadReject[] }[] = [];
    const { observer } = options;
    const runAll = async (executor: Executor, inTransaction: boolean) => {
      const results: StatementResult[] = [];
      for (const [index, statement] of statements.entries()) {
        await observer?.starting?.(index);
        const outcome = await this.#execute(executor, statement, inTransaction, rejects);
        observer?.finished?.(index, outcome);
        const { rowsAffected, queryId } = outcome;
        results.push(queryId === undefined ? { rowsAffected } : { rowsAffected, queryId });
      }
      return results;
    };
    try {
      return options.transaction ? await this.#db.transaction((tx) => runAll(tx, true)) : await runAll(this.#db, false);
    } finally {
      // Recorded after the transaction ends, whatever its outcome: Redshift keeps load errors of a failed load.
      for (const load of rejects) await this.#recordRejects(load.queryId, load.table, load.rejects);
    }
  }

  async query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]> {
    const { text, values } = bindParameters(translate(sql), params, sql);
    try {
      return (await this.#db.query<R>(text, values)).rows;
    } catch (e) {
      throw statementError(e, sql, 'query');
    }
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<ResultSet> {
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

  async close(): Promise<void> {
    await this.#db.close();
  }

  async #execute(
    executor: Executor,
    statement: Statement,
    inTransaction: boolean,
    rejects: { queryId: number; table: string; rejects: readonly LoadReject[] }[],
  ): Promise<StatementOutcome> {
    if (isCopy(statement.sql)) {
      const command = parseCopy(statement.sql);
      const queryId = Number((await executor.query<{ id: number }>("SELECT nextval('local_query_id') AS id")).rows[0]!.id);
      const load = async (ex: Executor) => runCopy(command, this.#mounts, copyTarget(ex, this.#chunks));
      try {
        // A COPY is all or nothing: outside a caller's transaction, it gets one of its own.
        const outcome = inTransaction ? await load(executor) : await this.#db.transaction((tx) => load(tx));
        if (outcome.rejects.length > 0) rejects.push({ queryId, table: command.table, rejects: outcome.rejects });
        return { rowsAffected: outcome.rowsLoaded, queryId };
      } catch (e) {
        if (e instanceof LoadError && e.rejects.length > 0) rejects.push({ queryId, table: command.table, rejects: e.rejects });
        throw e;
      }
    }
    const { text, values } = bindParameters(translate(statement.sql), statement.params, statement.sql);
    try {
      const result = await executor.query<Row>(text, values);
      const rowsAffected = result.affectedRows ?? 0;
      return result.fields.length > 0 ? { rowsAffected, result: { rows: result.rows, fields: result.fields } } : { rowsAffected };
    } catch (e) {
      throw statementError(e, statement.sql, statement.label);
    }
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

/**
 * The template beside `dataDir`, made now if it is not there yet (so the first new warehouse in a folder
 * pays for initdb once, and every later one starts from a copy); undefined if it cannot be made.
 */
async function templateBeside(dataDir: string, onProgress?: (line: string) => void): Promise<string | undefined> {
  const path = LocalWarehouse.templateFor(dataDir);
  if (!existsSync(join(path, 'PG_VERSION'))) onProgress?.(`making the empty-database template in ${path} (once per folder: a few seconds)`);
  try {
    await LocalWarehouse.ensureTemplate(path);
    return path;
  } catch {
    return undefined; // a read-only parent folder, a full disk: initdb then, as without a template
  }
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
          `SELECT column_name AS name, data_type, character_maximum_length AS max_length, is_nullable AS nullable
           FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'NO'
           ORDER BY ordinal_position`,
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
