/** npm run analytics as a user runs it: flags, exit codes, one-paragraph errors, and its three outputs. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EMPTY_WAREHOUSE } from '../../lib/analytics/answer-questions';
import { QUESTIONS } from '../../lib/analytics/questions';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { plays, users } from './sample-answers';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function analytics(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPARKIFY_')));
  const result = spawnSync(TSX, [join(ROOT, 'scripts', 'analytics.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A warehouse folder no process holds open: the script opens it itself. */
async function warehouseFolder(load: boolean): Promise<string> {
  const db = await openTestWarehouse();
  if (load) await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
  await db.warehouse.close();
  return db.dataDir;
}

const oneParagraph = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

let scratch: string;
let empty: string;
let loaded: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sparkify-analytics-cli-'));
  empty = await warehouseFolder(false);
  loaded = await warehouseFolder(true);
});
afterAll(() => {
  for (const dir of [scratch, dirname(empty ?? ''), dirname(loaded ?? '')]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--help lists the flags, the questions and the exit codes', () => {
  const { code, stdout } = analytics('--help');
  expect(code).toBe(0);
  for (const flag of ['--json', '--html <file>', '--only <names>', '--data-dir']) expect(stdout).toContain(flag);
  for (const q of QUESTIONS) expect(stdout).toContain(`  ${q.name}\n`);
  expect(stdout).toMatch(/Exit codes:/);
});

test('an unknown --only name exits 2 and lists the valid names', () => {
  const { code, stderr } = analytics('--only', 'popular_songs', '--data-dir', loaded);
  expect(code).toBe(2);
  expect(stderr).toContain(`Unknown question "popular_songs". The questions are: ${QUESTIONS.map((q) => q.name).join(', ')}.`);
  oneParagraph(stderr);
});

test('--html into a folder that does not exist exits 2 before querying', () => {
  const { code, stderr } = analytics('--html', join(scratch, 'no-such-folder', 'report.html'), '--data-dir', loaded);
  expect(code).toBe(2);
  expect(stderr).toMatch(/the folder .*no-such-folder does not exist/);
});

test('before any ETL: no warehouse at all, or one with no tables, exits 1 saying to run the ETL', () => {
  const none = analytics('--data-dir', join(scratch, 'never-created'));
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/^Error: The warehouse is empty.*run npm run etl first\.\n$/);
  const noTables = analytics('--data-dir', empty);
  expect(noTables).toEqual({ code: 1, stdout: '', stderr: `Error: ${EMPTY_WAREHOUSE}\n` });
});

test('the terminal output: each question, its answer and its rows as a table', () => {
  const { code, stdout, stderr } = analytics('--only', 'gender,top_users', '--data-dir', loaded);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^top_users: Which users played the most songs\?\n→ .+\n user_id │ first_name │/m);
  expect(stdout).toMatch(/^gender: Do we have more female or male users\?\n→ More (female|male) users: /m);
  expect(stdout.indexOf('top_users:')).toBeLessThan(stdout.indexOf('gender:'));
  expect(stderr).toMatch(/^2 questions answered in /);
});

test('--json gives every question with its answer and rows', () => {
  const { code, stdout } = analytics('--json', '--data-dir', loaded);
  expect(code).toBe(0);
  const doc = JSON.parse(stdout) as { questions: { name: string; question: string; answer: string; rows: Record<string, number>[] }[] };
  expect(doc.questions.map((q) => q.name)).toEqual(QUESTIONS.map((q) => q.name));
  const level = doc.questions.find((q) => q.name === 'free_vs_paid')!;
  expect(level.rows.reduce((n, r) => n + r['users']!, 0)).toBe(users.length);
  expect(level.rows.reduce((n, r) => n + r['plays']!, 0)).toBe(plays.length);
});

test('--html writes one self-contained page and prints nothing on stdout', () => {
  const file = join(scratch, 'report.html');
  const { code, stdout, stderr } = analytics('--html', file, '--data-dir', loaded);
  expect(code).toBe(0);
  expect(stdout).toBe('');
  expect(stderr).toContain(`report written to ${file}`);
  expect(existsSync(file)).toBe(true);
  const html = readFileSync(file, 'utf8');
  expect(html.match(/<section /g)).toHaveLength(QUESTIONS.length);
  // The charts are SVG drawn at build time: no script, and nothing to fetch.
  expect(html.match(/<svg /g)!.length).toBeGreaterThan(0);
  expect(html).not.toMatch(/<script\b|<(link|img)\b[^>]*\b(src|href)=/);
});
