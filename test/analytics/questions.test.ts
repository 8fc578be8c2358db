/**
 * Every analytics question on the bundled sample, checked against what the raw JSON files say (see
 * sample-answers.ts). One warehouse, loaded once by the real pipeline, serves all the tests of this file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Answered, answerQuestions, assertLoaded, EMPTY_WAREHOUSE } from '../../lib/analytics/answer-questions';
import { QUESTIONS, questionText, selectQuestions } from '../../lib/analytics/questions';
import { formatAnswers } from '../../lib/analytics/terminal-output';
import { DEFAULT_SOURCES } from '../../lib/config';
import { ConfigError, SparkifyError } from '../../lib/errors';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { SQL_DIR } from '../../lib/pipeline/sql-files';
import type { Row, Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import {
  calendar,
  catalogueArtists,
  catalogueSongs,
  latestByUser,
  matches,
  operatingSystem,
  partial,
  plays,
  rankIn,
  share,
  tally,
  users,
} from './sample-answers';

/**
 * A top-N list: exactly the N first keys by count, most first, ties in key order (C collation: by UTF-8
 * bytes), each with its count; so which tied keys make the cut, and their order, are checked too.
 */
function expectTop(rows: readonly Row[], key: (row: Row) => string, column: string, expected: Map<string, number>, n: number) {
  const ranked = [...expected.entries()].sort(([ka, a], [kb, b]) => b - a || Buffer.compare(Buffer.from(ka), Buffer.from(kb))).slice(0, n);
  expect(rows.map((r) => [key(r), r[column]])).toEqual(ranked);
  // rank is shared by ties, and tied counts every key with that count, shown or not.
  for (const row of rows) {
    const count = expected.get(key(row))!;
    expect([key(row), row['rank'], row['tied']]).toEqual([key(row), rankIn(expected, count).rank, rankIn(expected, count).tied]);
  }
}

const songKey = (title: unknown, artist: unknown) => `${title}\u0000${artist}`;

describe('the analytics questions on the bundled sample', () => {
  let db: TestWarehouse;
  const answered = new Map<string, Answered>();
  const rowsOf = (name: string) => answered.get(name)!.rows;
  let beforeEtl: unknown;

  beforeAll(async () => {
    db = await openTestWarehouse();
    beforeEtl = await assertLoaded(db.warehouse).catch((e: unknown) => e);
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    await assertLoaded(db.warehouse);
    for (const a of await answerQuestions(db.warehouse, QUESTIONS)) answered.set(a.question.name, a);
  });
  afterAll(() => db.dispose());

  test('before any ETL the warehouse is empty, and says to run the ETL', () => {
    expect(beforeEtl).toBeInstanceOf(SparkifyError);
    expect((beforeEtl as Error).message).toBe(EMPTY_WAREHOUSE);
  });

  test('each SQL file under sql/analytics is one question of the catalogue, and its header asks it', () => {
    const files = readdirSync(join(SQL_DIR, 'analytics')).map((f) => f.replace(/\.sql$/, ''));
    expect([...files].sort()).toEqual(QUESTIONS.map((q) => q.name).sort());
    for (const q of QUESTIONS) expect(questionText(q.name).question).toMatch(/^[A-Z].*\?$/);
  });

  test('free versus paid: users by current level, plays by the level at the time', () => {
    const byLevel = tally(users, (u) => u.level);
    const playsByLevel = tally(plays, (e) => e.level);
    expect(rowsOf('free_vs_paid')).toEqual(
      ['free', 'paid'].map((level) => ({
        level,
        users: byLevel.get(level),
        pct_users: share(byLevel.get(level)!, users.length),
        plays: playsByLevel.get(level),
        pct_plays: share(playsByLevel.get(level)!, plays.length),
      })),
    );
  });

  test('the users who played both as free and as paid, most plays first', () => {
    const perUser = new Map<number, { free: number; paid: number }>();
    for (const e of plays) {
      const counts = perUser.get(Number(e.userId)) ?? { free: 0, paid: 0 };
      counts[e.level as 'free' | 'paid']++;
      perUser.set(Number(e.userId), counts);
    }
    const both = [...perUser.entries()]
      .filter(([, c]) => c.free > 0 && c.paid > 0)
      .sort(([idA, a], [idB, b]) => b.free + b.paid - (a.free + a.paid) || idA - idB)
      .map(([id, c]) => {
        const latest = latestByUser.get(id)!;
        return { user_id: id, first_name: latest.firstName, last_name: latest.lastName, current_level: latest.level, free_plays: c.free, paid_plays: c.paid };
      });
    expect(both.length).toBeGreaterThan(0);
    expect(rowsOf('free_and_paid_users')).toEqual(both);
  });

  test('the ten users with the most plays', () => {
    const byUser = tally(plays, (e) => e.userId);
    const top = [...byUser.entries()]
      .map(([id, n]) => ({ id: Number(id), n }))
      .sort((a, b) => b.n - a.n || a.id - b.id)
      .slice(0, 10)
      .map(({ id, n }) => {
        const latest = latestByUser.get(id)!;
        return { user_id: id, first_name: latest.firstName, last_name: latest.lastName, current_level: latest.level, plays: n, ...rankIn(byUser, n) };
      });
    expect(rowsOf('top_users')).toEqual(top);
  });

  test('operating systems: plays and distinct users per system, from the user_agents dimension', () => {
    const bySystem = new Map<string, { plays: number; users: Set<string> }>();
    for (const e of plays) {
      const os = operatingSystem(e.userAgent!);
      const entry = bySystem.get(os) ?? { plays: 0, users: new Set<string>() };
      entry.plays++;
      entry.users.add(e.userId);
      bySystem.set(os, entry);
    }
    const rows = rowsOf('operating_systems');
    expect(rows.map((r) => r['plays'])).toEqual([...bySystem.values()].map((s) => s.plays).sort((a, b) => b - a));
    expect(Object.fromEntries(rows.map((r) => [r['os_name'], r]))).toEqual(
      Object.fromEntries(
        [...bySystem.entries()].map(([os, s]) => [os, { os_name: os, plays: s.plays, pct_plays: share(s.plays, plays.length), users: s.users.size }]),
      ),
    );
  });

  test('user_agents holds each distinct user agent of the plays once, and every play joins it', async () => {
    const distinct = new Set(plays.map((e) => e.userAgent!));
    const rows = await db.warehouse.query<{ user_agent: string; os_name: string; device_type: string }>('SELECT * FROM user_agents');
    expect(rows.map((r) => r.user_agent).sort()).toEqual([...distinct].sort());
    for (const r of rows) {
      expect([r.user_agent, r.os_name]).toEqual([r.user_agent, operatingSystem(r.user_agent)]);
      expect([r.user_agent, r.device_type]).toEqual([r.user_agent, /iPhone/.test(r.user_agent) ? 'mobile' : 'desktop']);
    }
    const [orphans] = await db.warehouse.query(
      'SELECT COUNT(*) AS n FROM songplays AS sp LEFT JOIN user_agents AS ua ON ua.user_agent = sp.user_agent WHERE ua.user_agent IS NULL',
    );
    expect(orphans).toEqual({ n: 0 });
  });

  test('metro areas: the ten with the most users, by each user’s latest location', () => {
    expectTop(rowsOf('top_metro_areas'), (r) => String(r['metro_area']), 'users', tally(users, (u) => u.location!), 10);
  });

  test('states: users per principal state of their metro area', () => {
    const byState = tally(users, (u) => u.location!.split(', ')[1]!.split('-')[0]!);
    expect(Object.fromEntries(rowsOf('top_states').map((r) => [r['state'], r['users']]))).toEqual(Object.fromEntries(byState));
    expect(rowsOf('top_states').map((r) => r['users'])).toEqual([...byState.values()].sort((a, b) => b - a));
  });

  test('gender: users and their plays', () => {
    const byGender = tally(users, (u) => u.gender!);
    const playsByGender = tally(plays, (e) => latestByUser.get(Number(e.userId))!.gender!);
    expect(rowsOf('gender')).toEqual(
      [...byGender.entries()]
        .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
        .map(([gender, n]) => ({
          gender,
          users: n,
          pct_users: share(n, users.length),
          plays: playsByGender.get(gender),
          pct_plays: share(playsByGender.get(gender)!, plays.length),
        })),
    );
  });

  test('songs: the ten most played by title and artist as played, with the catalogue id only where a play matched', () => {
    const rows = rowsOf('top_songs');
    expectTop(rows, (r) => songKey(r['song_title'], r['artist_name']), 'plays', tally(plays, (e) => songKey(e.song, e.artist)), 10);
    const matched = new Set(plays.filter(matches).map((e) => songKey(e.song, e.artist)));
    for (const r of rows) expect(r['song_id'] !== null).toBe(matched.has(songKey(r['song_title'], r['artist_name'])));
  });

  test('artists: the ten most played by name as played, with their distinct songs', () => {
    const rows = rowsOf('top_artists');
    expectTop(rows, (r) => String(r['artist_name']), 'plays', tally(plays, (e) => e.artist!), 10);
    const matched = new Set(plays.filter(matches).map((e) => e.artist));
    for (const r of rows) {
      const songs = new Set(plays.filter((e) => e.artist === r['artist_name']).map((e) => e.song));
      expect([r['artist_name'], r['songs'], r['artist_id'] !== null]).toEqual([r['artist_name'], songs.size, matched.has(String(r['artist_name']))]);
    }
  });

  test('catalogue size, beside what was played and how much of it matched', () => {
    expect(rowsOf('catalogue_size')).toEqual([
      {
        songs: catalogueSongs,
        artists: catalogueArtists,
        songs_played: new Set(plays.map((e) => songKey(e.song, e.artist))).size,
        artists_played: new Set(plays.map((e) => e.artist)).size,
        plays: plays.length,
        plays_matched: plays.filter(matches).length,
      },
    ]);
    expect(plays.filter(matches)).toHaveLength(1);
  });

  test('play volume by year, month, ISO week, day of month, weekday and hour (UTC)', () => {
    const days = plays.map((e) => calendar(e.ts));
    const volume = <K extends string | number>(key: (c: ReturnType<typeof calendar>) => K) =>
      [...tally(days, (c) => String(key(c))).entries()].map(([k, n]) => [k, n] as const);
    const byNumber = (entries: (readonly [string, number])[]) => [...entries].sort(([a], [b]) => Number(a) - Number(b));

    // A period is partial when the data's span does not cover it (the sample is November 2018, from 21:01
    // on the 1st to 19:54 on the 30th: the year, the month, weeks 44 and 48, and days 1 and 30 are partial).
    const DAY = 86400000;
    const utc = Date.UTC;
    expect(rowsOf('plays_by_year')).toEqual(
      byNumber(volume((c) => c.year)).map(([year, n]) => ({ year: Number(year), plays: n, partial: partial(utc(Number(year), 0), utc(Number(year) + 1, 0)) })),
    );
    expect(rowsOf('plays_by_month')).toEqual(
      byNumber(volume((c) => c.year * 100 + c.month)).map(([ym, n]) => {
        const [year, month] = [Math.floor(Number(ym) / 100), Number(ym) % 100];
        return { year, month, plays: n, partial: partial(utc(year, month - 1), utc(year, month)) };
      }),
    );
    expect(rowsOf('plays_by_week')).toEqual(
      volume((c) => `${c.weekStart} ${c.week}`)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => {
          const from = Date.parse(`${k.split(' ')[0]}T00:00:00Z`);
          return { week_start: k.split(' ')[0], week: Number(k.split(' ')[1]), plays: n, partial: partial(from, from + 7 * DAY) };
        }),
    );
    // Days of the month sum over months: a day is partial when it holds a partial calendar day.
    const partialDays = new Set(
      [...new Set(days.map((c) => utc(c.year, c.month - 1, c.day)))].filter((from) => partial(from, from + DAY)).map((from) => new Date(from).getUTCDate()),
    );
    expect(rowsOf('plays_by_day')).toEqual(byNumber(volume((c) => c.day)).map(([day, n]) => ({ day: Number(day), plays: n, partial: partialDays.has(Number(day)) })));
    expect([...partialDays].sort((a, b) => a - b)).toEqual([1, 30]);
    expect(rowsOf('plays_by_week').filter((r) => r['partial']).map((r) => r['week'])).toEqual([44, 48]);
    const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    // Weekdays and hours are compared per day covered. Counted by hand from the calendar: the span runs from
    // Thursday 1 November 21:00 to Friday 30 November 20:00, so Thursdays cover 4 days and 3 hours (4.13),
    // Fridays 4 days and 20 hours (4.83), the others 4 days; 20:00 occurs 28 times, every other hour 29.
    const weekdayDays: Record<number, number> = { 0: 4, 1: 4, 2: 4, 3: 4, 4: 4.13, 5: 4.83, 6: 4 };
    const weekdayHours: Record<number, number> = { 0: 96, 1: 96, 2: 96, 3: 96, 4: 99, 5: 116, 6: 96 };
    const tenths = (value: number) => Math.round(value * 10) / 10;
    expect(rowsOf('plays_by_weekday')).toEqual(
      byNumber(volume((c) => (c.weekday + 6) % 7)).map(([mondayFirst, n]) => {
        const weekday = (Number(mondayFirst) + 1) % 7;
        return { weekday, weekday_name: names[weekday], plays: n, days: weekdayDays[weekday], plays_per_day: tenths((n * 24) / weekdayHours[weekday]!) };
      }),
    );
    expect(rowsOf('plays_by_hour')).toEqual(
      byNumber(volume((c) => c.hour)).map(([hour, n]) => {
        const days = Number(hour) === 20 ? 28 : 29;
        return { hour: Number(hour), plays: n, days, plays_per_day: tenths(n / days) };
      }),
    );
    // The sample is November 2018: weeks 44 (from Monday 29 October) to 48.
    expect(rowsOf('plays_by_week').map((r) => r['week'])).toEqual([44, 45, 46, 47, 48]);
  });

  test('every answer is a sentence made of the numbers, with nothing missing', () => {
    for (const a of answered.values()) expect(a.answer).not.toMatch(/undefined|NaN|null|\[object/);
    expect(answered.get('free_vs_paid')!.answer).toContain(`${tally(users, (u) => u.level).get('paid')} paid`);
    expect(answered.get('catalogue_size')!.answer).toContain(`1 of ${plays.length.toLocaleString('en-US')} plays matched`);
    expect(answered.get('plays_by_month')!.answer).toBe(`All ${plays.length.toLocaleString('en-US')} plays fall in November 2018, which the data covers only in part.`);
    // A partial period is never the quietest (nor the busiest): it is named as left out.
    expect(answered.get('plays_by_day')!.answer).toMatch(/; the quietest is the (?!1st|30th)\d+\w\w with [\d,]+\. The 1st and the 30th are left out of the comparison: the data covers only part of them\.$/);
    expect(answered.get('plays_by_week')!.answer).toMatch(/; the quietest is week (45|46|47) .* Week 44 \(from 2018-10-29\) and week 48 \(from 2018-11-26\) are left out/);
    // Ties at a list's cut are said, not dropped: 10 metro areas have 2 users, 3 of them shown.
    expect(answered.get('top_metro_areas')!.answer).toMatch(/ 7 more metro areas also have 2 users each, tied with the last shown; the list stops at 10\.$/);
  });

  // Last: it drops a table the tests above read.
  test('a warehouse loaded before user_agents existed is told to run the ETL again', async () => {
    await db.warehouse.run([{ sql: 'DROP TABLE user_agents' }]);
    await expect(assertLoaded(db.warehouse)).rejects.toThrow('The warehouse has no user_agents table yet; run npm run etl first.');
  });
});

describe('questions without data', () => {
  /** A warehouse whose every query comes back empty. */
  const empty: Warehouse = { description: 'empty', run: async () => [], query: async () => [], close: async () => {} };

  test('each says so instead of answering, and the terminal output shows no rows', async () => {
    const answers = await answerQuestions(empty, QUESTIONS);
    for (const a of answers) expect(a.answer).toMatch(/^No /);
    expect(answers.find((a) => a.question.name === 'free_and_paid_users')!.answer).toBe('No user played both as free and as paid.');
    expect(formatAnswers(answers).match(/\(no rows\)/g)).toHaveLength(QUESTIONS.length);
  });
});

describe('choosing questions with --only', () => {
  test('names, comma-separated, in report order', () => {
    expect(selectQuestions('gender,free_vs_paid').map((q) => q.name)).toEqual(['free_vs_paid', 'gender']);
    expect(selectQuestions()).toBe(QUESTIONS);
  });

  test('an unknown name is a usage error that lists the valid names', () => {
    expect(() => selectQuestions('genders')).toThrow(ConfigError);
    expect(() => selectQuestions('genders')).toThrow(/Unknown question "genders"\. The questions are: free_vs_paid, .*plays_by_hour\./);
  });
});
