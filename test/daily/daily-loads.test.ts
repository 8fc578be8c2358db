/**
 * The daily loads' key property: loading the days one at a time, in any order, a day twice, gives exactly the
 * star tables of one full load; a day loaded again with a changed file gives exactly the full load of the
 * changed data. On the bundled sample and on a small generated set.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { generate } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { type EtlRunOptions, planDays, type RunRequest, runEtl } from '../../lib/pipeline/etl-run';
import { localLogDays } from '../../lib/pipeline/local-files';
import { lastRuns } from '../../lib/pipeline/run-ledger';
import { openTestWarehouse, SAMPLE_DIR, type TestWarehouse } from '../helpers/local-warehouse';
import { shuffled, starSnapshot } from '../helpers/star-snapshot';

const options = (): EtlRunOptions => ({ sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest' });
const day = (d: string, reloadCatalogue = false): RunRequest => ({ mode: 'day', from: d, to: d, strict: false, reloadCatalogue });
const daysOf = async (source: string) => (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;

describe('the bundled sample, day by day', () => {
  let full: TestWarehouse;
  let daily: TestWarehouse;
  let expected: Awaited<ReturnType<typeof starSnapshot>>;
  let days: readonly string[];

  beforeAll(async () => {
    [full, daily] = await Promise.all([openTestWarehouse(), openTestWarehouse()]);
    await runEtl(full.warehouse, { mode: 'full' }, options());
    expected = await starSnapshot(full.warehouse);
    days = await daysOf(SAMPLE_DIR);
  });
  afterAll(async () => {
    await full.dispose();
    await daily.dispose();
  });

  test('a day on a warehouse that never loaded the catalogue fails clearly, and leaves a failed run in etl_runs', async () => {
    const error = await runEtl(daily.warehouse, day('2018-11-05'), options()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/song catalogue has never been loaded.*npm run etl.*--reload-catalogue/s);
    const [run] = await lastRuns(daily.warehouse, 1);
    expect(run).toMatchObject({ mode: 'day', status: 'failed', first_day: '2018-11-05', last_day: '2018-11-05', days: null, run_by: 'jest' });
    expect(run!.ended_at).not.toBeNull();
  });

  test('every day one at a time, shuffled, one of them twice, equals one full load, keys included', async () => {
    expect(days).toHaveLength(30);
    const order = shuffled(days, 13);
    order.splice(7, 0, order[2]!); // a day loaded again, later, after other days
    for (const [i, d] of order.entries()) await runEtl(daily.warehouse, day(d, i === 0), options());
    expect(await starSnapshot(daily.warehouse)).toEqual(expected);
  });

  test('loading a day again changes nothing', async () => {
    await runEtl(daily.warehouse, day('2018-11-15'), options());
    expect(await starSnapshot(daily.warehouse)).toEqual(expected);
  });

  test('the ledger holds one row per run, with the days and the rows per table', async () => {
    const runs = await lastRuns(daily.warehouse, 100);
    expect(runs).toHaveLength(1 + 31 + 1);
    expect(runs[0]).toMatchObject({ mode: 'day', status: 'succeeded', days: '2018-11-15', target: 'test' });
    const loaded = JSON.parse(runs[0]!.rows_loaded!) as Record<string, number>;
    expect(loaded['staging_events']).toBe(expected.loaded_days.find((r) => r['day'] === '2018-11-15')!['events']);
    expect(loaded['songplays']).toBe(expected.loaded_days.find((r) => r['day'] === '2018-11-15')!['songplays']);
    const [fullRun] = await lastRuns(full.warehouse, 1);
    expect(fullRun).toMatchObject({ mode: 'full', status: 'succeeded', days: null });
    expect(JSON.parse(fullRun!.rows_loaded!)).toMatchObject({ staging_events: 8056, songplays: 6820 });
  });

  // A new day skips deleting its rows because loaded_days does not list it: an empty loaded_days beside full
  // star tables would have a day loaded twice. (Last: it drops a table of the full load's warehouse.)
  test('star tables without the daily state (built by an earlier version) are refused, not merged into', async () => {
    await full.warehouse.run([{ sql: 'DROP TABLE loaded_days' }]);
    const error = await runEtl(full.warehouse, day('2018-11-15'), options()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/has songs, artists, users, songplays, time, user_agents, user_day_states but not loaded_days.*--full-refresh/s);
    // Nothing was created or merged.
    expect(await full.warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'loaded_days'")).toEqual([]);
    expect(await full.warehouse.query('SELECT * FROM songplays ORDER BY songplay_id')).toEqual(expected.songplays);
    expect(await full.warehouse.query('SELECT * FROM users ORDER BY user_id')).toEqual(expected.users);
  });
});

describe('a generated set: a changed day, a range, a failure mid-range', () => {
  let source: string;
  let daily: TestWarehouse;
  const reference = async (dir: string) => {
    const db = await openTestWarehouse({ 'udacity-dend': dir });
    try {
      await runEtl(db.warehouse, { mode: 'full' }, options());
      return await starSnapshot(db.warehouse);
    } finally {
      await db.dispose();
    }
  };
  const logFile = (d: string) => join(source, 'log_data', d.slice(0, 4), d.slice(5, 7), `${d}-events.json`);

  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-daily-'));
    // Dense enough that users change level between days and plays match the catalogue.
    generate(resolveOptions({ out: source, events: 1500, songs: 150, users: 30, days: 5, seed: 7, matchRate: 0.3, force: true }));
    daily = await openTestWarehouse({ 'udacity-dend': source });
  });
  afterAll(async () => {
    await daily.dispose();
    rmSync(source, { recursive: true, force: true });
  });

  test('a range backfill in reverse order of days gives the full load', async () => {
    const days = await daysOf(source);
    expect(days).toHaveLength(5);
    const expected = await reference(source);
    expect(expected.songplays.filter((r) => r['song_id'] !== null).length).toBeGreaterThan(10);
    await runEtl(daily.warehouse, day(days[4]!, true), options());
    for (const d of [...days.slice(0, 4)].reverse()) await runEtl(daily.warehouse, day(d), options());
    expect(await starSnapshot(daily.warehouse)).toEqual(expected);
  });

  test('a day whose file changed, loaded again, gives exactly the full load of the changed data', async () => {
    const d = (await daysOf(source))[2]!;
    const lines = readFileSync(logFile(d), 'utf8').split('\n');
    // Fewer events (every third gone), one user's last event of the day now paid, and a new user agent.
    const changed = lines.filter((_, i) => i % 3 !== 0).map((l, i, all) => {
      const e = JSON.parse(l) as Record<string, unknown>;
      if (i === all.length - 1) Object.assign(e, { level: e['level'] === 'paid' ? 'free' : 'paid', userAgent: 'a brand new agent/1.0' });
      return JSON.stringify(e);
    });
    writeFileSync(logFile(d), changed.join('\n'));
    const expected = await reference(source);
    await runEtl(daily.warehouse, day(d), options());
    expect(await starSnapshot(daily.warehouse)).toEqual(expected);
  });

  test('a range that fails mid-way keeps the days before it, leaves the failed day untouched and says where to resume', async () => {
    const days = await daysOf(source);
    appendFileSync(logFile(days[3]!), '\n{"userId": "not a number", "page": "NextSong", "ts": 0}');
    const before = await starSnapshot(daily.warehouse);
    const request: RunRequest = { mode: 'range', from: days[0]!, to: days[4]!, strict: false, reloadCatalogue: false };
    const plan = planDays(request, await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri), DEFAULT_SOURCES.eventsUri);
    const error = await runEtl(daily.warehouse, request, { ...options(), plan }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`${days[3]} failed and was not published`);
    expect((error as Error).message).toContain(`Published before it: ${days.slice(0, 3).join(', ')}.`);
    expect((error as Error).message).toContain(`Resume with: npm run etl -- --from ${days[3]} --to ${days[4]}`);
    // The days before it were loaded again from the same files: nothing changed; the failed day is as it was.
    expect(await starSnapshot(daily.warehouse)).toEqual(before);
    const [run] = await lastRuns(daily.warehouse, 1);
    expect(run).toMatchObject({ mode: 'range', status: 'failed', days: days.slice(0, 3).join(',') });
    expect(run!.message).toContain('Resume with');
  });
});
