/**
 * What each analytics question must answer on the bundled sample, derived from the raw JSON files with
 * plain TypeScript: nothing here goes through the warehouse, the SQL or the code under test.
 */
import { SAMPLE_DIR } from '../helpers/local-warehouse';
import { type RawEvent, rawEvents, rawSongs } from '../helpers/raw-sample';

const events = rawEvents(SAMPLE_DIR);
const songs = rawSongs(SAMPLE_DIR);
export const plays = events.filter((e) => e.page === 'NextSong');

/** Counts of `key` over `items`. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Rounded as the queries round shares: one decimal. */
export function share(part: number, whole: number): number {
  return Math.round((1000 * part) / whole) / 10;
}

/** Each user's latest event: by time, then session, then item (logged-out visitors have no user id). */
export const latestByUser: Map<number, RawEvent> = (() => {
  const latest = new Map<number, RawEvent>();
  for (const e of events) {
    if (e.userId === '') continue;
    const id = Number(e.userId);
    const seen = latest.get(id);
    const later =
      seen === undefined ||
      e.ts > seen.ts ||
      (e.ts === seen.ts && (e.sessionId > seen.sessionId || (e.sessionId === seen.sessionId && e.itemInSession > seen.itemInSession)));
    if (later) latest.set(id, e);
  }
  return latest;
})();
export const users = [...latestByUser.entries()].map(([id, e]) => ({ id, ...e }));

/** The operating system a user agent names, read with a few regular expressions (not the parser under test). */
export function operatingSystem(userAgent: string): string {
  if (/iPhone|iPad/.test(userAgent)) return 'iOS';
  if (/Ubuntu/.test(userAgent)) return 'Ubuntu';
  if (/Mac OS X/.test(userAgent)) return 'macOS';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/Linux/.test(userAgent)) return 'Linux';
  throw new Error(`The sample has a user agent the test does not know: ${userAgent}`);
}

/** Title and artist exactly as a catalogue song has them, as the songplays build matches. */
const catalogue = new Set(songs.map((s) => `${s.title}\u0000${s.artist_name}`));
export const matches = (e: RawEvent) => catalogue.has(`${e.song}\u0000${e.artist}`);
export const catalogueSongs = new Set(songs.map((s) => s.song_id)).size;
export const catalogueArtists = new Set(songs.map((s) => s.artist_id)).size;

/** The UTC calendar of a play: what the time table breaks a timestamp into. */
export function calendar(ts: number) {
  const d = new Date(ts);
  const weekday = d.getUTCDay();
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((weekday + 6) % 7)));
  // ISO 8601: week 1 is the week with the year's first Thursday; a week belongs to the year of its Thursday.
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  firstThursday.setUTCDate(1 + ((4 - firstThursday.getUTCDay() + 7) % 7));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86400000));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    weekday,
    week,
    weekStart: monday.toISOString().slice(0, 10),
  };
}

/**
 * Whether the data covers a period [from, to) only in part: its span runs from the hour of the first play to
 * the end of the hour of the last.
 */
const HOUR = 3600000;
const firstPlay = Math.min(...plays.map((e) => e.ts));
const lastPlay = Math.max(...plays.map((e) => e.ts));
export const span = { starts: Math.floor(firstPlay / HOUR) * HOUR, ends: (Math.floor(lastPlay / HOUR) + 1) * HOUR };
export function partial(from: number, to: number): boolean {
  return from < span.starts || to > span.ends;
}

/** rank (shared by ties) and tied (how many have this count), as the top lists give them. */
export function rankIn(counts: Map<string, number>, n: number): { rank: number; tied: number } {
  const values = [...counts.values()];
  return { rank: 1 + values.filter((v) => v > n).length, tied: values.filter((v) => v === n).length };
}
