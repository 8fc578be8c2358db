/**
 * Emulates Redshift's `COPY … FORMAT AS JSON` over local folders: lists the objects under the S3 prefix,
 * reads their JSON records, maps fields to columns ('auto' by exact, case-sensitive name; 'auto ignorecase';
 * or a JSONPaths file by position), converts each value by Redshift's rules, and bulk-loads the rows
 * through Postgres's own COPY (CSV), in chunks, never row by row.
 *
 * Like Redshift's, the load is all or nothing: if more rows are rejected than MAXERROR allows, nothing is
 * loaded and the error names the first rejected rows; otherwise the rejected rows are returned so they can
 * be recorded where sys_load_error_detail shows them.
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { LoadError, type LoadReject } from '../../errors';
import { type ColumnInfo, converterFor, FieldError, type FieldConverter } from './column-values';
import type { CopyCommand } from './copy-command';
import { jsonRecords } from './json-records';
import type { S3Mounts } from './s3-mounts';

/** What the loader needs from the database. */
export interface CopyTarget {
  /** The table's columns in order, or undefined if there is no such table. */
  columns(table: string): Promise<ColumnInfo[] | undefined>;
  /** Appends rows given as CSV (no header) to the table's listed columns. */
  appendCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
}

export interface CopyOutcome {
  readonly rowsLoaded: number;
  readonly filesRead: number;
  readonly rejects: readonly LoadReject[];
}

/** Rows are sent to Postgres in chunks of about this many characters, so memory stays flat. */
const CHUNK_CHARS = 16 * 1024 * 1024;

type PathStep = string | number;

export async function runCopy(command: CopyCommand, mounts: S3Mounts, target: CopyTarget): Promise<CopyOutcome> {
  const tableColumns = await target.columns(command.table);
  if (tableColumns === undefined) {
    throw new LoadError(`COPY cannot load table "${command.table}": it does not exist. Create it first.`, command.table);
  }
  const columns = pickColumns(command, tableColumns);
  const converters: FieldConverter[] = columns.map((c) => converterFor(c, command));
  const extract = fieldExtractor(command, columns, mounts);

  const objects = mounts.list(command.from);
  if (objects.length === 0) {
    const where = mounts.resolve(command.from).path;
    throw new LoadError(
      `The specified S3 prefix ${command.from} does not exist: no file under the local folder matches ${where}*. ` +
        'Check the source folder (npm run etl -- --source <dir>) holds song_data/ and log_data/.',
      command.table,
    );
  }

  const names = columns.map((c) => c.name);
  const rejects: LoadReject[] = [];
  let chunk: string[] = [];
  let chunkChars = 0;
  let rowsLoaded = 0;
  const tooMany = () => rejects.length > command.maxError;

  for (const object of objects) {
    for (const record of readRecords(object.path)) {
      if (!record.ok) {
        rejects.push({ file: object.uri, line: record.line, column: '', reason: record.reason, code: 1224, rawValue: record.raw.slice(0, 1024) });
        if (tooMany()) break;
        continue;
      }
      const fields = extract(record.value);
      if (fields === undefined) {
        rejects.push({ file: object.uri, line: record.line, column: '', reason: AUTO_NEEDS_OBJECT, code: 1224, rawValue: JSON.stringify(record.value).slice(0, 1024) });
        if (tooMany()) break;
        continue;
      }
      let row = '';
      let rejected = false;
      for (let c = 0; c < converters.length; c++) {
        try {
          row += (c === 0 ? '' : ',') + converters[c]!(fields[c]);
        } catch (e) {
          if (!(e instanceof FieldError)) throw e;
          const raw = fields[c];
          rejects.push({
            file: object.uri,
            line: record.line,
            column: names[c]!,
            reason: e.message,
            code: e.code,
            rawValue: (typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '').slice(0, 1024),
          });
          rejected = true;
          break;
        }
      }
      if (rejected) {
        if (tooMany()) break;
        continue;
      }
      chunk.push(row);
      chunkChars += row.length + 1;
      if (chunkChars >= CHUNK_CHARS) {
        await target.appendCsv(command.table, names, chunk.join('\n'));
        rowsLoaded += chunk.length;
        chunk = [];
        chunkChars = 0;
      }
    }
    if (tooMany()) {
      const first = rejects[0]!;
      throw new LoadError(
        `Load into table '${command.table}' failed: ${rejects.length} row(s) rejected, more than MAXERROR ${command.maxError} allows; nothing was loaded. ` +
          `First: ${first.file} line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.reason}` +
          `${first.rawValue ? ` (value: ${JSON.stringify(first.rawValue.slice(0, 80))})` : ''}. ` +
          'Check sys_load_error_detail for every rejected row.',
        command.table,
        rejects,
      );
    }
  }
  if (chunk.length > 0) {
    await target.appendCsv(command.table, names, chunk.join('\n'));
    rowsLoaded += chunk.length;
  }
  return { rowsLoaded, filesRead: objects.length, rejects };
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

/** Reads one file's records; bytes that are not UTF-8 reject their line, as Redshift does without ACCEPTINVCHARS. */
function* readRecords(path: string): ReturnType<typeof jsonRecords> {
  const bytes = readFileSync(path);
  if (isUtf8(bytes)) {
    yield* jsonRecords(bytes.toString('utf8'));
    return;
  }
  const lines = bytes.toString('latin1').split('\n');
  const cleaned: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = Buffer.from(lines[i]!, 'latin1');
    if (isUtf8(raw)) cleaned.push(raw.toString('utf8'));
    else {
      cleaned.push('');
      yield { ok: false, reason: 'Invalid UTF8 character in the record (ACCEPTINVCHARS is not set)', line: i + 1, raw: raw.toString('utf8') };
    }
  }
  yield* jsonRecords(cleaned.join('\n'));
}

/** Builds the function that picks each column's value out of a record. */
function fieldExtractor(
  command: CopyCommand,
  columns: readonly ColumnInfo[],
  mounts: S3Mounts,
): (record: unknown) => unknown[] | undefined {
  const json = command.json;
  if (json.kind === 'jsonpaths') {
    const paths = readJsonPaths(json.uri, mounts, command.table);
    if (paths === undefined) return fieldExtractor({ ...command, json: { kind: 'auto', ignoreCase: false } }, columns, mounts);
    if (paths.length !== columns.length) {
      throw new LoadError(
        `Number of jsonpaths and the number of columns should match. JSONPath size: ${paths.length}, ` +
          `Number of columns in table or column list: ${columns.length} (JSONPaths file ${json.uri}, table ${command.table}).`,
        command.table,
      );
    }
    return (record) => paths.map((path) => evaluate(record, path));
  }
  const names = columns.map((c) => c.name);
  if (!json.ignoreCase) {
    // Case-sensitive, as Redshift documents: the key "userId" does not fill the column userid.
    return (record) => {
      if (!isObject(record)) return undefined;
      return names.map((n) => (Object.hasOwn(record, n) ? record[n] : undefined));
    };
  }
  return (record) => {
    if (!isObject(record)) return undefined;
    const byLower = new Map<string, unknown>();
    for (const [k, v] of Object.entries(record)) if (!byLower.has(k.toLowerCase())) byLower.set(k.toLowerCase(), v);
    return names.map((n) => byLower.get(n));
  };
}

const AUTO_NEEDS_OBJECT = "FORMAT AS JSON 'auto' needs a JSON object per record; map arrays with a JSONPaths file";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evaluate(record: unknown, path: readonly PathStep[]): unknown {
  let v: unknown = record;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
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
