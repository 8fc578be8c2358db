/**
 * The staging tables as Redshift's COPY would load them from a source folder laid out like the bucket
 * (`song_data/…`, `log_data/…`, `log_json_path.json`), computed in plain TypeScript: the oracle's first half.
 *
 * Deliberately independent of lib/warehouse/local/copy/ (the emulation under test): its own JSON reading
 * and its own statement of the rules that sql/staging/*.copy.sql asks COPY to apply:
 * - events: FORMAT AS JSON with the JSONPaths file, which maps keys to the staging columns BY POSITION;
 * - songs: FORMAT AS JSON 'auto', keys matched to column names case-sensitively;
 * - BLANKSASNULL, EMPTYASNULL: "" and whitespace-only strings load NULL in character columns; in other
 *   columns an empty or blank field is always NULL;
 * - TIMEFORMAT 'epochmillisecs': ts is milliseconds since 1970 (kept here as that number);
 * - a missing key or JSON null loads NULL.
 * A value COPY would reject (or that the model does not cover) throws: fixtures for the model hold only
 * loadable rows, so a throw means the fixture, not the warehouse, is wrong.
 *
 * `copyOf` models one COPY with any subset of those options and MAXERROR, as Redshift's COPY reference states
 * them: without EMPTYASNULL "" loads as "", without BLANKSASNULL "  " as "  " (both apply to CHAR and VARCHAR
 * only; an empty or blank field of another type is always NULL); without TIMEFORMAT a timestamp must be text
 * 'YYYY-MM-DD HH:MI:SS'; a value that cannot load rejects its row (the first such column in table order is
 * the one named); "if the load returns the error_count number of errors or greater, the load fails" (so
 * MAXERROR 0 and 1 both fail at the first), and then nothing loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type ColumnKind = 'text' | 'integer' | 'smallint' | 'double' | 'epochmillis';
export type Value = string | number | null;

/** staging_events' columns in table order (sql/staging/staging_events.sql), with each VARCHAR's byte width. */
const EVENT_COLUMNS = [
  ['artist', 'text', 1024],
  ['auth', 'text', 32],
  ['first_name', 'text', 256],
  ['gender', 'text', 16],
  ['item_in_session', 'integer'],
  ['last_name', 'text', 256],
  ['length', 'double'],
  ['level', 'text', 16],
  ['location', 'text', 512],
  ['method', 'text', 16],
  ['page', 'text', 64],
  ['registration', 'double'],
  ['session_id', 'integer'],
  ['song', 'text', 1024],
  ['status', 'smallint'],
  ['ts', 'epochmillis'],
  ['user_agent', 'text', 1024],
  ['user_id', 'integer'],
] as const;

const SONG_COLUMNS = [
  ['num_songs', 'integer'],
  ['artist_id', 'text', 32],
  ['artist_latitude', 'double'],
  ['artist_longitude', 'double'],
  ['artist_location', 'text', 512],
  ['artist_name', 'text', 1024],
  ['song_id', 'text', 32],
  ['title', 'text', 1024],
  ['duration', 'double'],
  ['year', 'smallint'],
] as const;

export interface StagingEvent {
  readonly artist: string | null;
  readonly auth: string | null;
  readonly first_name: string | null;
  readonly gender: string | null;
  readonly item_in_session: number | null;
  readonly last_name: string | null;
  readonly length: number | null;
  readonly level: string | null;
  readonly location: string | null;
  readonly method: string | null;
  readonly page: string | null;
  readonly registration: number | null;
  readonly session_id: number | null;
  readonly song: string | null;
  readonly status: number | null;
  /** Epoch milliseconds. */
  readonly ts: number | null;
  readonly user_agent: string | null;
  readonly user_id: number | null;
}

export interface StagingSong {
  readonly num_songs: number | null;
  readonly artist_id: string | null;
  readonly artist_latitude: number | null;
  readonly artist_longitude: number | null;
  readonly artist_location: string | null;
  readonly artist_name: string | null;
  readonly song_id: string | null;
  readonly title: string | null;
  readonly duration: number | null;
  readonly year: number | null;
}

export interface Staging {
  readonly events: readonly StagingEvent[];
  readonly songs: readonly StagingSong[];
}

export function stagingOf(source: string): Staging {
  const keys = jsonPathKeys(join(source, 'log_json_path.json'));
  if (keys.length !== EVENT_COLUMNS.length) {
    throw new Error(`log_json_path.json lists ${keys.length} paths for ${EVENT_COLUMNS.length} staging_events columns`);
  }
  const events = filesUnder(join(source, 'log_data')).flatMap((file) =>
    recordsOf(file).map((record, i) => toRow(EVENT_COLUMNS, (c) => record[keys[c]!], `${relative(source, file)} record ${i + 1}`) as unknown as StagingEvent),
  );
  const songColumns = SONG_COLUMNS.map(([name]) => name as string);
  const songs = filesUnder(join(source, 'song_data')).flatMap((file) =>
    recordsOf(file).map((record, i) => toRow(SONG_COLUMNS, (c) => record[songColumns[c]!], `${relative(source, file)} record ${i + 1}`) as unknown as StagingSong),
  );
  return { events, songs };
}

/** The key each JSONPaths expression names (`$['userId']` or `$.userId`), in file order. */
function jsonPathKeys(file: string): string[] {
  const paths = (JSON.parse(readFileSync(file, 'utf8')) as { jsonpaths: string[] }).jsonpaths;
  return paths.map((path) => {
    const m = /^\$(?:\['([^']+)'\]|\["([^"]+)"\]|\.(\w+))$/.exec(path);
    if (!m) throw new Error(`The model reads only top-level JSONPaths, not ${path}`);
    return m[1] ?? m[2] ?? m[3]!;
  });
}

/** Every file under a folder, in name order (COPY's order does not matter: the star tables are sets). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

/**
 * The JSON objects of a file, one after another: lines are gathered until they parse, so a record may span
 * lines (pretty-printed song files) and blank lines separate nothing.
 */
function recordsOf(file: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  let pending = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    pending += `${line}\n`;
    if (pending.trim() === '') {
      pending = '';
      continue;
    }
    try {
      records.push(JSON.parse(pending) as Record<string, unknown>);
      pending = '';
    } catch {
      // not complete yet
    }
  }
  if (pending.trim() !== '') throw new Error(`${file}: the model cannot read a record: ${pending.slice(0, 80)}`);
  return records;
}

type ColumnSpec = readonly [string, ColumnKind, number?];

/** The options of one COPY, as copyOf models them. */
export interface CopyOptions {
  readonly blanksAsNull: boolean;
  readonly emptyAsNull: boolean;
  /** TIMEFORMAT 'epochmillisecs'; without it, the default text format. */
  readonly epochMillis: boolean;
  /** MAXERROR; 0 when the statement has none. */
  readonly maxError: number;
}

/** The options sql/staging/*.copy.sql gives (their MAXERROR is the setting's, 0 by default). */
export const PIPELINE_COPY: CopyOptions = { blanksAsNull: true, emptyAsNull: true, epochMillis: true, maxError: 0 };

/** A value COPY refuses: its row is rejected. */
class Rejected extends Error {}

function toRow(columns: readonly ColumnSpec[], valueAt: (column: number) => unknown, where: string, options: CopyOptions = PIPELINE_COPY): Record<string, Value> {
  return Object.fromEntries(columns.map(([name, kind, width], i) => [name, load(valueAt(i), kind, width, `${where}, column ${name}`, options)]));
}

const INTEGER_RANGE = { integer: 2 ** 31, smallint: 2 ** 15 } as const;
const BLANK = /^[ \t\n\r\f\v]+$/;

/** One field by the COPY rules above. */
function load(value: unknown, kind: ColumnKind, width: number | undefined, where: string, options: CopyOptions = PIPELINE_COPY): Value {
  if (value === null || value === undefined) return null;
  if (kind === 'text') {
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    if (text === undefined) throw new Error(`${where}: the model loads only strings and numbers into text`);
    if (text === '' && options.emptyAsNull) return null;
    if (BLANK.test(text) && options.blanksAsNull) return null;
    if (Buffer.byteLength(text) > width!) throw new Rejected(`${where}: longer than ${width} bytes, which COPY rejects`);
    return text;
  }
  if (typeof value === 'string' && (value === '' || BLANK.test(value))) return null; // empty and blank non-character fields are NULL
  if (kind === 'epochmillis' && !options.epochMillis) {
    const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value.trim()) : null;
    if (m === null) throw new Rejected(`${where}: ${JSON.stringify(value)} is not a timestamp in the default format`);
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n)) throw new Rejected(`${where}: ${JSON.stringify(value)} would be rejected`);
  if (kind === 'integer' || kind === 'smallint') {
    const range = INTEGER_RANGE[kind];
    if (!Number.isInteger(n) || n < -range || n >= range) throw new Rejected(`${where}: ${JSON.stringify(value)} would be rejected`);
  }
  return n;
}

export interface CopyResult {
  /** Rows loaded, with ts as epoch milliseconds; empty when the load fails. */
  readonly rows: Record<string, Value>[];
  /** Rejected rows: file (relative to the source), line, and the first column that could not load. */
  readonly rejects: { file: string; line: number; column: string }[];
  /** Whether the COPY fails (too many rejects for MAXERROR). */
  readonly fails: boolean;
}

/**
 * One COPY of a staging table from a source folder with the given options: its rows or its rejects. Records
 * are one per line (the line a reject names is the record's).
 */
export function copyOf(source: string, table: 'staging_events' | 'staging_songs', options: CopyOptions): CopyResult {
  const events = table === 'staging_events';
  const columns: readonly ColumnSpec[] = events ? EVENT_COLUMNS : SONG_COLUMNS;
  const keys = events ? jsonPathKeys(join(source, 'log_json_path.json')) : columns.map(([name]) => name);
  const rows: Record<string, Value>[] = [];
  const rejects: CopyResult['rejects'] = [];
  for (const file of filesUnder(join(source, events ? 'log_data' : 'song_data'))) {
    recordsOf(file).forEach((record, i) => {
      const rejected = columns.find(([name, kind, width], c) => {
        try {
          load(record[keys[c]!], kind, width, name, options);
          return false;
        } catch (e) {
          if (e instanceof Rejected) return true;
          throw e;
        }
      });
      if (rejected) rejects.push({ file: relative(source, file), line: i + 1, column: rejected[0] });
      else rows.push(toRow(columns, (c) => record[keys[c]!], `${relative(source, file)} record ${i + 1}`, options));
    });
  }
  const fails = rejects.length > 0 && rejects.length >= Math.max(1, options.maxError);
  return { rows: fails ? [] : rows, rejects, fails };
}
