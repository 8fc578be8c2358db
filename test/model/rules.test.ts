/**
 * The rules data set (test/fixtures/rules-source.ts) on the local warehouse, against the model. First, that
 * the data set does reach every rule it is there for, so a later edit cannot quietly stop exercising one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runEtl } from '../../lib/pipeline/etl-run';
import { localLogDays } from '../../lib/pipeline/local-files';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { shuffled } from '../helpers/star-snapshot';
import { writeRulesSource } from '../fixtures/rules-source';
import { analyticsAnswers } from './analytics-model';
import { canonical, describeDifferential, temporarySource } from './differential';
import { stagingOf } from './staging-model';
import { compare, rtrim, starTables } from './star-model';

const rules = temporarySource((dir) => writeRulesSource(dir));
const trailing = temporarySource((dir) => writeRulesSource(dir, { trailingBlanks: true }));
afterAll(() => {
  rules.remove();
  trailing.remove();
});

const open = (source: string) => openTestWarehouse({ 'udacity-dend': source });

describe('the rules data set reaches every rule', () => {
  const staging = stagingOf(rules.dir);
  const star = starTables(staging);
  const plays = staging.events.filter((e) => e.page === 'NextSong');
  const candidatesOf = (e: (typeof plays)[number]) =>
    staging.songs.filter((s) => e.song !== null && s.title === e.song && s.artist_name === e.artist);

  test('a play whose closest candidate is not the lowest song id, and a tie in distance', () => {
    const won = new Map(star.songplays.map((p) => [`${p['session_id']}|${p['item_in_session']}`, p['song_id']]));
    const multi = plays.filter((e) => new Set(candidatesOf(e).map((s) => s.song_id)).size > 1);
    const lowest = (e: (typeof plays)[number]) => candidatesOf(e).map((s) => s.song_id!).sort()[0];
    expect(multi.some((e) => won.get(`${e.session_id}|${e.item_in_session}`) !== lowest(e))).toBe(true);
    const distances = (e: (typeof plays)[number]) => candidatesOf(e).map((s) => (s.duration === null || e.length === null ? null : Math.abs(s.duration - e.length)));
    expect(multi.some((e) => new Set(distances(e)).size < distances(e).length)).toBe(true);
    expect(multi.some((e) => distances(e).includes(null) && distances(e).some((d) => d !== null))).toBe(true);
  });

  test("a user's two events at their latest instant, in different sessions, the later session with the lower item", () => {
    const reached = star.users.some((u) => {
      const own = staging.events.filter((e) => e.user_id === u['user_id']);
      const last = Math.max(...own.map((e) => e.ts!));
      const atLast = own.filter((e) => e.ts === last).sort((a, b) => b.session_id! - a.session_id!);
      return atLast.length > 1 && atLast[0]!.session_id! > atLast[1]!.session_id! && atLast[0]!.item_in_session! < atLast[1]!.item_in_session!;
    });
    expect(reached).toBe(true);
  });

  test('an artist whose row without a location sorts first by name; NULL and blank locations; year 0', () => {
    const artistIds = new Set(staging.songs.map((s) => s.artist_id));
    const reached = [...artistIds].some((id) => {
      const rows = staging.songs.filter((s) => s.artist_id === id);
      const first = [...rows].sort((a, b) => compare(a.artist_name, b.artist_name))[0]!;
      return first.artist_location === null && rows.some((r) => r.artist_location !== null);
    });
    expect(reached).toBe(true);
    expect(star.songs.filter((s) => s['year'] === null).length).toBeGreaterThan(1);
    expect(star.songs.filter((s) => s['year'] !== null).length).toBeGreaterThan(1);
  });

  test('levels that change, logged-out visitors, users who never play, a day with no events', () => {
    const answers = analyticsAnswers(star);
    expect(answers['free_and_paid_users']!.length).toBeGreaterThan(1);
    expect(staging.events.some((e) => e.user_id === null)).toBe(true);
    expect(star.users.length).toBeGreaterThan(new Set(star.songplays.map((p) => p['user_id'])).size);
    const days = answers['plays_by_day']!.map((r) => Number(r['day']));
    expect(days.length).toBeLessThan(Math.max(...days) - Math.min(...days) + 1);
  });

  test('hostile strings reach the star tables', () => {
    const text = JSON.stringify(star);
    for (const s of ['\\"', "'", '\\\\', '\\n', '\\t', 'DROP TABLE', '日本', '\u{1F600}', '\uFF5E']) expect(text).toContain(s);
    expect(Math.max(...star.songs.map((s) => Buffer.byteLength(String(s['title']))))).toBe(1024);
  });

  test('every top-N question ends inside a tie: the 10th and the 11th are level', () => {
    const everything = analyticsAnswers(star, Infinity);
    for (const [question, column] of [['top_users', 'plays'], ['top_songs', 'plays'], ['top_artists', 'plays'], ['top_metro_areas', 'users']] as const) {
      const rows = everything[question]!;
      expect([question, rows[9]?.[column]]).toEqual([question, rows[10]?.[column]]);
    }
  });

  test('with trailing blanks, some stored value differs from its staging value', () => {
    const withBlanks = stagingOf(trailing.dir);
    expect(withBlanks.events.some((e) => e.song !== rtrim(e.song))).toBe(true);
    expect(withBlanks.songs.some((s) => s.title !== rtrim(s.title) && s.artist_name !== rtrim(s.artist_name))).toBe(true);
    expect(canonical(starTables(withBlanks).songplays).some((p) => p['song_id'] === 'SOTRAIL')).toBe(true);
  });
});

describe('the rules data set on the local warehouse', () => {
  describeDifferential(() => rules.dir, { open });
});

describe('the rules data set with trailing blanks on the local warehouse', () => {
  describeDifferential(() => trailing.dir, { open });
});

/**
 * Daily loads (--date) of every day of the rules data set, in shuffled order, one day loaded twice (the second
 * time after later days): the star tables and the answers must still be the model's. The empty day's file is
 * refused by a daily load (a load of nothing is a failure) and adds nothing to a full load: it is checked to
 * fail, with the warehouse unchanged, and the comparison covers the days with events.
 */
async function loadDayByDay(warehouse: Warehouse, source: string): Promise<void> {
  const days = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
  const file = (d: string) => join(source, 'log_data', d.slice(0, 4), d.slice(5, 7), `${d}-events.json`);
  const empty = days.filter((d) => readFileSync(file(d), 'utf8').trim() === '');
  expect(empty).toHaveLength(1);
  const order = shuffled(days.filter((d) => !empty.includes(d)), 11);
  expect(order.length).toBeGreaterThan(3);
  order.splice(3, 0, order[1]!);
  const day = (d: string, reloadCatalogue = false) => ({ mode: 'day' as const, from: d, to: d, strict: false, reloadCatalogue });
  const options = { sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest' };
  for (const [i, d] of order.entries()) {
    await runEtl(warehouse, day(d, i === 0), options);
    if (i === 2) await expect(runEtl(warehouse, day(empty[0]!), options)).rejects.toThrow(/read zero rows .*the day's log file is empty/);
  }
}

describe('the rules data set loaded day by day, shuffled, a day twice, on the local warehouse', () => {
  describeDifferential(() => rules.dir, { open, load: loadDayByDay });
});
