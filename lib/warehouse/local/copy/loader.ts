/**
 * Emulates Redshift's `COPY … FORMAT AS JSON` over local folders: lists the objects under the S3 prefix,
 * reads their JSON records, maps fields to columns ('auto' by exact, case-sensitive name; 'auto ignorecase';
 * or a JSONPaths file by position), converts each value by Redshift's rules, and bulk-loads the rows
 * through Postgres's own COPY, in chunks, never row by row.
 *
 * Like Redshift's, the load is all or nothing: once MAXERROR n's count of rejects is reached, nothing is
 * loaded and the error names the first rejected rows; otherwise the rejected rows are returned so they can
 * be recorded where sys_load_error_detail shows them.
 *
 * How it is fast: the records are encoded as Postgres's binary COPY format (no text for Postgres to parse)
 * into chunk files of CHUNK_BYTES that Postgres reads from its data folder (encoder.ts). For a large
 * load, batches of consecutive files are encoded by worker threads (worker.ts) while this thread feeds
 * finished chunks to Postgres, so JSON parsing and Postgres's COPY run at the same time; a small load is
 * encoded here, as threads would cost more than they save. Either way chunks and rejects are taken in the
 * order of the files, so the rows, the rejects and the point where MAXERROR is exceeded are the same.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LoadError, type LoadReject } from '../../../errors';
import { castFromText, type ColumnInfo, converterFor } from './column-values';
import type { CopyCommand } from './command';
import { type Chunk, type EncodeOutcome, type EncodeSettings, encodeChunks, type FieldMapping, isObject, type PathStep } from './encoder';
import { rejectsThatFail } from '../../max-error';
import type { WorkerData } from './worker';
import type { S3Mounts, S3Object } from './s3-mounts';

/** What the loader needs from the database. */
export interface CopyTarget {
  /** The table's columns in order, or undefined if there is no such table. */
  columns(table: string): Promise<ColumnInfo[] | undefined>;
  /** A folder of this machine that Postgres can read files from: the chunk files are written there. */
  readonly chunkDir: string;
  /**
   * Called before the first chunk: if the table is empty, lets the chunks be loaded frozen (see
   * local-warehouse.ts); returns whether they will be.
   */
  startLoad(table: string): Promise<boolean>;
  /**
   * Appends the rows of a chunk file (a binary COPY stream) to the table's listed columns. `casts` maps the
   * columns the stream holds as text to the type Postgres must cast them to (see castFromText).
   */
  appendChunk(table: string, columns: readonly string[], file: string, casts: ReadonlyMap<string, string>, freeze: boolean): Promise<void>;
}

export interface CopyOutcome {
  readonly rowsLoaded: number;
  readonly filesRead: number;
  readonly rejects: readonly LoadReject[];
}

/** Rows go to Postgres in chunks of about this many bytes, so memory stays flat whatever the load's size. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** Loads of at least this many bytes of JSON are encoded in worker threads, batches of about BATCH_BYTES each. */
const WORKER_MIN_BYTES = 24 * 1024 * 1024;
const BATCH_BYTES = 16 * 1024 * 1024;
/**
 * Worker threads for a large load. JSON.parse and encoding cost more CPU than Postgres's binary COPY, so on
 * two cores two encoders and the COPY on the main thread keep both cores busy (one encoder left one idle half
 * the time). More would only take turns.
 */
const WORKERS = 2;

export async function runCopy(command: CopyCommand, mounts: S3Mounts, target: CopyTarget): Promise<CopyOutcome> {
  const tableColumns = await target.columns(command.table);
  if (tableColumns === undefined) {
    throw new LoadError(`COPY cannot load table "${command.table}": it does not exist. Create it first.`, command.table);
  }
  const columns = pickColumns(command, tableColumns);
  for (const column of columns) converterFor(column, command); // a type or format that is not emulated fails now
  const mapping = fieldMapping(command, columns, mounts);

  const objects = mounts.list(command.from);
  if (objects.length === 0) {
    const where = mounts.resolve(command.from).path;
    throw new LoadError(
      `The specified S3 prefix ${command.from} does not exist: no file under the local folder matches ${where}*. ` +
        'Check the source folder (npm run etl -- --source <dir>) holds song_data/ and log_data/.',
      command.table,
    );
  }

  const plan: EncodeSettings = {
    columns,
    conversion: {
      blanksAsNull: command.blanksAsNull,
      emptyAsNull: command.emptyAsNull,
      truncateColumns: command.truncateColumns,
      timeFormat: command.timeFormat,
      dateFormat: command.dateFormat,
    },
    mapping,
    maxError: command.maxError,
    chunkDir: target.chunkDir,
    chunkBytes: CHUNK_BYTES,
  };
  const names = columns.map((c) => c.name);
  const casts = new Map(columns.flatMap((c) => {
    const cast = castFromText(c);
    return cast === undefined ? [] : [[c.name, cast] as const];
  }));
  rmSync(plan.chunkDir, { recursive: true, force: true }); // leftovers of a run that was killed
  mkdirSync(plan.chunkDir, { recursive: true });
  const freeze = await target.startLoad(command.table);
  const workers = Math.min(WORKERS, availableParallelism());
  const events = estimatedBytes(objects) >= WORKER_MIN_BYTES ? encodeInWorkers(plan, batchesOf(objects), workers) : encodeHere(plan, objects);

  // Chunks are loaded, and rejects counted, in the order of the objects, whichever thread encoded them.
  let rowsLoaded = 0;
  const rejects: LoadReject[] = [];
  try {
    for await (const event of events) {
      if (event.kind === 'chunk') {
        await target.appendChunk(command.table, names, event.chunk.path, casts, freeze);
        rowsLoaded += event.chunk.rows;
        rmSync(event.chunk.path, { force: true });
        continue;
      }
      for (const reject of event.outcome.rejects) {
        rejects.push(reject);
        if (rejects.length >= rejectsThatFail(command.maxError)) throw tooManyRejects(command, rejects);
      }
    }
  } finally {
    rmSync(plan.chunkDir, { recursive: true, force: true });
  }
  return { rowsLoaded, filesRead: objects.length, rejects };
}

function tooManyRejects(command: CopyCommand, rejects: readonly LoadReject[]): LoadError {
  const first = rejects[0]!;
  return new LoadError(
    `Load into table '${command.table}' failed: ${rejects.length} row(s) rejected, and MAXERROR ${command.maxError} fails a load at ${rejectsThatFail(command.maxError)}; nothing was loaded. ` +
      `First: ${first.file} line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.reason}` +
      `${first.rawValue ? ` (value: ${JSON.stringify(first.rawValue.slice(0, 80))})` : ''}. ` +
      'Check sys_load_error_detail for every rejected row.',
    command.table,
    [...rejects],
  );
}

/** The objects' total size, estimated from up to 64 of them spread over the list (a prefix may hold 385,000). */
function estimatedBytes(objects: readonly S3Object[]): number {
  const step = Math.max(1, Math.floor(objects.length / 64));
  let sampled = 0;
  let bytes = 0;
  for (let i = 0; i < objects.length; i += step, sampled++) bytes += statSync(objects[i]!.path).size;
  return (bytes / sampled) * objects.length;
}

/** Consecutive objects in batches of about BATCH_BYTES. */
function batchesOf(objects: readonly S3Object[]): S3Object[][] {
  const batches: S3Object[][] = [];
  let batch: S3Object[] = [];
  let bytes = 0;
  for (const object of objects) {
    batch.push(object);
    bytes += statSync(object.path).size;
    if (bytes >= BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** In encoding order: each batch's chunks, then its outcome. */
type EncodeEvent = { readonly kind: 'chunk'; readonly chunk: Chunk } | { readonly kind: 'batch'; readonly outcome: EncodeOutcome };

/** All the objects as one batch, encoded on this thread. */
async function* encodeHere(plan: EncodeSettings, objects: readonly S3Object[]): AsyncGenerator<EncodeEvent> {
  const chunks = encodeChunks({ ...plan, objects, chunkPrefix: '' });
  for (;;) {
    const next = chunks.next();
    if (next.done) {
      yield { kind: 'batch', outcome: next.value };
      return;
    }
    yield { kind: 'chunk', chunk: next.value };
  }
}

type WorkerMessage =
  | { readonly kind: 'chunk'; readonly chunk: Chunk }
  | { readonly kind: 'batch'; readonly outcome: EncodeOutcome }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

/**
 * The batches encoded by up to `count` worker threads, batch i by worker i % count, and their events given in
 * batch order. Each chunk is acknowledged to its worker once loaded; leaving early (an error, too many
 * rejects) stops the workers.
 */
async function* encodeInWorkers(
  plan: EncodeSettings,
  batches: readonly (readonly S3Object[])[],
  count: number,
): AsyncGenerator<EncodeEvent> {
  const n = Math.min(count, batches.length);
  const workers = Array.from({ length: n }, (_, w) => {
    const data: WorkerData = { plan, batches: batches.flatMap((objects, index) => (index % n === w ? [{ index, objects }] : [])) };
    return new WorkerInbox(startWorker(data));
  });
  try {
    for (let b = 0; b < batches.length; b++) {
      const worker = workers[b % n]!;
      for (;;) {
        const m = await worker.next();
        if (m.kind === 'error') throw Object.assign(new Error(m.message), { name: m.name, stack: m.stack });
        if (m.kind === 'done') throw new Error(`The COPY worker thread finished without batch ${b}.`);
        yield m;
        if (m.kind === 'batch') break;
        worker.consumed();
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** A worker thread's messages, one at a time, in order. */
class WorkerInbox {
  readonly #worker: Worker;
  readonly #queue: (WorkerMessage | Error)[] = [];
  #notify: (() => void) | undefined;
  #finished = false;

  constructor(worker: Worker) {
    this.#worker = worker;
    const deliver = (m: WorkerMessage | Error) => {
      this.#queue.push(m);
      this.#notify?.();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'done' || m.kind === 'error') this.#finished = true;
      deliver(m);
    });
    worker.on('error', deliver);
    worker.on('exit', (code) => {
      if (!this.#finished) deliver(new Error(`The COPY worker thread stopped (exit code ${code}) before it finished.`));
    });
  }

  async next(): Promise<WorkerMessage> {
    while (this.#queue.length === 0) await new Promise<void>((resolve) => (this.#notify = resolve));
    const m = this.#queue.shift()!;
    if (m instanceof Error) throw m;
    return m;
  }

  consumed(): void {
    this.#worker.postMessage('consumed');
  }

  async stop(): Promise<void> {
    this.#worker.removeAllListeners();
    await this.#worker.terminate();
  }
}

/**
 * Scripts and tests run TypeScript through tsx (jest through its own transform, which a worker thread does
 * not get), so a worker loads worker.ts through tsx's require hook; compiled JavaScript needs no hook.
 */
function startWorker(data: WorkerData): Worker {
  const ext = extname(__filename);
  const file = join(__dirname, `worker${ext}`);
  // A young generation of 16 MB: the records die young, and a larger one only made the process bigger.
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 16 } };
  if (ext !== '.ts') return new Worker(file, options);
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`;
  return new Worker(boot, { ...options, eval: true, execArgv: [] });
}

/** The target columns: the column list, or all the columns the target offers (it leaves out IDENTITY ones). */
function pickColumns(command: CopyCommand, tableColumns: ColumnInfo[]): ColumnInfo[] {
  if (command.columns === undefined) return tableColumns;
  return command.columns.map((name) => {
    const column = tableColumns.find((c) => c.name === name);
    if (column === undefined) throw new LoadError(`COPY names column "${name}", which table "${command.table}" does not have.`, command.table);
    return column;
  });
}

/** How the records' fields map to the columns: a JSONPaths file's paths, or 'auto'. */
function fieldMapping(command: CopyCommand, columns: readonly ColumnInfo[], mounts: S3Mounts): FieldMapping {
  const json = command.json;
  if (json.kind === 'auto') return { kind: 'auto', ignoreCase: json.ignoreCase };
  const paths = readJsonPaths(json.uri, mounts, command.table);
  if (paths === undefined) return { kind: 'auto', ignoreCase: false };
  if (paths.length !== columns.length) {
    throw new LoadError(
      `Number of jsonpaths and the number of columns should match. JSONPath size: ${paths.length}, ` +
        `Number of columns in table or column list: ${columns.length} (JSONPaths file ${json.uri}, table ${command.table}).`,
      command.table,
    );
  }
  return { kind: 'paths', paths };
}

/** Reads a JSONPaths file; undefined when its top key is not "jsonpaths" (Redshift then falls back to 'auto'). */
function readJsonPaths(uri: string, mounts: S3Mounts, table: string): PathStep[][] | undefined {
  const { path } = mounts.resolve(uri);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LoadError(`The JSONPaths file ${uri} does not exist: expected it at ${path}. Put log_json_path.json in the source folder.`, table);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LoadError(`The JSONPaths file ${uri} (${path}) is not valid JSON: ${(e as Error).message}.`, table);
  }
  if (!isObject(doc) || !Object.hasOwn(doc, 'jsonpaths')) return undefined;
  const list = doc['jsonpaths'];
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
    throw new LoadError(`The JSONPaths file ${uri} (${path}) must hold {"jsonpaths": ["$['key']", …]}.`, table);
  }
  return list.map((p: string) => parseJsonPath(p, uri, table));
}

/** `$['a']['b']`, `$.a.b`, `$['a'][0]`; Redshift allows no wildcards or filters. */
export function parseJsonPath(expression: string, uri: string, table: string): PathStep[] {
  const bad = (why: string) =>
    new LoadError(`Invalid JSONPath format in ${uri}: ${JSON.stringify(expression)} ${why}.`, table);
  if (!expression.startsWith('$')) throw bad('must start with $');
  const steps: PathStep[] = [];
  let rest = expression.slice(1);
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) || (m = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) {
      steps.push(m[1]!.replace(/\\(.)/g, '$1'));
    } else if ((m = /^\[\s*(\d+)\s*\]/.exec(rest))) {
      steps.push(Number(m[1]));
    } else if ((m = /^\.([A-Za-z_$][\w$]*)/.exec(rest))) {
      steps.push(m[1]!);
    } else {
      throw bad(`is not supported at "${rest}" (no wildcards, filters or slices)`);
    }
    rest = rest.slice(m[0].length);
  }
  if (steps.length === 0) throw bad('selects the whole record');
  return steps;
}
