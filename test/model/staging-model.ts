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
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type ColumnKind = 'text' | 'integer' | 'double' | 'epochmillis';
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
  ['status', 'integer'],
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
  ['year', 'integer'],
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

function toRow(columns: readonly ColumnSpec[], valueAt: (column: number) => unknown, where: string): Record<string, Value> {
  return Object.fromEntries(columns.map(([name, kind, width], i) => [name, load(valueAt(i), kind, width, `${where}, column ${name}`)]));
}

/** One field by the COPY rules above. */
function load(value: unknown, kind: ColumnKind, width: number | undefined, where: string): Value {
  if (value === null || value === undefined) return null;
  if (kind === 'text') {
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    if (text === undefined) throw new Error(`${where}: the model loads only strings and numbers into text`);
    if (text.trim() === '') return null; // EMPTYASNULL and BLANKSASNULL
    if (Buffer.byteLength(text) > width!) throw new Error(`${where}: longer than ${width} bytes, which COPY rejects`);
    return text;
  }
  if (typeof value === 'string' && value.trim() === '') return null; // blank non-character fields are NULL
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || (kind !== 'double' && !Number.isInteger(n))) throw new Error(`${where}: ${JSON.stringify(value)} would be rejected`);
  return n;
}
