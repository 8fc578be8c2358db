/**
 * npm run status after a full run, a failed day, days loaded again and a gap: the target, the runs with their
 * statuses, the days and the gaps, the table sizes, as text and as --json; --help, --version, bad flags; an
 * empty warehouse. (Through the local Data API endpoint: test/daily/data-api-and-cli.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { generate } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { type RunRequest, runEtl } from '../../lib/pipeline/etl-run';
import { localLogDays } from '../../lib/pipeline/local-files';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { ROOT } from '../helpers/processes';

const options = { sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest' };
const day = (d: string): RunRequest => ({ mode: 'day', from: d, to: d, strict: false, reloadCatalogue: false });

/** `npm run status -- …` as a user runs it, with no SPARKIFY_* settings from the environment. */
function status(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPARKIFY_')));
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts', 'status.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('a warehouse with a history', () => {
  let source: string;
  let dataDir: string;
  let days: string[];
  let counts: Record<string, number>;

  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-status-'));
    generate(resolveOptions({ out: source, events: 400, songs: 40, users: 10, days: 5, seed: 5, matchRate: 0.3, force: true }));
    const logFile = (d: string) => join(source, 'log_data', d.slice(0, 4), d.slice(5, 7), `${d}-events.json`);
    const all = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    expect(all).toHaveLength(5);
    unlinkSync(logFile(all[2]!)); // the third day has no log file: a gap
    days = all.filter((_, i) => i !== 2);
    const db = await openTestWarehouse({ 'udacity-dend': source });
    dataDir = db.dataDir;
    await runEtl(db.warehouse, { mode: 'full' }, options);
    await runEtl(db.warehouse, day(days[1]!), options);
    // A day that fails (a malformed event), then loads once the file is mended.
    const good = readFileSync(logFile(days[2]!), 'utf8');
    appendFileSync(logFile(days[2]!), '\n{"userId": "not a number", "page": "NextSong", "ts": 0}');
    await expect(runEtl(db.warehouse, day(days[2]!), options)).rejects.toThrow(/failed and was not published/);
    writeFileSync(logFile(days[2]!), good);
    await runEtl(db.warehouse, day(days[2]!), options);
    counts = {};
    for (const t of ['songplays', 'users', 'time', 'etl_runs']) counts[t] = Number((await db.warehouse.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
    await db.warehouse.close(); // the folder stays, for the command to read
  });
  afterAll(() => {
    rmSync(source, { recursive: true, force: true });
    rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  test('as text: the target, the runs newest first with their statuses, the days and the gap, the table sizes', () => {
    const run = status('--data-dir', dataDir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(new RegExp(`^Target: local PGlite warehouse .*${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(the default: no Redshift target is configured\\)\n\n`));
    const runLines = out.split('Last runs (newest first):\n')[1]!.split('\n\n')[0]!.split('\n').filter((l) => /\b(full|day)\b/.test(l));
    expect(runLines.map((l) => [/\b(full|day)\b/.exec(l)![1], /\b(succeeded|failed|interrupted|running)\b/.exec(l)![1]])).toEqual([
      ['day', 'succeeded'],
      ['day', 'failed'],
      ['day', 'succeeded'],
      ['full', 'succeeded'],
    ]);
    expect(runLines[0]).toContain(days[2]);
    expect(runLines[1]).toContain(`${days[2]} failed and was not published`.slice(0, 40));
    expect(runLines[3]).toMatch(/\ball\b/);
    expect(out).toContain(`Days loaded: 4 (${days[0]}…${days[1]}, ${days[2]}…${days[3]})`);
    const gap = new Date(Date.parse(`${days[1]}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
    expect(out).toContain(`Gaps: ${gap}\n`);
    for (const [table, n] of Object.entries(counts)) expect(out).toMatch(new RegExp(`^ ${table}\\s+│ ${n.toLocaleString('en-US')}$`, 'm'));
  });

  test('--json: target, runs, days, gaps and tables as one object; --runs limits the runs', () => {
    const run = status('--data-dir', dataDir, '--json', '--runs', '2');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown> & {
      runs: { mode: string; status: string; first_day: string; days: string | null; ended_at: string | null }[];
      days: { day: string; events: number; songplays: number; loaded_at: string }[];
      tables: Record<string, number>;
    };
    expect(Object.keys(json).sort()).toEqual(['days', 'files', 'gaps', 'runs', 'tables', 'target', 'warehouse']);
    expect(json['target']).toEqual({ kind: 'local', dataDir });
    expect(json.runs.map((r) => [r.mode, r.status, r.first_day, r.days])).toEqual([
      ['day', 'succeeded', days[2], days[2]],
      ['day', 'failed', days[2], null],
    ]);
    expect(json.runs.every((r) => r.ended_at !== null)).toBe(true);
    expect(json.days.map((d) => d.day)).toEqual(days);
    expect(json.days.reduce((a, d) => a + d.songplays, 0)).toBe(counts['songplays']);
    const gap = new Date(Date.parse(`${days[1]}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
    expect(json['gaps']).toEqual([[gap, gap]]);
    expect(json.tables).toMatchObject(counts);
  });
});

test('an empty warehouse says so; a missing one is an error; --help, --version, a bad --runs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sparkify-status-empty-'));
  try {
    const dataDir = join(root, 'pgdata');
    const missing = status('--data-dir', dataDir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^Error: .*no .*warehouse/im);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    await (await LocalWarehouse.open({ dataDir, s3Folders: {} })).close();
    const empty = status('--data-dir', dataDir);
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('Last runs (newest first):\n  none recorded (no run has written etl_runs yet)\n');
    expect(empty.stdout).toContain('Days loaded: none\nGaps: none\n');
    expect(empty.stdout).toContain('Tables: none yet (run npm run etl)');
    expect(empty.stdout).toContain('Files loaded: none recorded');
    expect(JSON.parse(status('--data-dir', dataDir, '--json').stdout)).toMatchObject({ runs: [], days: [], gaps: [], tables: {}, files: [] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const help = status('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^Usage: npm run status -- \[options\]/);
  expect(help.stdout).toMatch(/--json/);
  const version = status('--version');
  expect(version.status).toBe(0);
  expect(version.stdout).toContain((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  const bad = status('--runs', 'many');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--runs must be a whole number from 1 to 1000; got "many"/);
});
