/**
 * npm run etl -- --new on the local warehouse: it loads exactly the days that are new or whose file changed
 * (loaded_files), gives the tables of one full load, says when there is nothing new, retries a day that
 * failed, and keeps to its deadline.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { generate } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { type EtlRunOptions, type EtlRunSummary, planDays, runEtl } from '../../lib/pipeline/etl-run';
import { localFiles, localLogDays } from '../../lib/pipeline/local-files';
import { STAR_TABLES } from '../../lib/pipeline/tables';
import { lastRuns } from '../../lib/pipeline/run-ledger';
import { formatStatus, warehouseStatus } from '../../lib/pipeline/warehouse-status';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import { starSnapshot } from '../helpers/star-snapshot';

const NEW = { mode: 'new' } as const;
let source: string;
let options: EtlRunOptions;
let days: readonly string[];
let expected: Awaited<ReturnType<typeof starSnapshot>>;
let db: TestWarehouse;

/** The local path of a day's log file. */
const fileOf = (day: string) => join(source, 'log_data', day.slice(0, 4), day.slice(5, 7), `${day}-events.json`);
/** Gives a file a new modification time, as a re-upload of the same content would. */
const touch = (day: string, seconds: number) => utimesSync(fileOf(day), seconds, seconds);
const loadedFiles = () => db.warehouse.query<{ day: string; uri: string; size: number; version: string; run_id: string }>('SELECT day, uri, size, version, run_id FROM loaded_files ORDER BY day');

beforeAll(async () => {
  source = mkdtempSync(join(tmpdir(), 'sparkify-new-'));
  generate(resolveOptions({ out: source, events: 3000, songs: 60, users: 15, days: 30, seed: 23, matchRate: 0.3, force: true }));
  const folders = { 'udacity-dend': source };
  options = { sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest', listFiles: localFiles(folders) };
  days = (await localLogDays(folders)(DEFAULT_SOURCES.eventsUri)).days;
  const full = await openTestWarehouse(folders);
  try {
    await runEtl(full.warehouse, { mode: 'full' }, options);
    expected = await starSnapshot(full.warehouse);
  } finally {
    await full.dispose();
  }
  db = await openTestWarehouse(folders);
});
afterAll(async () => {
  await db?.dispose();
  rmSync(source, { recursive: true, force: true });
});

test('a first run on a warehouse never loaded, with a deadline its first load cannot meet, starts nothing and says why', async () => {
  const summary = await runEtl(db.warehouse, NEW, { ...options, deadline: Date.now() + 30_000 });
  expect(summary).toMatchObject({ status: 'failed', stopped: 'first-load', published: [], remaining: days });
  expect(summary.reason).toMatch(/^Not started: this warehouse was never loaded, and its first load \(60 song files .* is estimated at .*npm run stage/);
  expect(await db.warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name IN ('songplays', 'loaded_files')")).toEqual([]);
  const [run] = await lastRuns(db.warehouse, 1);
  expect(run).toMatchObject({ mode: 'new', status: 'failed', message: summary.reason });
});

test('a first run on an empty warehouse loads the catalogue and every day (one full load), and records every file', async () => {
  const empty = await openTestWarehouse({ 'udacity-dend': source });
  try {
    const summary = await runEtl(empty.warehouse, NEW, { ...options, deadline: Date.now() + 3_600_000 });
    expect(summary).toMatchObject({ mode: 'new', status: 'succeeded', published: days, remaining: [] });
    expect(summary.full?.tables.songplays).toBe(expected.songplays.length);
    expect(await starSnapshot(empty.warehouse)).toEqual(expected);
    expect(await empty.warehouse.query('SELECT COUNT(*) AS n FROM loaded_files WHERE run_id = :id', { id: summary.runId })).toEqual([{ n: 30 }]);
    expect((await runEtl(empty.warehouse, NEW, options)).message).toMatch(/^Nothing new/);
  } finally {
    await empty.dispose();
  }
});

test('with 10 of 30 days loaded, --new loads exactly the other 20, oldest first, and the tables equal one full load', async () => {
  expect(days).toHaveLength(30);
  const range = { mode: 'range', from: days[0]!, to: days[9]!, strict: false, reloadCatalogue: true } as const;
  const listing = await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri);
  await runEtl(db.warehouse, range, { ...options, plan: planDays(range, listing, DEFAULT_SOURCES.eventsUri) });
  const heard: string[] = [];
  const summary = await runEtl(db.warehouse, NEW, { ...options, onDay: (d) => heard.push(d.day) });
  expect(summary).toMatchObject({ mode: 'new', status: 'succeeded', published: days.slice(10), remaining: [] });
  expect(heard).toEqual(days.slice(10));
  expect(await starSnapshot(db.warehouse)).toEqual(expected);
  // Every day's file, as listed, with the run that loaded it.
  const files = await loadedFiles();
  expect(files.map((f) => f.day)).toEqual(days);
  expect(files.slice(10).every((f) => f.run_id === summary.runId)).toBe(true);
  expect(files.map(({ uri, size, version }) => ({ uri, size: Number(size), version }))).toEqual(listing.files.map(({ uri, size, version }) => ({ uri, size, version })));
});

test('a run with nothing new says so, writes its etl_runs row and succeeds; a file that names no day is not read, with a warning', async () => {
  const undated = join(source, 'log_data', 'notes.json');
  writeFileSync(undated, '{}\n');
  const warnings: string[] = [];
  let summary: EtlRunSummary;
  try {
    // A reader named for the first time: granted by this run too, though it loads nothing.
    await db.warehouse.run([{ sql: 'CREATE ROLE added_since' }]);
    summary = await runEtl(db.warehouse, NEW, { ...options, readers: [{ kind: 'role', name: 'added_since' }], progress: { start() {}, done() {}, warn: (line) => warnings.push(line) } });
  } finally {
    rmSync(undated);
  }
  expect(warnings).toEqual([`1 file under ${DEFAULT_SOURCES.eventsUri} names no day (s3://udacity-dend/log_data/notes.json): --new loads days, so it is not read; a full run reads them.`]);
  expect(summary).toMatchObject({ status: 'succeeded', published: [], remaining: [], days: [] });
  expect(summary.message).toBe(`Nothing new: the 30 days under ${DEFAULT_SOURCES.eventsUri} are loaded from their current files.`);
  const granted = await db.warehouse.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.role_table_grants WHERE grantee = 'added_since' AND privilege_type = 'SELECT' ORDER BY 1`,
  );
  expect(granted.map((g) => g.t)).toEqual([...STAR_TABLES].sort());
  const [run] = await lastRuns(db.warehouse, 1);
  expect(run).toMatchObject({ run_id: summary.runId, mode: 'new', status: 'succeeded', days: null, message: summary.message });
  // npm run status: the runs of --new with their days, and the files recorded.
  const status = await warehouseStatus(db.warehouse, 2);
  expect(status.files).toHaveLength(30);
  const text = formatStatus(status);
  expect(text).toMatch(new RegExp(`^ \\S+ \\S+\\s+│ new\\s+│ none\\s+│ succeeded .*│ Nothing new`, 'm'));
  expect(text).toMatch(new RegExp(`^ \\S+ \\S+\\s+│ new\\s+│ ${days[10]}…${days[29]}\\s+│ succeeded`, 'm'));
  expect(text).toContain('Files loaded: 30 for 30 days; the latest 5:\n');
  expect(text).toMatch(new RegExp(`^ ${days[29]} │ s3://udacity-dend/log_data/\\d{4}/\\d{2}/${days[29]}-events\\.json │ [\\d,]+ │ mtime:\\d+ │`, 'm'));
});

test('a re-uploaded file (new modification time) and a changed one are loaded again, and only they', async () => {
  touch(days[3]!, 1_900_000_000);
  const changed = fileOf(days[20]!);
  const original = readFileSync(changed, 'utf8');
  const lines = original.trimEnd().split('\n');
  writeFileSync(changed, `${lines.slice(0, -3).join('\n')}\n`); // three events fewer
  try {
    const summary = await runEtl(db.warehouse, NEW, options);
    expect(summary.published).toEqual([days[3], days[20]]);
    const [row] = await db.warehouse.query<{ events: number }>('SELECT events FROM loaded_days WHERE day = :day', { day: days[20]! });
    expect(Number(row!.events)).toBe(lines.length - 3);
    const recorded = (await loadedFiles()).find((f) => f.day === days[20]);
    expect(Number(recorded!.size)).toBe(Buffer.byteLength(`${lines.slice(0, -3).join('\n')}\n`));
  } finally {
    writeFileSync(changed, original);
  }
  // The original content back (a new modification time): that day again, and the tables are the full load's.
  expect((await runEtl(db.warehouse, NEW, options)).published).toEqual([days[20]]);
  expect(await starSnapshot(db.warehouse)).toEqual(expected);
});

test('a day whose file fails its tests is not published, the days before it are, the run fails; the next run retries it', async () => {
  const bad = fileOf(days[7]!);
  const original = readFileSync(bad, 'utf8');
  // An event of another day in the day's file: the day's staging test refuses it.
  const [first] = original.split('\n');
  const event = JSON.parse(first!) as { ts: number };
  writeFileSync(bad, `${original.trimEnd()}\n${JSON.stringify({ ...event, ts: event.ts + 3 * 86_400_000 })}\n`);
  touch(days[5]!, 1_900_000_100);
  touch(days[9]!, 1_900_000_100);
  const recordedBefore = (await loadedFiles()).find((f) => f.day === days[7]);
  const error = (await runEtl(db.warehouse, NEW, options).catch((e: unknown) => e)) as Error & { exitCode: number };
  expect(error.exitCode).toBe(1);
  expect(error.message).toMatch(new RegExp(`^${days[7]} failed and was not published: .*Published before it: ${days[5]}\\. The next run \\(npm run etl -- --new\\) loads it again`, 's'));
  const [run] = await lastRuns(db.warehouse, 1);
  expect(run).toMatchObject({ mode: 'new', status: 'failed', days: days[5] });
  expect((await loadedFiles()).find((f) => f.day === days[7])).toEqual(recordedBefore);

  writeFileSync(bad, original); // fixed (a new version again)
  const retried: EtlRunSummary = await runEtl(db.warehouse, NEW, options);
  expect(retried.published).toEqual([days[7], days[9]]);
  expect(await starSnapshot(db.warehouse)).toEqual(expected);
});

test('with a deadline that leaves no time for a day, nothing is started and the days are left for the next run', async () => {
  touch(days[1]!, 1_900_000_200);
  touch(days[2]!, 1_900_000_200);
  const summary = await runEtl(db.warehouse, NEW, { ...options, deadline: Date.now() + 5_000 });
  expect(summary).toMatchObject({ status: 'failed', stopped: 'budget', published: [], remaining: [days[1], days[2]] });
  expect(summary.reason).toMatch(new RegExp(`^Stopped by the time budget after 0 days: 2 days are left \\(${days[1]} to ${days[2]}\\) for the next run\\. A day is estimated at \\d+ s`));
  // A generous deadline: both days.
  expect((await runEtl(db.warehouse, NEW, { ...options, deadline: Date.now() + 3_600_000 })).published).toEqual([days[1], days[2]]);
});
