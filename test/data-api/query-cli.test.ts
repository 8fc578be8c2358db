/**
 * `npm run query --target redshift`, end to end: the script in its own process, through the real AWS SDK, to
 * the local Data API endpoint. Covers what only the Redshift path does: columns and rows rebuilt from
 * GetStatementResult pages, command tags from DescribeStatement's ResultRows, --read-only by the statement's
 * words, the caret from the service's "Position: n", and a result cut after the shown rows.
 */
import { ListStatementsCommand } from '@aws-sdk/client-redshift-data';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { endpointEnvironment, type LocalEndpoint, startLocalEndpoint } from './local-endpoint';

const ROOT = resolve(__dirname, '..', '..');

type Outcome = { code: number | null; stdout: string; stderr: string };

let local: LocalEndpoint;
/** Every run starts at once in beforeAll (the launches are the cost); each test then reads its outcome. */
let outcomes: Record<string, Outcome>;

function query(args: string[], url: string): Promise<Outcome> {
  const env = endpointEnvironment(url);
  const flags = ['--target', 'redshift', '--workgroup', 'sparkify', '--database', 'dev', '--region', 'us-west-2'];
  return new Promise((done) => {
    // As npm run does: node --require tsx/cjs, one process where the tsx binary starts two.
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts', 'query.ts'), ...flags, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // The tables belong to the local superuser; the endpoint runs statements as one too, so it may delete.
  local = await startLocalEndpoint({ databaseUsers: 'superuser' });
  await local.db.warehouse.run([
    { sql: "CREATE TABLE people AS WITH RECURSIVE g (id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM g WHERE id < 250) SELECT id, 'name ' || id AS name FROM g" },
    { sql: 'CREATE TABLE scratch AS SELECT id FROM people WHERE id <= 100' },
  ]);
  const runs: Record<string, string[]> = {
    json: ['--json', 'SELECT 1 AS a, 2 AS a, 1234567 AS big'],
    csv: ['--csv', 'SELECT id, name AS id FROM people WHERE id <= 2 ORDER BY 1'],
    delete: ['DELETE FROM scratch WHERE id <= 75'],
    readOnly: ['--read-only', 'DELETE FROM people'],
    syntax: ['SELECT id,\n       name\n  FORM people'],
    large: ['SELECT id FROM people ORDER BY id'],
  };
  const url = local.endpoint.url;
  const results = await Promise.all(Object.values(runs).map((args) => query(args, url)));
  outcomes = Object.fromEntries(Object.keys(runs).map((name, i) => [name, results[i]!]));
});

afterAll(() => local?.dispose());

test('repeated column names stay apart in --json (rows are arrays) with exact numbers', () => {
  const { code, stdout, stderr } = outcomes['json']!;
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const document = JSON.parse(stdout);
  expect(document.columns.map((c: { name: string }) => c.name)).toEqual(['a', 'a', 'big']);
  expect(document.rows).toEqual([[1, 2, 1234567]]);
  expect(document.rowCount).toBe(1);
});

test('repeated column names stay apart in --csv', () => {
  const { code, stdout } = outcomes['csv']!;
  expect(code).toBe(0);
  expect(stdout).toBe('id,id\r\n1,name 1\r\n2,name 2\r\n');
});

test("a DELETE says what it did, as psql does, from the service's ResultRows", async () => {
  const { code, stdout } = outcomes['delete']!;
  expect(code).toBe(0);
  expect(stdout.trim()).toBe('DELETE 75');
  expect(await local.db.warehouse.query('SELECT COUNT(*) AS n FROM scratch')).toEqual([{ n: 25 }]);
});

test('--read-only refuses a write before sending it (exit 2), and the table is untouched', async () => {
  const { code, stderr } = outcomes['readOnly']!;
  expect(code).toBe(2);
  expect(stderr).toMatch(/--read-only refuses this statement: DELETE can change data/);
  expect(await local.db.warehouse.query('SELECT COUNT(*) AS n FROM people')).toEqual([{ n: 250 }]);
  const { Statements } = await local.client.send(new ListStatementsCommand({ MaxResults: 100 }));
  expect(Statements!.map((s) => s.QueryString)).toContain('DELETE FROM scratch WHERE id <= 75');
  expect(Statements!.map((s) => s.QueryString)).not.toContain('DELETE FROM people');
});

test("a syntax error shows its line and a caret under the position the service gave, not the flattened SQL", () => {
  const { code, stderr } = outcomes['syntax']!;
  expect(code).toBe(1);
  expect(stderr).toContain('syntax error at or near "people"');
  expect(stderr).not.toMatch(/Position:/);
  expect(stderr).toContain('LINE 3:   FORM people\n               ^\n');
});

test('a large result shows the first 100 rows and says how many there were and how to get them all', () => {
  const { code, stdout } = outcomes['large']!;
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split('\n');
  expect(lines.filter((l) => /^\s*\d+$/.test(l))).toHaveLength(100);
  expect(lines.at(-1)).toBe('(250 rows; the first 100 shown: --limit <n> shows more, --all shows every row, --csv > file.csv writes them all)');
});
