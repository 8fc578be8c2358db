/** `npm run generate` as a user runs it: flags checked with one-paragraph errors and exit code 2. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './dataset';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[]) {
  const result = spawnSync(TSX, [join(ROOT, 'scripts', 'generate.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = tempDir('generate-cli');
afterAll(() => work.cleanup());

test('--help lists the flags and exits 0', () => {
  const { code, stdout } = run(['--help']);
  expect(code).toBe(0);
  for (const flag of ['--events', '--songs', '--users', '--days', '--seed', '--match-rate', '--near-miss-rate', '--out', '--force', '--json', '--quiet']) {
    expect(stdout).toContain(flag);
  }
});

test('bad values exit 2 with one paragraph naming each, no stack trace', () => {
  const { code, stdout, stderr } = run(['--out', join(work.dir, 'bad'), '--events', '12x', '--songs', '0', '--match-rate', '1.5']);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/--events must be a positive whole number .*"12x"/);
  expect(stderr).toMatch(/--songs must be a positive whole number/);
  expect(stderr).toMatch(/--match-rate must be a number from 0 to 1 .*"1.5"/);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(work.dir, 'bad'))).toBe(false);
});

test('an unknown flag or a missing --out exits 2', () => {
  expect(run(['--out', work.dir, '--bogus']).code).toBe(2);
  const { code, stderr } = run(['--events', '10']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/--out/);
});

test('refuses a non-empty folder unless --force, and never writes into the bundled sample', () => {
  const full = join(work.dir, 'full');
  expect(run(['--out', full, '--events', '50', '--songs', '5', '--quiet']).code).toBe(0);
  writeFileSync(join(full, 'notes.txt'), 'keep me');
  const refused = run(['--out', full, '--events', '50', '--songs', '5']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/not empty.*--force/);
  expect(run(['--out', full, '--events', '50', '--songs', '5', '--quiet', '--force']).code).toBe(0);
  expect(existsSync(join(full, 'notes.txt'))).toBe(true);

  const inSample = join(ROOT, 'data', 'sample', 'generated-by-test');
  const sample = run(['--out', inSample, '--events', '50', '--songs', '5', '--force']);
  expect(sample.code).toBe(2);
  expect(sample.stderr).toMatch(/bundled real sample/);
  expect(existsSync(inSample)).toBe(false);
});

test('--json prints one summary line on stdout; --quiet keeps stderr empty; otherwise progress on stderr', () => {
  const quiet = run(['--out', join(work.dir, 'json'), '--events', '300', '--songs', '20', '--seed', '9', '--json', '--quiet']);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
  expect(quiet.stdout.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(quiet.stdout)).toMatchObject({ seed: 9, events: 300, songs: 20, songFiles: 20, logFiles: 2, files: 23 });

  const chatty = run(['--out', join(work.dir, 'chatty'), '--events', '300', '--songs', '20']);
  expect(chatty.code).toBe(0);
  expect(chatty.stdout).toBe('');
  expect(chatty.stderr).toMatch(/20 song files written/);
  expect(chatty.stderr).toMatch(/wrote 300 events and 20 songs/);
});
