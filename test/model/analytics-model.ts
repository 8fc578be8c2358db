/**
 * Every analytics answer (sql/analytics/*.sql) computed in plain TypeScript from the modelled star tables,
 * by what each file's header says it counts and the order and cut-off its question states. Rows come in the
 * answer's order with the columns the question returns, so they compare exactly with toEqual: keys, values,
 * order and which tied rows make a top-N cut.
 */
import { calendar, compare, type Row, type StarTables } from './star-model';

type Key = string | number | null;
/** An answer's row: the periods' partial flag is a boolean. */
type AnswerRow = Record<string, Key | boolean>;

/** Sorts by the keys, each ascending unless its flag in `desc` is set; NULLs last, strings by UTF-8 bytes. */
function orderBy<T>(rows: readonly T[], keys: readonly ((row: T) => Key)[], desc: readonly boolean[] = []): T[] {
  return [...rows].sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compare(keys[k]!(x), keys[k]!(y));
      if (c !== 0) return desc[k] ? -c : c;
    }
    return 0;
  });
}

/** Counts per group, groups keyed by their JSON (so NULL is a group of its own, as GROUP BY makes it). */
function countBy<T>(items: readonly T[], key: (item: T) => Key): Map<Key, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(JSON.stringify(key(item)), (counts.get(JSON.stringify(key(item))) ?? 0) + 1);
  return new Map([...counts.entries()].map(([k, n]) => [JSON.parse(k) as Key, n]));
}

/**
 * ROUND(100.0 * part / whole, 1) as a double: exact decimal arithmetic, halves away from zero. A share of
 * nothing (no plays at all, after daily loads of days without any) is NULL, not a division by zero.
 */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.floor((2000 * part + whole) / (2 * whole)) / 10;
}

const nvl = (value: Key, otherwise: string): Key => (value === null ? otherwise : value);

/**
 * The answer of every question, by its name. `topN` is the cut-off of the top lists (LIMIT 10 in their SQL);
 * Infinity shows where the cut falls.
 */
export function analyticsAnswers(star: StarTables, topN = 10): Record<string, AnswerRow[]> {
  const { songplays, users } = star;
  const userById = new Map(users.map((u) => [u['user_id'], u]));
  const plays = songplays.length;

  const timeOf = new Map(star.time.map((t) => [t['start_time'], t]));
  const playTimes = songplays.map((p) => timeOf.get(p['start_time'])!);
  const volume = (columns: readonly string[], extra: (t: Row) => Row = () => ({})) => {
    const groups = new Map<string, { row: Row; plays: number }>();
    for (const t of playTimes) {
      const row: Row = { ...Object.fromEntries(columns.map((c) => [c, t[c]!])), ...extra(t) };
      const key = JSON.stringify(row);
      groups.set(key, { row, plays: (groups.get(key)?.plays ?? 0) + 1 });
    }
    return [...groups.values()].map(({ row, plays }): Row => ({ ...row, plays }));
  };

  const perUser = new Map<Key, { free: number; paid: number; all: number }>();
  for (const p of songplays) {
    const c = perUser.get(p['user_id']!) ?? { free: 0, paid: 0, all: 0 };
    if (p['level'] === 'free') c.free++;
    if (p['level'] === 'paid') c.paid++;
    c.all++;
    perUser.set(p['user_id']!, c);
  }
  const person = (id: Key) => {
    const u = userById.get(id)!;
    return { user_id: id, first_name: u['first_name']!, last_name: u['last_name']!, current_level: u['level']! };
  };

  const levels = [...new Set([...users.map((u) => u['level']), ...songplays.map((p) => p['level'])])].filter((l) => l !== null);
  const usersByLevel = countBy(users, (u) => u['level']!);
  const playsByLevel = countBy(songplays, (p) => p['level']!);
  const levelUsers = levels.reduce<number>((sum, l) => sum + (usersByLevel.get(l) ?? 0), 0);
  const levelPlays = levels.reduce<number>((sum, l) => sum + (playsByLevel.get(l) ?? 0), 0);

  const genderOf = (u: Row) => nvl(u['gender']!, 'Unknown');
  const usersByGender = countBy(users, genderOf);
  const playsByGender = countBy(songplays, (p) => genderOf(userById.get(p['user_id']!)!));

  const osOf = new Map(star.user_agents.map((ua) => [ua['user_agent'], ua['os_name']]));
  const bySystem = new Map<Key, { plays: number; users: Set<Key> }>();
  for (const p of songplays) {
    const os = nvl((p['user_agent'] === null ? null : osOf.get(p['user_agent'])) ?? null, 'Unknown');
    const entry = bySystem.get(os) ?? { plays: 0, users: new Set<Key>() };
    entry.plays++;
    if (p['user_id'] !== null) entry.users.add(p['user_id']!);
    bySystem.set(os, entry);
  }

  const state = (location: Key) => {
    if (location === null) return 'Unknown';
    const part = String(location).split(', ')[1] ?? '';
    return part.split('-')[0] || 'Unknown';
  };

  const titled = songplays.filter((p) => p['song_title'] !== null);
  const songGroups = new Map<string, Row[]>();
  for (const p of titled) {
    const key = JSON.stringify([p['song_title'], p['artist_name']]);
    songGroups.set(key, [...(songGroups.get(key) ?? []), p]);
  }
  const artistGroups = new Map<Key, Row[]>();
  for (const p of songplays.filter((p) => p['artist_name'] !== null)) {
    artistGroups.set(p['artist_name']!, [...(artistGroups.get(p['artist_name']!) ?? []), p]);
  }
  /** MAX over non-NULL values, by the collation; NULL when there are none. */
  const max = (values: readonly Key[]) => orderBy(values.filter((v) => v !== null), [(v) => v], [true])[0] ?? null;

  const playedPairs = new Set(songplays.map((p) => JSON.stringify([p['song_title'], p['artist_name']])));
  const playedArtists = new Set([...playedPairs].map((k) => (JSON.parse(k) as Key[])[1]).filter((a) => a !== null));

  const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

  /** rank (1 + how many groups have more) and tied (how many have as many), over every group, shown or not. */
  const ranked = (all: readonly number[], n: number) => ({ rank: 1 + all.filter((v) => v > n).length, tied: all.filter((v) => v === n).length });
  const userPlays = [...perUser.values()].map((c) => c.all);
  const metroUsers = [...countBy(users, (u) => nvl(u['location']!, 'Unknown')).values()];
  const songPlays = [...songGroups.values()].map((g) => g.length);
  const artistPlays = [...artistGroups.values()].map((g) => g.length);

  // A period is partial when the data's span, from the hour of the first play to the end of the hour of the
  // last, does not cover it.
  const HOUR = 3600000;
  const DAY = 24 * HOUR;
  const epoch = (ts: Key) => Date.parse(`${String(ts).replace(' ', 'T')}Z`);
  const times = songplays.map((p) => epoch(p['start_time']!));
  const span = times.length === 0 ? { starts: 0, ends: 0 } : { starts: Math.floor(Math.min(...times) / HOUR) * HOUR, ends: (Math.floor(Math.max(...times) / HOUR) + 1) * HOUR };
  const partial = (from: number, to: number) => from < span.starts || to > span.ends;
  // Each hour of the span, walked one by one: how many of each weekday's and each clock hour's the data covers.
  const coveredHours = { weekday: Array<number>(7).fill(0), hour: Array<number>(24).fill(0) };
  for (let at = span.starts; at < span.ends; at += HOUR) {
    coveredHours.weekday[new Date(at).getUTCDay()]! += 1;
    coveredHours.hour[new Date(at).getUTCHours()]! += 1;
  }
  /** Half away from zero, as ROUND on a NUMERIC does. */
  const round = (value: number, digits: number) => Math.sign(value) * (Math.round(Math.abs(value) * 10 ** digits + 1e-9) / 10 ** digits);
  const partialDays = new Set(
    [...new Set(times.map((t) => Math.floor(t / DAY) * DAY))].filter((from) => partial(from, from + DAY)).map((from) => new Date(from).getUTCDate()),
  );

  return {
    free_vs_paid: orderBy(levels, [(l) => l]).map((level) => ({
      level,
      users: usersByLevel.get(level) ?? 0,
      pct_users: percent(usersByLevel.get(level) ?? 0, levelUsers),
      plays: playsByLevel.get(level) ?? 0,
      pct_plays: percent(playsByLevel.get(level) ?? 0, levelPlays),
    })),
    free_and_paid_users: orderBy(
      [...perUser.entries()].filter(([, c]) => c.free > 0 && c.paid > 0),
      [([, c]) => c.all, ([id]) => id],
      [true, false],
    ).map(([id, c]) => ({ ...person(id), free_plays: c.free, paid_plays: c.paid })),
    top_users: orderBy([...perUser.entries()], [([, c]) => c.all, ([id]) => id], [true, false])
      .slice(0, topN)
      .map(([id, c]) => ({ ...person(id), plays: c.all, ...ranked(userPlays, c.all) })),
    operating_systems: orderBy([...bySystem.entries()], [([, s]) => s.plays, ([os]) => os], [true, false]).map(([os, s]) => ({
      os_name: os,
      plays: s.plays,
      pct_plays: percent(s.plays, plays),
      users: s.users.size,
    })),
    top_metro_areas: orderBy([...countBy(users, (u) => nvl(u['location']!, 'Unknown')).entries()], [([, n]) => n, ([area]) => area], [true, false])
      .slice(0, topN)
      .map(([metro_area, n]) => ({ metro_area, users: n, ...ranked(metroUsers, n) })),
    top_states: orderBy([...countBy(users, (u) => state(u['location']!)).entries()], [([, n]) => n, ([s]) => s], [true, false]).map(([s, n]) => ({
      state: s,
      users: n,
    })),
    gender: orderBy([...usersByGender.entries()], [([, n]) => n, ([g]) => g], [true, false]).map(([gender, n]) => ({
      gender,
      users: n,
      pct_users: percent(n, users.length),
      plays: playsByGender.get(gender) ?? 0,
      pct_plays: percent(playsByGender.get(gender) ?? 0, [...playsByGender.values()].reduce((a, b) => a + b, 0)),
    })),
    top_songs: orderBy([...songGroups.values()], [(g) => g.length, (g) => g[0]!['song_title']!, (g) => g[0]!['artist_name']!], [true, false, false])
      .slice(0, topN)
      .map((g) => ({ song_title: g[0]!['song_title']!, artist_name: g[0]!['artist_name']!, plays: g.length, song_id: max(g.map((p) => p['song_id']!)), ...ranked(songPlays, g.length) })),
    top_artists: orderBy([...artistGroups.entries()], [([, g]) => g.length, ([name]) => name], [true, false])
      .slice(0, topN)
      .map(([artist_name, g]) => ({
        artist_name,
        plays: g.length,
        songs: new Set(g.map((p) => p['song_title']).filter((t) => t !== null)).size,
        artist_id: max(g.map((p) => p['artist_id']!)),
        ...ranked(artistPlays, g.length),
      })),
    catalogue_size: [
      {
        songs: star.songs.length,
        artists: star.artists.length,
        songs_played: playedPairs.size,
        artists_played: playedArtists.size,
        plays,
        plays_matched: songplays.filter((p) => p['song_id'] !== null).length,
      },
    ],
    plays_by_year: orderBy(volume(['year']), [(r) => r['year']!]).map((r) => ({
      ...r,
      partial: partial(Date.UTC(Number(r['year']), 0), Date.UTC(Number(r['year']) + 1, 0)),
    })),
    plays_by_month: orderBy(volume(['year', 'month']), [(r) => r['year']!, (r) => r['month']!]).map((r) => ({
      ...r,
      partial: partial(Date.UTC(Number(r['year']), Number(r['month']) - 1), Date.UTC(Number(r['year']), Number(r['month']))),
    })),
    plays_by_week: orderBy(
      volume([], (t) => ({ week_start: calendar(epoch(t['start_time']!)).weekStart, week: t['week']! })),
      [(r) => r['week_start']!],
    ).map((r) => ({ ...r, partial: partial(epoch(`${r['week_start']} 00:00:00`), epoch(`${r['week_start']} 00:00:00`) + 7 * DAY) })),
    plays_by_day: orderBy(volume(['day']), [(r) => r['day']!]).map((r) => ({ ...r, partial: partialDays.has(Number(r['day'])) })),
    plays_by_weekday: orderBy(
      volume(['weekday'], (t) => ({ weekday_name: weekdayNames[Number(t['weekday'])]! })),
      [(r) => (Number(r['weekday']) + 6) % 7],
    ).map((r) => {
      const hours = coveredHours.weekday[Number(r['weekday'])]!;
      return { ...r, days: round(hours / 24, 2), plays_per_day: round((Number(r['plays']) * 24) / hours, 1) };
    }),
    plays_by_hour: orderBy(volume(['hour']), [(r) => r['hour']!]).map((r) => {
      const days = coveredHours.hour[Number(r['hour'])]!;
      return { ...r, days, plays_per_day: round(Number(r['plays']) / days, 1) };
    }),
  };
}
