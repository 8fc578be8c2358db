import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Reading a data set back from disk, so tests check the files rather than the generator's counters. */

export interface TextFile {
  /** Path relative to the data set's root, with `/`. */
  readonly path: string;
  readonly text: string;
}

export type Json = Record<string, unknown>;

export function listFiles(root: string, under: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(join(root, under));
  return out.sort();
}

export function readFiles(root: string, under: string): TextFile[] {
  return listFiles(root, under).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

export function songsOf(root: string): (TextFile & { song: Json })[] {
  return readFiles(root, 'song_data').map((f) => ({ ...f, song: JSON.parse(f.text) as Json }));
}

export function eventsOf(root: string): (TextFile & { lines: string[]; events: Json[] })[] {
  return readFiles(root, 'log_data').map((f) => {
    const lines = f.text.split('\n');
    return { ...f, lines, events: lines.map((l) => JSON.parse(l) as Json) };
  });
}

export function allEvents(root: string): Json[] {
  return eventsOf(root).flatMap((f) => f.events);
}

/** A fresh folder under the OS temp dir; `cleanup` removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sparkify-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Key of a catalogue song for exact matching: title, artist name and duration. */
export function playKey(title: unknown, artist: unknown, duration: unknown): string {
  return JSON.stringify([title, artist, duration]);
}
