import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { songFilePath, songFileText, type Catalogue } from './catalogue';

/** Writes one file per song under `root/song_data/…`; returns how many files and bytes. */
export function writeSongs(root: string, catalogue: Catalogue): { files: number; bytes: number } {
  const made = new Set<string>();
  let bytes = 0;
  for (const song of catalogue.songs) {
    const path = join(root, songFilePath(song));
    const dir = dirname(path);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const text = songFileText(song);
    writeFileSync(path, text);
    // ASCII only (non-ASCII is \u-escaped), so characters are bytes.
    bytes += text.length;
  }
  return { files: catalogue.songs.length, bytes };
}
