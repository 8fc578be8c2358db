/** The scripts as a user runs them: exit codes, one-paragraph errors, and real output. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rawEvents, rawSongs } from '../helpers/raw-sample';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(TSX, [join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sparkify-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('etl --help describes every flag and the exit codes, and exits 0', () => {
  const { code, stdout } = run('etl.ts', ['--help']);
  expect(code).toBe(0);
  for (const flag of ['--source', '--target', '--data-dir', '--max-errors', '--fresh', '--json', '--quiet']) expect(stdout).toContain(flag);
  expect(stdout).toMatch(/Exit codes:/);
});

test('help into a pipe closed before it is written (| head, | true) exits 0 without a stack trace', () => {
  // `true` exits without reading, long before tsx has started: the help is written into a closed pipe.
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `"${TSX}" scripts/etl.ts --help | true`], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
  expect(result.status).toBe(0);
});

test('an unknown flag exits 2', () => {
  const { code, stderr } = run('etl.ts', ['--no-such-flag']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/unknown option '--no-such-flag'/);
});

test('a missing source folder exits 2 with one paragraph naming the path, no stack trace', () => {
  const missing = join(scratch, 'no-such-folder');
  const { code, stderr } = run('etl.ts', ['--source', missing, '--data-dir', join(scratch, 'unused')]);
  expect(code).toBe(2);
  expect(stderr).toContain(`The source folder ${missing} (from --source) does not exist`);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('a bad --max-errors exits 2 naming the flag', () => {
  const { code, stderr } = run('etl.ts', ['--max-errors', 'many']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/--max-errors must be a whole number/);
});

test('query before any ETL says to run the ETL first and exits 1', () => {
  const { code, stderr } = run('query.ts', ['SELECT 1', '--data-dir', join(scratch, 'never-loaded')]);
  expect(code).toBe(1);
  expect(stderr).toMatch(/run npm run etl first/);
});

describe('a real run on the sample', () => {
  const dataDir = () => join(scratch, 'pgdata');
  let etl: ReturnType<typeof run>;
  beforeAll(() => {
    etl = run('etl.ts', ['--json', '--data-dir', dataDir()]);
  });

  test('etl --json prints a summary with the target, every step and the table counts', () => {
    expect(etl.code).toBe(0);
    const summary = JSON.parse(etl.stdout);
    expect(summary.target).toBe('local');
    const events = rawEvents(join(ROOT, 'data', 'sample'));
    const songs = rawSongs(join(ROOT, 'data', 'sample'));
    const plays = events.filter((e) => e.page === 'NextSong');
    expect(summary.tables).toEqual({
      songs: new Set(songs.map((s) => s.song_id)).size,
      artists: new Set(songs.map((s) => s.artist_id)).size,
      users: new Set(events.map((e) => e.userId).filter((id) => id !== '')).size,
      songplays: plays.length,
      time: new Set(plays.map((e) => e.ts)).size,
      user_agents: new Set(plays.map((e) => e.userAgent)).size,
    });
    expect(summary.steps.map((s: { step: string }) => s.step)).toEqual([
      'create staging tables',
      'load staging_songs',
      'check staging_songs',
      'load staging_events',
      'check staging_events',
      'build star tables',
      'check star tables',
      'publish star tables',
    ]);
    expect(summary.peakRssBytes).toBeGreaterThan(0);
  });

  test('progress says which target it uses and why, and each step with rows and time', () => {
    expect(etl.stderr).toMatch(/^Target: local \(the default: no Redshift target is configured\)/m);
    expect(etl.stderr).toMatch(/✔ load staging_events\s+8,056 rows\s+[\d.]+ m?s/);
  });

  test('query prints a table, and --json prints rows', () => {
    const table = run('query.ts', ['SELECT level, COUNT(*) AS users FROM users GROUP BY level ORDER BY level', '--data-dir', dataDir()]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ level │ users │/);
    const json = run('query.ts', ['SELECT COUNT(*) AS n FROM songplays WHERE song_id IS NOT NULL', '--json', '--data-dir', dataDir()]);
    expect(JSON.parse(json.stdout)).toEqual([{ n: 1 }]);
  });

  test('a query the translator cannot handle exits 1 naming the construct', () => {
    const { code, stderr } = run('query.ts', ['SELECT MEDIAN(song_length) FROM songplays', '--data-dir', dataDir()]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot translate MEDIAN\(\)/);
  });
});
