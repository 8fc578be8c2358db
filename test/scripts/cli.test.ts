/** The scripts as a user runs them: exit codes, one-paragraph errors, and real output. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { rawEvents, rawSongs } from '../helpers/raw-sample';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(TSX, [join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
    input,
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

test('an unknown flag exits 2, in the one error style', () => {
  const { code, stderr } = run('etl.ts', ['--no-such-flag']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^Error: unknown option '--no-such-flag'/);
});

test('every script prints its version with --version and says npm run <script> -- in its help', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const script of ['etl', 'query', 'analytics', 'data-api', 'generate', 'bench']) {
    const { code, stdout } = run(`${script}.ts`, ['--version']);
    expect({ script, code, stdout: stdout.trim() }).toEqual({ script, code: 0, stdout: version });
  }
  expect(run('generate.ts', ['--help']).stdout).toMatch(/^Usage: npm run generate -- /);
});

test('a source folder in the wrong layout is a bad path (2) found before anything runs; --json says so as an object', () => {
  const source = join(scratch, 'flat');
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'events.json'), '{}');
  const dataDir = join(scratch, 'flat-pgdata');
  const { code, stdout, stderr } = run('etl.ts', ['--json', '--source', source, '--data-dir', dataDir]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^Error: The source folder .* is not laid out like the bucket: nothing in it matches song_data/);
  expect(JSON.parse(stdout)).toEqual({ ok: false, error: { kind: 'ConfigError', message: expect.stringMatching(/not laid out like the bucket/), exitCode: 2 } });
  expect(existsSync(dataDir)).toBe(false);
});

test('a failed step is marked failed, never ticked, and --json names it in the error object', () => {
  const source = join(scratch, 'broken-events');
  cpSync(join(ROOT, 'data', 'sample'), source, { recursive: true });
  writeFileSync(join(source, 'log_data', '2018', '11', '2018-11-05-events.json'), '{"artist": "A", "ts": \n');
  const { code, stdout, stderr } = run('etl.ts', ['--json', '--source', source, '--data-dir', join(scratch, 'broken-pgdata')]);
  expect(code).toBe(1);
  const { error } = JSON.parse(stdout) as { error: { kind: string; step: string; exitCode: number } };
  expect(error).toMatchObject({ kind: 'LoadError', step: 'load staging_events', exitCode: 1 });
  expect(stderr).toMatch(/✘ load staging_events/);
  expect(stderr).not.toMatch(/✔ load staging_events/);
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
      'drop build tables',
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
    expect(table.stdout).toMatch(/^ level │ users\n/);
    const json = run('query.ts', ['SELECT COUNT(*) AS n FROM songplays WHERE song_id IS NOT NULL', '--json', '--data-dir', dataDir()]);
    expect(JSON.parse(json.stdout)).toMatchObject({ columns: [{ name: 'n' }], rows: [[1]] });
  });

  test('relative paths are relative to the folder the command was run in (npm run sets INIT_CWD)', () => {
    const here = join(scratch, 'sql');
    mkdirSync(here, { recursive: true });
    const npm = { INIT_CWD: here, npm_lifecycle_event: 'analytics' };
    const { code } = run('analytics.ts', ['--only', 'gender', '--html', 'r.html', '--data-dir', relative(here, dataDir())], npm);
    expect(code).toBe(0);
    expect(existsSync(join(here, 'r.html'))).toBe(true);
    expect(existsSync(join(ROOT, 'r.html'))).toBe(false);
  });

  test('query runs the project\'s SQL files as they are, comments first, from the argument or -f', () => {
    const gender = readFileSync(join(ROOT, 'sql', 'analytics', 'gender.sql'), 'utf8');
    const fromArgument = run('query.ts', [gender, '--data-dir', dataDir()]);
    expect(fromArgument.code).toBe(0);
    expect(fromArgument.stdout).toMatch(/^ gender │ users │ pct_users │ plays │ pct_plays\n/);
    expect(fromArgument.stdout).toMatch(/\(2 rows\)/);
    const fromFile = run('query.ts', ['-f', 'sql/analytics/gender.sql', '--data-dir', dataDir()]);
    expect(fromFile.stdout).toBe(fromArgument.stdout);
  });

  test('query keeps columns of the same name apart, in the table and in --json; numbers grouped only on the terminal', () => {
    const table = run('query.ts', ['SELECT 1, 2, 1234567 AS n', '--data-dir', dataDir()]);
    expect(table.stdout).toBe(' ?column? │ ?column? │ n\n──────────┼──────────┼───────────\n        1 │        2 │ 1,234,567\n(1 row)\n\n');
    const json = JSON.parse(run('query.ts', ['SELECT 1, 2, 1234567 AS n', '--json', '--data-dir', dataDir()]).stdout);
    expect(json).toEqual({
      command: 'SELECT 1',
      columns: [{ name: '?column?', type: 'int4' }, { name: '?column?', type: 'int4' }, { name: 'n', type: 'int4' }],
      rows: [[1, 2, 1234567]],
      rowCount: 1,
    });
  });

  test('query says what a statement did, as psql does; --read-only refuses writes; stdin works', () => {
    const script = 'CREATE TABLE scratch AS SELECT user_id FROM users; DELETE FROM scratch WHERE user_id < 50; INSERT INTO scratch VALUES (1), (2); DROP TABLE scratch;';
    const { code, stdout } = run('query.ts', ['--data-dir', dataDir()], {}, script);
    expect(code).toBe(0);
    const deleted = Number(/^DELETE (\d+)$/m.exec(stdout)?.[1]);
    expect(stdout).toBe(`SELECT ${/^SELECT (\d+)$/m.exec(stdout)?.[1]}\nDELETE ${deleted}\nINSERT 0 2\nDROP TABLE\n`);
    expect(deleted).toBeGreaterThan(0);
    const refused = run('query.ts', ['--read-only', 'DELETE FROM users', '--data-dir', dataDir()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--read-only refuses this statement: DELETE can change data/);
  });

  test('a syntax error shows its line with a caret under the position', () => {
    const { code, stderr } = run('query.ts', ['SELECT user_id\nFROM users\nWHERE level = = 1', '--data-dir', dataDir()]);
    expect(code).toBe(1);
    expect(stderr).toContain('syntax error at or near "="');
    expect(stderr).toContain('LINE 3: WHERE level = = 1\n                      ^\n');
  });

  test('a large result shows its first rows and says how many there are and how to get them all', () => {
    const { stdout } = run('query.ts', ['SELECT songplay_id FROM songplays', '--data-dir', dataDir()]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 100 + 1);
    expect(lines[lines.length - 1]).toBe('(6,820 rows; the first 100 shown: --limit <n> shows more, --all shows every row, --csv > file.csv writes them all)');
    const csv = run('query.ts', ['SELECT songplay_id, user_id FROM songplays', '--csv', '--data-dir', dataDir()]).stdout.split('\r\n');
    expect(csv).toHaveLength(1 + 6820 + 1);
    expect(csv[0]).toBe('songplay_id,user_id');
    const expanded = run('query.ts', ['SELECT user_id, level FROM users ORDER BY user_id', '-x', '--limit', '1', '--data-dir', dataDir()]).stdout;
    expect(expanded).toMatch(/^-\[ RECORD 1 \]─+\nuser_id │ \d+\nlevel   │ (free|paid)\n\(\d+ rows; the first 1 shown by --limit\)\n/);
  });

  test('DATEADD on a date literal, valid Redshift, runs locally', () => {
    const { code, stdout } = run('query.ts', ["SELECT DATEADD(day, -7, '2018-11-30') AS d", '--data-dir', dataDir()]);
    expect(code).toBe(0);
    expect(stdout).toContain('2018-11-23 00:00:00');
  });

  test('a query the translator cannot handle exits 1 naming the construct', () => {
    const { code, stderr } = run('query.ts', ['SELECT MEDIAN(song_length) FROM songplays', '--data-dir', dataDir()]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot translate MEDIAN\(\)/);
  });
});
