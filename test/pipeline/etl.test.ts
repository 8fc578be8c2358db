import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { LoadError, QualityCheckError } from '../../lib/errors';
import { countAll, runPipeline } from '../../lib/pipeline/pipeline';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, SAMPLE_DIR, type TestWarehouse } from '../helpers/local-warehouse';
import { rawEvents, rawSongs, timestampText } from '../helpers/raw-sample';
import { starSnapshot } from '../helpers/star-snapshot';
import { stagingOf } from '../model/staging-model';
import { starTables } from '../model/star-model';

/**
 * Every data test the SQL files declare, in the order they run: the staging loads' (after each COPY), then
 * each star table's in build order. Written out here so that a deleted or changed `-- @test` line fails.
 */
const DECLARED_DATA_TESTS: readonly (readonly [string, string])[] = [
  ['staging_songs', 'song_id not null'],
  ['staging_songs', 'artist_id not null'],
  ['staging_events', 'page not null'],
  ['staging_events', 'ts not null'],
  ['songs', 'not empty'],
  ['songs', 'unique song_id'],
  ['songs', 'song_id not null'],
  ['songs', 'title not null'],
  ['songs', 'artist_id not null'],
  ['artists', 'not empty'],
  ['artists', 'unique artist_id'],
  ['artists', 'artist_id not null'],
  ['users', 'not empty'],
  ['users', 'unique user_id'],
  ['users', 'user_id not null'],
  ['users', 'level not null'],
  ['songplays', 'not empty'],
  ['songplays', 'unique songplay_id'],
  ['songplays', 'songplay_id not null'],
  ['songplays', 'start_time not null'],
  ['songplays', 'user_id not null'],
  ['songplays', 'every user_id in users.user_id'],
  ['songplays', 'every start_time in time.start_time'],
  ['songplays', 'every song_id in songs.song_id'],
  ['songplays', 'every artist_id in artists.artist_id'],
  ['songplays', 'every user_agent in user_agents.user_agent'],
  ['songplays', 'song_title double-encoded UTF-8 (warns)'],
  ['songplays', 'artist_name double-encoded UTF-8 (warns)'],
  ['time', 'not empty'],
  ['time', 'unique start_time'],
  ['time', 'start_time not null'],
  ['user_agents', 'unique user_agent'],
  ['user_agents', 'user_agent not null'],
  // The daily loads' state, built and tested with the star tables by every full run (docs/daily-loads.md).
  ['song_catalogue', 'not empty'],
  ['song_catalogue', 'song_id not null'],
  ['song_catalogue', 'title not null'],
  ['song_catalogue', 'artist_name not null'],
  ['user_day_states', 'user_id not null'],
  ['user_day_states', 'day not null'],
  ['user_day_states', 'ts not null'],
  ['loaded_days', 'unique day'],
];

/** The star tables as the independent model (test/model) computes them from the raw sample. */
const model = starTables(stagingOf(SAMPLE_DIR));

/** Rows ordered by a numeric key, as the snapshot orders users. */
function canonicalBy(rows: readonly Record<string, unknown>[], key: string) {
  return [...rows].sort((a, b) => Number(a[key]) - Number(b[key]));
}

const events = rawEvents(SAMPLE_DIR);
const songs = rawSongs(SAMPLE_DIR);
const plays = events.filter((e) => e.page === 'NextSong');
/** What the star tables store of a text value: trailing spaces removed (RTRIM), so both engines compare alike. */
const rtrim = <T extends string | null | undefined>(value: T): T => (typeof value === 'string' ? value.replace(/ +$/, '') : value) as T;

/** A copy of the sample in a temporary folder, to damage on purpose. */
function sampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sparkify-source-'));
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  return dir;
}

function firstLogFile(source: string): string {
  const dir = join(source, 'log_data', '2018', '11');
  return join(dir, readdirSync(dir).sort()[0]!);
}

describe('the ETL on the bundled sample', () => {
  let db: TestWarehouse;
  let first: Awaited<ReturnType<typeof starSnapshot>>;
  let summary: Awaited<ReturnType<typeof runPipeline>>;

  beforeAll(async () => {
    db = await openTestWarehouse();
    summary = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    first = await starSnapshot(db.warehouse);
  });
  afterAll(() => db.dispose());

  test('staging holds every event and every song', async () => {
    expect(await db.warehouse.query('SELECT COUNT(*) AS n FROM staging_events')).toEqual([{ n: events.length }]);
    expect(await db.warehouse.query('SELECT COUNT(*) AS n FROM staging_songs')).toEqual([{ n: songs.length }]);
    expect(events.length).toBe(8056);
  });

  test("the summary's row counts (what the statements reported inserting) are the published tables' counts", async () => {
    expect(summary.tables).toEqual(await countAll(db.warehouse));
    expect(summary.steps.find((s) => s.step === 'load staging_events')?.rows).toBe(events.length);
    expect(summary.steps.find((s) => s.step === 'load staging_songs')?.rows).toBe(songs.length);
    // Grouped in thousands, as the row counts beside it are (6,820, not 6820).
    expect(summary.steps.find((s) => s.step === 'build star tables')?.detail).toContain('songplays 6,820, time 6,813');
  });

  test('songplays keeps every NextSong event', () => {
    expect(plays.length).toBe(6820);
    expect(first.songplays).toHaveLength(plays.length);
    expect(summary.tables.songplays).toBe(plays.length);
  });

  test('songplays carries each event as played', () => {
    const byKey = new Map(first.songplays.map((r) => [`${r['session_id']}|${r['item_in_session']}`, r]));
    for (const e of plays) {
      const row = byKey.get(`${e.sessionId}|${e.itemInSession}`);
      expect(row).toMatchObject({
        start_time: timestampText(e.ts),
        user_id: Number(e.userId),
        level: rtrim(e.level),
        location: rtrim(e.location),
        user_agent: rtrim(e.userAgent),
        song_title: rtrim(e.song),
        artist_name: rtrim(e.artist),
        song_length: e.length,
      });
    }
  });

  test('song and artist ids are set exactly where the model finds the catalogue song (the sample has one match)', () => {
    const ids = (rows: readonly Record<string, unknown>[]) =>
      rows.filter((r) => r['song_id'] !== null || r['artist_id'] !== null).map((r) => [r['songplay_id'], r['song_id'], r['artist_id']]).sort();
    expect(ids(model.songplays)).toHaveLength(1);
    expect(ids(first.songplays)).toEqual(ids(model.songplays));
  });

  test('users: one row per non-empty user id, with the level and location of the latest event (the model\'s)', () => {
    expect(first.users).toEqual(canonicalBy(model.users, 'user_id'));
  });

  test('songs and artists: one row per id of the catalogue', () => {
    expect(first.songs.map((r) => r['song_id'])).toEqual([...new Set(songs.map((s) => s.song_id))].sort());
    expect(first.artists.map((r) => r['artist_id'])).toEqual([...new Set(songs.map((s) => s.artist_id))].sort());
    const song = songs.find((s) => s.song_id === 'SOGVQGJ12AB017F169')!;
    expect(first.songs.find((r) => r['song_id'] === song.song_id)).toEqual({
      song_id: song.song_id,
      title: song.title,
      artist_id: song.artist_id,
      year: song.year === 0 ? null : song.year,
      duration: song.duration,
    });
  });

  test('time: one row per distinct start time, broken into hour, day, ISO week, month, year and weekday', () => {
    const distinct = [...new Set(plays.map((e) => e.ts))].sort((a, b) => a - b);
    expect(first.time).toHaveLength(distinct.length);
    const isoWeek = (d: Date) => {
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
      return Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86400000 + 1) / 7);
    };
    first.time.forEach((row, i) => {
      const d = new Date(distinct[i]!);
      expect(row).toEqual({
        start_time: timestampText(distinct[i]!),
        hour: d.getUTCHours(),
        day: d.getUTCDate(),
        week: isoWeek(d),
        month: d.getUTCMonth() + 1,
        year: d.getUTCFullYear(),
        weekday: d.getUTCDay(),
      });
    });
  });

  test('every declared data test ran, exactly the declared list, and passed', () => {
    // The double-encoding tests warn: they count what they find, and the run goes on.
    const doubleEncoded = (column: 'song' | 'artist') => plays.filter((e) => /[ÃÂ][¡-¿]/.test(String(e[column] ?? ''))).length;
    const found: Record<string, number> = {
      'song_title double-encoded UTF-8 (warns)': doubleEncoded('song'),
      'artist_name double-encoded UTF-8 (warns)': doubleEncoded('artist'),
    };
    expect(Object.values(found).every((n) => n > 0)).toBe(true);
    expect(summary.checks).toEqual(
      DECLARED_DATA_TESTS.map(([table, test]) => ({ table, test, failures: found[test] ?? 0, severity: test in found ? 'warn' : 'error' })),
    );
  });

  test('a second run gives identical tables, keys included', async () => {
    await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
    expect(await starSnapshot(db.warehouse)).toEqual(first);
  });

  test('--fresh drops the leftovers and rebuilds the same tables', async () => {
    const again = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES, fresh: true });
    // Nothing is dropped before the check that the tables can be replaced.
    expect(again.steps.slice(0, 2).map((s) => s.step)).toEqual(['check the tables can be replaced', 'drop leftover tables (--fresh)']);
    expect(await starSnapshot(db.warehouse)).toEqual(first);
  });

  describe('a failing run, --fresh or not, leaves the previous, complete star tables untouched', () => {
    let source: string;
    let mounted: TestWarehouse;
    let before: Awaited<ReturnType<typeof starSnapshot>>;
    let cleanLog: string;
    // One load for all the cases: each breaks the source, and each failing run must leave the warehouse as
    // it was (which each asserts), so the next case starts from the same tables once the source is restored.
    beforeAll(async () => {
      source = sampleCopy();
      cleanLog = readFileSync(firstLogFile(source), 'utf8');
      mounted = await openTestWarehouse({ 'udacity-dend': source });
      await runPipeline(mounted.warehouse, { sources: DEFAULT_SOURCES });
      before = await starSnapshot(mounted.warehouse);
    });
    afterEach(() => writeFileSync(firstLogFile(source), cleanLog));
    afterAll(async () => {
      await mounted.dispose();
      rmSync(source, { recursive: true, force: true });
    });

    test('when a load rejects a row', async () => {
      appendFileSync(firstLogFile(source), '\n{"userId": "not a number", "page": "NextSong", "ts": 1541105830796}\n');
      // --fresh too: it drops only leftovers, never the published tables before the new ones are ready.
      for (const fresh of [false, true]) {
        const error = await runPipeline(mounted.warehouse, { sources: DEFAULT_SOURCES, fresh }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LoadError);
        expect((error as LoadError).message).toMatch(/2018-11-01-events\.json line \d+, column user_id: Invalid digit/);
        expect(await starSnapshot(mounted.warehouse)).toEqual(before);
      }
    });

    test('when a data test fails after the build', async () => {
      // The same event twice: songplays would get one id twice, which its unique test refuses.
      const file = firstLogFile(source);
      const nextSong = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"NextSong"'))!;
      appendFileSync(file, `\n${nextSong}\n`);
      for (const fresh of [false, true]) {
        const error = await runPipeline(mounted.warehouse, { sources: DEFAULT_SOURCES, fresh }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(QualityCheckError);
        expect((error as Error).message).toMatch(/songplays: unique songplay_id \(1 failing\)/);
        expect(await starSnapshot(mounted.warehouse)).toEqual(before);
        expect(await mounted.warehouse.query('SELECT COUNT(*) AS n FROM songplays_next')).toEqual([{ n: plays.length + 1 }]);
      }
    });
  });
});

describe('bad sources', () => {
  let db: TestWarehouse;
  let source: string;
  beforeEach(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-bad-source-'));
    db = await openTestWarehouse({ 'udacity-dend': source });
  });
  afterEach(async () => {
    await db.dispose();
    rmSync(source, { recursive: true, force: true });
  });

  test('an empty source folder fails the load, naming the prefix and the folder', async () => {
    const error = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toContain('s3://udacity-dend/song_data');
    expect((error as Error).message).toContain(join(source, 'song_data'));
  });

  test('a missing JSONPaths file fails, naming its path', async () => {
    cpSync(join(SAMPLE_DIR, 'song_data'), join(source, 'song_data'), { recursive: true });
    cpSync(join(SAMPLE_DIR, 'log_data'), join(source, 'log_data'), { recursive: true });
    const error = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toContain(join(source, 'log_json_path.json'));
  });

  test('a COPY that reads zero rows is a failure, not a success', async () => {
    cpSync(join(SAMPLE_DIR, 'song_data'), join(source, 'song_data'), { recursive: true });
    cpSync(join(SAMPLE_DIR, 'log_json_path.json'), join(source, 'log_json_path.json'));
    cpSync(join(SAMPLE_DIR, 'log_data'), join(source, 'log_data'), { recursive: true });
    for (const name of readdirSync(join(source, 'log_data', '2018', '11'))) writeFileSync(join(source, 'log_data', '2018', '11', name), '\n');
    const error = await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toMatch(/COPY into staging_events read zero rows from s3:\/\/udacity-dend\/log_data/);
  });

  test('under MAXERROR 2 a rejected row is reported with file, line and column, and the run goes on', async () => {
    cpSync(SAMPLE_DIR, source, { recursive: true });
    appendFileSync(firstLogFile(source), '\n{"userId": "x1", "page": "Home", "ts": 1541105830796}\n');
    const warnings: string[] = [];
    const summary = await runPipeline(db.warehouse, {
      sources: { ...DEFAULT_SOURCES, maxErrors: 2 },
      progress: { start() {}, done() {}, warn: (m) => warnings.push(m) },
    });
    expect(summary.tables.songplays).toBe(plays.length);
    expect(summary.rejected).toEqual([
      expect.objectContaining({ table: 'staging_events', file: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json', column: 'user_id' }),
    ]);
    expect(warnings[0]).toMatch(/staging_events: rejected s3:\/\/udacity-dend\/log_data\/2018\/11\/2018-11-01-events\.json line \d+ column user_id/);
  });

  test('under MAXERROR 1 the same one bad line fails the load: MAXERROR n fails at the n-th reject', async () => {
    cpSync(SAMPLE_DIR, source, { recursive: true });
    appendFileSync(firstLogFile(source), '\n{"userId": "x1", "page": "Home", "ts": 1541105830796}\n');
    const error = await runPipeline(db.warehouse, { sources: { ...DEFAULT_SOURCES, maxErrors: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toMatch(/Load into table 'staging_events' failed: 1 row\(s\) rejected, and MAXERROR 1 fails a load at 1/);
  });

  test('a load under MAXERROR whose sys_load_history row cannot be found warns instead of reporting none rejected', async () => {
    cpSync(SAMPLE_DIR, source, { recursive: true });
    // As on Redshift when the history view has no row (yet) for the load's query id.
    const blind: Warehouse = {
      description: 'local, blind to sys_load_history',
      run: (statements, options) => db.warehouse.run(statements, options),
      query: (sql, params) => (/sys_load_history/.test(sql) ? Promise.resolve([]) : db.warehouse.query(sql, params)),
      close: async () => {},
    };
    const warnings: string[] = [];
    const summary = await runPipeline(blind, { sources: { ...DEFAULT_SOURCES, maxErrors: 5 }, progress: { start() {}, done() {}, warn: (m) => warnings.push(m) } });
    expect(summary.tables.songplays).toBe(plays.length);
    // The sample's double-encoded names are warned about too (a data test that warns): not these loads' concern.
    expect(warnings.filter((w) => w.startsWith('staging_'))).toEqual([
      expect.stringMatching(/^staging_songs: could not confirm how many rows the COPY rejected under MAXERROR 5 \(sys_load_history has no row for its query id \d+\); 0 found in sys_load_error_detail\. The 71 rows loaded are counted from the table\.$/),
      expect.stringMatching(/^staging_events: could not confirm how many rows the COPY rejected under MAXERROR 5 .* The 8,056 rows loaded/),
    ]);
    expect(summary.steps.find((s) => s.step === 'load staging_events')?.detail).toBe('rejects unconfirmed');
  });
});
