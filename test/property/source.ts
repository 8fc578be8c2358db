/**
 * A generated source folder as data: the song files and each day's log file, record by record, written the
 * way the bucket lays them out (`song_data/…`, `log_data/YYYY/MM/YYYY-MM-DD-events.json`,
 * `log_json_path.json`). A record is a plain object: a key that is not there is a field that is absent.
 *
 * `sourceText` prints a source as its files' JSON lines, which is what a shrunk counterexample shows: the
 * smallest data set that fails, readable and ready to paste into a regression test.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { logJsonString, songJsonString } from '../../lib/generate/json-text';
import { SAMPLE_DIR } from '../helpers/local-warehouse';

export type JsonRecord = Record<string, unknown>;

export interface SongFile {
  readonly record: JsonRecord;
  /** Pretty-printed over several lines, as some song files are. */
  readonly pretty: boolean;
  /** Everything outside printable ASCII written as \uXXXX escapes (and `/` as `\/`), as the real files do. */
  readonly ascii: boolean;
}

export interface DayFile {
  readonly events: readonly JsonRecord[];
  readonly ascii: boolean;
}

export interface Source {
  readonly songs: readonly SongFile[];
  /** Log files by day ('YYYY-MM-DD'). */
  readonly days: Readonly<Record<string, DayFile>>;
}

/** A record as one line of JSON, escaped as the file's style asks. */
export function recordLine(record: JsonRecord, ascii: boolean, escape: (s: string) => string = logJsonString): string {
  if (!ascii) return JSON.stringify(record);
  return `{${Object.entries(record)
    .map(([k, v]) => `${escape(k)}: ${typeof v === 'string' ? escape(v) : JSON.stringify(v)}`)
    .join(', ')}}`;
}

function songText(song: SongFile): string {
  if (!song.pretty) return recordLine(song.record, song.ascii, songJsonString);
  const body = Object.entries(song.record).map(([k, v]) => `  ${JSON.stringify(k)}: ${song.ascii && typeof v === 'string' ? songJsonString(v) : JSON.stringify(v)}`);
  return `{\n${body.join(',\n')}\n}`;
}

export function dayPath(day: string): string {
  return join('log_data', day.slice(0, 4), day.slice(5, 7), `${day}-events.json`);
}

export function songPath(index: number): string {
  return join('song_data', 'A', 'B', `TR${String(index).padStart(4, '0')}.json`);
}

export function dayText(file: DayFile): string {
  return file.events.map((e) => recordLine(e, file.ascii)).join('\n');
}

/** Empties `dir` and writes the source into it (the same folder serves every run of a property). */
export function writeSource(dir: string, source: Source): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  source.songs.forEach((song, i) => put(dir, songPath(i), songText(song)));
  for (const [day, file] of Object.entries(source.days)) put(dir, dayPath(day), dayText(file));
  copyFileSync(join(SAMPLE_DIR, 'log_json_path.json'), join(dir, 'log_json_path.json'));
}

/** Writes or replaces one day's log file. */
export function writeDay(dir: string, day: string, file: DayFile): void {
  put(dir, dayPath(day), dayText(file));
}

/** Replaces the song files. */
export function writeSongs(dir: string, songs: readonly SongFile[]): void {
  rmSync(join(dir, 'song_data'), { recursive: true, force: true });
  songs.forEach((song, i) => put(dir, songPath(i), songText(song)));
}

function put(dir: string, path: string, text: string): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The source as its files, each followed by its JSON lines: how a counterexample is printed. */
export function sourceText(source: Source): string {
  const songs = source.songs.map((s, i) => `  ${songPath(i)}${s.pretty ? ' (pretty-printed)' : ''}${s.ascii ? ' (ASCII-escaped)' : ''}\n    ${JSON.stringify(s.record)}`);
  const days = Object.entries(source.days).map(
    ([day, f]) => `  ${dayPath(day)}${f.ascii ? ' (ASCII-escaped)' : ''}\n${f.events.map((e) => `    ${JSON.stringify(e)}`).join('\n')}`,
  );
  return [...songs, ...days].join('\n');
}
