/**
 * The star schema computed in plain TypeScript from the staging rows (staging-model.ts), by the rules the
 * headers of sql/marts/*.sql, the README and the project's decisions state — not by reading the SQL:
 *
 * - Stored text is RTRIMmed of trailing spaces (U+0020 only), as Redshift ignores them when comparing;
 *   every comparison, DISTINCT and GROUP BY over the star tables then gives one answer on both engines.
 *   Ids too: 'SOA ' and 'SOA' are one song id, and a page of 'NextSong ' is a NextSong event.
 * - songplays: one row per NextSong event, all of them (a NULL session or item included). songplay_id is the MD5 of
 *   "session|item|ts" (each as its text, NULL as ''). song_id/artist_id come from the catalogue song with
 *   the same title and artist name (trailing blanks ignored on both sides): the closest duration wins, a
 *   song of unknown duration comes last, then the lowest song_id, then the lowest artist_id; no such song, NULL.
 * - users: one row per non-NULL user id (logged-out visitors have none), from the user's latest event:
 *   latest ts, then the highest session, then the highest item.
 * - songs: one row per song id; of a repeated id, the row first by artist_id, title, duration, year.
 *   A year of 0 (unknown) is NULL.
 * - artists: one row per artist id; the row that knows the location first, then by name, location, song id,
 *   latitude, longitude (a total order, so the same row wins on every engine).
 * - time: one row per distinct start_time of songplays: hour, day, ISO week, month, year, weekday (0 = Sunday).
 * - user_agents: one row per distinct user agent of songplays, parsed by ua-parser-js (the library, called
 *   here directly): the parts it cannot tell NULL, 'desktop' for a known OS without a device type, each part
 *   cut to its column's byte width.
 *
 * Values are given as the warehouse returns them (timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]' text), so rows
 * compare with toEqual. Orders are the C collation's: strings compare by their UTF-8 bytes.
 */
import { createHash } from 'node:crypto';
import { UAParser } from 'ua-parser-js';
import type { Staging, StagingEvent, StagingSong } from './staging-model';

export type Row = Record<string, string | number | null>;

export interface StarTables {
  readonly songplays: Row[];
  readonly users: Row[];
  readonly songs: Row[];
  readonly artists: Row[];
  readonly time: Row[];
  readonly user_agents: Row[];
}

/** RTRIM: trailing U+0020 only. */
export function rtrim(value: string | null): string | null {
  return value === null ? null : value.replace(/ +$/, '');
}

/** Compares like ORDER BY under the C collation, NULLs last (Redshift's and Postgres's default for ASC). */
export function compare(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

/** The first of `rows` by the keys, in order (each key ascending unless negated by `desc`). */
export function firstBy<T>(rows: readonly T[], keys: readonly ((row: T) => string | number | null)[], desc: readonly boolean[] = []): T {
  return [...rows].sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compare(keys[k]!(x), keys[k]!(y));
      if (c !== 0) return desc[k] ? -c : c;
    }
    return 0;
  })[0]!;
}

/** A timestamp as Postgres prints it (and CAST(ts AS VARCHAR) gives it): fraction without trailing zeros. */
export function timestampText(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}`;
}

export function starTables(staging: Staging): StarTables {
  const songplays = songplaysOf(staging);
  return {
    songplays,
    users: usersOf(staging.events),
    songs: songsOf(staging.songs),
    artists: artistsOf(staging.songs),
    time: timeOf(songplays),
    user_agents: userAgentsOf(songplays),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function songplaysOf({ events, songs }: Staging): Row[] {
  const byTitleAndArtist = groupBy(
    songs.filter((s) => s.title !== null && s.artist_name !== null),
    (s) => JSON.stringify([rtrim(s.title), rtrim(s.artist_name)]),
  );
  return events
    .filter((e) => rtrim(e.page) === 'NextSong')
    .map((e) => {
      const candidates = e.song === null || e.artist === null ? undefined : byTitleAndArtist.get(JSON.stringify([rtrim(e.song), rtrim(e.artist)]));
      const best = candidates && closest(candidates, e);
      return {
        songplay_id: songplayId(e),
        start_time: timestampText(e.ts!),
        user_id: e.user_id,
        level: rtrim(e.level),
        song_id: best ? rtrim(best.song_id) : null,
        artist_id: best ? rtrim(best.artist_id) : null,
        session_id: e.session_id,
        item_in_session: e.item_in_session,
        location: rtrim(e.location),
        user_agent: rtrim(e.user_agent),
        song_title: rtrim(e.song),
        artist_name: rtrim(e.artist),
        song_length: e.length,
      };
    });
}

/** The closest duration; unknown durations (either side) last; then the lowest song id. */
function closest(candidates: readonly StagingSong[], e: StagingEvent): StagingSong {
  const distance = (s: StagingSong) => (s.duration === null || e.length === null ? null : Math.abs(s.duration - e.length));
  return firstBy(candidates, [distance, (s) => rtrim(s.song_id), (s) => rtrim(s.artist_id)]);
}

function songplayId(e: StagingEvent): string {
  const text = (v: number | null, asText: (n: number) => string = String) => (v === null ? '' : asText(v));
  return createHash('md5')
    .update(`${text(e.session_id)}|${text(e.item_in_session)}|${text(e.ts, timestampText)}`)
    .digest('hex');
}

function usersOf(events: readonly StagingEvent[]): Row[] {
  const byUser = groupBy(
    events.filter((e) => e.user_id !== null),
    (e) => String(e.user_id),
  );
  return [...byUser.values()].map((own) => {
    const latest = firstBy(own, [(e) => e.ts, (e) => e.session_id, (e) => e.item_in_session], [true, true, true]);
    return {
      user_id: latest.user_id,
      first_name: rtrim(latest.first_name),
      last_name: rtrim(latest.last_name),
      gender: rtrim(latest.gender),
      level: rtrim(latest.level),
      location: rtrim(latest.location),
    };
  });
}

function songsOf(songs: readonly StagingSong[]): Row[] {
  return [...groupBy(songs, (s) => String(rtrim(s.song_id))).values()].map((same) => {
    const s = firstBy(same, [(r) => rtrim(r.artist_id), (r) => rtrim(r.title), (r) => r.duration, (r) => r.year]);
    return { song_id: rtrim(s.song_id), title: rtrim(s.title), artist_id: rtrim(s.artist_id), year: s.year === 0 ? null : s.year, duration: s.duration };
  });
}

function artistsOf(songs: readonly StagingSong[]): Row[] {
  return [...groupBy(songs, (s) => String(rtrim(s.artist_id))).values()].map((same) => {
    const a = firstBy(same, [
      (r) => (r.artist_location === null ? 1 : 0),
      (r) => rtrim(r.artist_name),
      (r) => rtrim(r.artist_location),
      (r) => rtrim(r.song_id),
      (r) => r.artist_latitude,
      (r) => r.artist_longitude,
    ]);
    return {
      artist_id: rtrim(a.artist_id),
      name: rtrim(a.artist_name),
      location: rtrim(a.artist_location),
      latitude: a.artist_latitude,
      longitude: a.artist_longitude,
    };
  });
}

/** The UTC calendar of an instant, as the time table breaks it down. */
export function calendar(epochMillis: number) {
  const d = new Date(epochMillis);
  const weekday = d.getUTCDay();
  // ISO 8601: weeks start on Monday; a week belongs to the year of its Thursday, and week 1 holds January 4th.
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((weekday + 6) % 7));
  const thursday = new Date(monday + 3 * 86_400_000);
  const jan4 = Date.UTC(thursday.getUTCFullYear(), 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return {
    hour: d.getUTCHours(),
    day: d.getUTCDate(),
    week: 1 + Math.round((monday - week1Monday) / (7 * 86_400_000)),
    month: d.getUTCMonth() + 1,
    year: d.getUTCFullYear(),
    weekday,
    weekStart: new Date(monday).toISOString().slice(0, 10),
  };
}

function timeOf(songplays: readonly Row[]): Row[] {
  const instants = new Map<string, number>();
  for (const p of songplays) instants.set(String(p['start_time']), Date.parse(`${String(p['start_time']).replace(' ', 'T')}Z`));
  return [...instants.entries()].map(([start_time, ms]) => {
    const { hour, day, week, month, year, weekday } = calendar(ms);
    return { start_time, hour, day, week, month, year, weekday };
  });
}

const WIDTHS = { os_name: 64, os_version: 64, browser: 64, browser_version: 64, device_type: 32 } as const;

function userAgentsOf(songplays: readonly Row[]): Row[] {
  const distinct = new Set(songplays.map((p) => p['user_agent']).filter((ua): ua is string => ua !== null));
  return [...distinct].map((user_agent) => {
    // The logs wrap some user agents in literal double quotes, which are no part of what the parser reads.
    const unquoted = user_agent.startsWith('"') && user_agent.endsWith('"') && user_agent.length > 1 ? user_agent.slice(1, -1) : user_agent;
    const { os, browser, device } = new UAParser(unquoted).getResult();
    const part = (column: keyof typeof WIDTHS, value: string | undefined) => (value ? cutToBytes(value, WIDTHS[column]) : null);
    return {
      user_agent,
      os_name: part('os_name', os.name),
      os_version: part('os_version', os.version),
      browser: part('browser', browser.name),
      browser_version: part('browser_version', browser.version),
      device_type: part('device_type', device.type ?? (os.name ? 'desktop' : undefined)),
    };
  });
}

function cutToBytes(value: string, bytes: number): string {
  let out = '';
  for (const char of value) {
    if (Buffer.byteLength(out + char) > bytes) break;
    out += char;
  }
  return out;
}
