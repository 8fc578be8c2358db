/**
 * End to end: the whole `npm run etl`, in its own process, through the real AWS SDK to the local Data API
 * endpoint — nothing changed but AWS_ENDPOINT_URL — builds exactly the tables the local
 * target builds, and its --json summary shows what the Data API cost.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListStatementsCommand } from '@aws-sdk/client-redshift-data';
import { join, resolve } from 'node:path';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { STAGING_TABLES, STAR_TABLES } from '../../lib/pipeline/tables';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';
import { endpointEnvironment, type LocalEndpoint, startLocalEndpoint } from './local-endpoint';

const ROOT = resolve(__dirname, '..', '..');

type Outcome = { code: number | null; stdout: string; stderr: string };

/**
 * Runs a script like `npm run` does, without blocking this process: the endpoint answers from here.
 * `whileRunning` may act on the running process (send it Ctrl-C).
 */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, whileRunning?: (child: ChildProcess) => void): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
    whileRunning?.(child);
  });
}

const REDSHIFT_FLAGS = ['--target', 'redshift', '--workgroup', 'sparkify', '--database', 'dev', '--region', 'us-west-2'];

/** A table's full contents, in a stable order. */
async function contents(warehouse: Warehouse, table: string): Promise<string[]> {
  return (await warehouse.query(`SELECT * FROM ${table}`)).map((row) => JSON.stringify(row)).sort();
}

describe('npm run etl --target redshift through the local endpoint', () => {
  let local: TestWarehouse;
  let localSummary: Awaited<ReturnType<typeof runPipeline>>;
  let remote: LocalEndpoint;
  let etl: Outcome;

  beforeAll(async () => {
    local = await openTestWarehouse();
    localSummary = await runPipeline(local.warehouse, { sources: DEFAULT_SOURCES });
    remote = await startLocalEndpoint();
    etl = await runScript('etl.ts', [...REDSHIFT_FLAGS, '--json'], endpointEnvironment(remote.endpoint.url));
  });
  afterAll(async () => {
    await remote?.dispose();
    await local?.dispose();
  });

  test('succeeds, on the Redshift target, with the same counts and data tests as the local run', () => {
    expect(etl.code).toBe(0);
    expect(etl.stderr).toMatch(/^Target: redshift \(chosen by --target\)\n/);
    // The endpoint answers ResultRows 0 for every COPY, as users report the service doing: the loads still count.
    expect(JSON.parse(etl.stdout).steps.find((s: { step: string }) => s.step === 'load staging_events').rows).toBe(8056);
    // No error and no warning but the data tests' own (the sample's double-encoded names).
    const dataTestWarnings = /double-encoded UTF-8 \(warns\)|\d+ tests, \d+ warnings?/;
    expect(etl.stderr.split('\n').filter((line) => !dataTestWarnings.test(line)).join('\n')).not.toMatch(/error|warning/i);
    const summary = JSON.parse(etl.stdout);
    expect(summary.target).toBe('redshift');
    expect(summary.warehouse).toMatch(`through the Data API at ${remote.endpoint.url}, signed in with IAM temporary credentials`);
    expect(summary.tables).toEqual(localSummary.tables);
    expect(summary.checks).toEqual(localSummary.checks);
    expect(summary.rejected).toEqual([]);
  });

  test.each([...STAR_TABLES, ...STAGING_TABLES.map((t) => t.name)])('builds exactly the same %s, row for row', async (table) => {
    const expected = await contents(local.warehouse, table);
    expect(expected.length).toBeGreaterThan(0);
    expect(await contents(remote.db.warehouse, table)).toEqual(expected);
  });

  test('the summary counts the Data API calls and the time spent polling: about a second at most added to a statement', () => {
    const { dataApi } = JSON.parse(etl.stdout);
    expect(dataApi.statements).toBeGreaterThan(10);
    expect(dataApi.calls.ExecuteStatement + dataApi.calls.BatchExecuteStatement).toBe(dataApi.statements);
    expect(dataApi.calls.DescribeStatement).toBeGreaterThanOrEqual(dataApi.statements);
    expect(dataApi.calls.GetStatementResult).toBeGreaterThan(0);
    expect(dataApi.totalCalls).toBe(Object.values(dataApi.calls as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(dataApi.overheadMs).toBe(dataApi.pollingMs - dataApi.statementMs);
    // The cap between polls is 1 s; a round trip on a loaded test machine adds a little to the worst case.
    expect(dataApi.maxOverheadMs).toBeLessThan(1250);
    expect(dataApi.overheadMs / dataApi.statements).toBeLessThan(1000);
  });

  test('--new and --date run offline too (S3 from the endpoint): nothing new after the full load, a day loaded, the files with their ETags', async () => {
    const env = endpointEnvironment(remote.endpoint.url);
    const fresh = await runScript('etl.ts', [...REDSHIFT_FLAGS, '--new'], env);
    expect(fresh.stderr).toMatch(/^Nothing new: the 30 days under s3:\/\/udacity-dend\/log_data are loaded from their current files\.$/m);
    expect(fresh.code).toBe(0);
    const day = await runScript('etl.ts', [...REDSHIFT_FLAGS, '--date', '2018-11-05'], env);
    expect(day.stderr).toMatch(/^Published 2018-11-05 \(1\/1\): \d+ plays/m);
    expect(day.code).toBe(0);
    // (npm run status reads these through the Data API: test/daily/data-api-and-cli.test.ts.)
    const runs = await remote.db.warehouse.query<{ mode: string; status: string }>('SELECT mode, status FROM etl_runs ORDER BY started_at DESC');
    expect(runs.map((r) => [r.mode, r.status])).toEqual([['day', 'succeeded'], ['new', 'succeeded'], ['full', 'succeeded']]);
    const files = await remote.db.warehouse.query<{ day: string; uri: string; version: string }>('SELECT day, uri, version FROM loaded_files');
    expect(files).toHaveLength(30);
    const file = files.find((f) => f.day === '2018-11-05')!;
    expect(file.uri).toBe('s3://udacity-dend/log_data/2018/11/2018-11-05-events.json');
    // S3's ETag of a single-part upload: the hex MD5 of the content, in quotes.
    const md5 = createHash('md5').update(readFileSync(join(ROOT, 'data', 'sample', 'log_data', '2018', '11', '2018-11-05-events.json'))).digest('hex');
    expect(file.version).toBe(`"${md5}"`);
    for (const table of STAR_TABLES) expect(await contents(remote.db.warehouse, table)).toEqual(await contents(local.warehouse, table));
  });
});

test.each([
  [
    'a COPY role the namespace does not have attached',
    { SPARKIFY_IAM_ROLE: 'arn:aws:iam::000000000000:role/someone-else' },
    /^Error: COPY names the IAM role arn:aws:iam::000000000000:role\/someone-else \(SPARKIFY_IAM_ROLE, or RoleArn in cdk-outputs\.json\), but the namespace sparkify does not have it attached/m,
  ],
  ['a workgroup that is not there', { SPARKIFY_WORKGROUP: 'elsewhere' }, /^Error: There is no Redshift Serverless workgroup "elsewhere" in us-west-2 .* --workgroup \(SPARKIFY_WORKGROUP\)/m],
])('the preflight stops npm run etl before any statement: %s (exit 2)', async (_, env, message) => {
  const remote = await startLocalEndpoint();
  try {
    const flags = REDSHIFT_FLAGS.filter((f, i, all) => !('SPARKIFY_WORKGROUP' in env && (f === '--workgroup' || all[i - 1] === '--workgroup')));
    const etl = await runScript('etl.ts', flags, { ...endpointEnvironment(remote.endpoint.url), ...env });
    expect(etl.stderr).toMatch(message);
    expect(etl.code).toBe(2);
    expect((await remote.client.send(new ListStatementsCommand({}))).Statements).toEqual([]);
  } finally {
    await remote.dispose();
  }
});

test('Ctrl-C during npm run etl cancels the statement running on Redshift and exits 130', async () => {
  const remote = await startLocalEndpoint({ faults: { statementDelayMs: 500 } });
  try {
    const sendCtrlCOnceAStatementRuns = async (child: ChildProcess) => {
      while ((await remote.client.send(new ListStatementsCommand({ Status: 'STARTED' }))).Statements!.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGINT');
    };
    const etl = await runScript('etl.ts', REDSHIFT_FLAGS, endpointEnvironment(remote.endpoint.url), (child) => void sendCtrlCOnceAStatementRuns(child));
    expect(etl.code).toBe(130);
    expect(etl.stderr).toContain('Interrupted: cancelling the statement running on Redshift');
    expect(etl.stderr).toMatch(/\nError: Interrupted: .* was cancelled on Redshift \(Data API statement [0-9a-f-]{36}\), so neither it nor its transaction took effect\.\n$/);
    const aborted = await remote.client.send(new ListStatementsCommand({ Status: 'ABORTED' }));
    expect(aborted.Statements).toHaveLength(1);
  } finally {
    await remote.dispose();
  }
});
