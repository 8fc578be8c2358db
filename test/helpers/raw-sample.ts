/**
 * Reads the raw sample files directly (not through the warehouse), so tests can derive what the tables
 * must hold from the source itself rather than from an earlier run of the code under test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RawEvent {
  artist: string | null;
  auth: string;
  firstName: string | null;
  gender: string | null;
  itemInSession: number;
  lastName: string | null;
  length: number | null;
  level: string;
  location: string | null;
  method: string;
  page: string;
  registration: number | null;
  sessionId: number;
  song: string | null;
  status: number;
  ts: number;
  userAgent: string | null;
  userId: string;
}

export interface RawSong {
  num_songs: number;
  artist_id: string;
  artist_latitude: number | null;
  artist_longitude: number | null;
  artist_location: string;
  artist_name: string;
  song_id: string;
  title: string;
  duration: number;
  year: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

export function rawEvents(source: string): RawEvent[] {
  return filesUnder(join(source, 'log_data')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as RawEvent),
  );
}

/** Song files hold one object each, sometimes pretty-printed: the whole file is one JSON value. */
export function rawSongs(source: string): RawSong[] {
  return filesUnder(join(source, 'song_data')).map((file) => JSON.parse(readFileSync(file, 'utf8')) as RawSong);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as the warehouse returns timestamps. */
export function timestampText(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}
