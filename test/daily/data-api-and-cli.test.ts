/**
 * Daily loads through the local Data API endpoint (the Redshift path: batches, parameters, transactions),
 * the bad-input rules of the command line, and npm run status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_SOURCES } from '../../lib/config';
import { SparkifyError } from '../../lib/errors';
import { generate } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { parseRunRequest, planDays, runEtl } from '../../lib/pipeline/etl-run';
import { localLogDays } from '../../lib/pipeline/local-files';
import { logDays } from '../../lib/pipeline/log-days';
import { s3Files } from '../../lib/pipeline/source-files';
import { ClaimLostError, RunInProgressError } from '../../lib/pipeline/run-ledger';
import { formatStatus, warehouseStatus } from '../../lib/pipeline/warehouse-status';
import { RedshiftDataApiWarehouse } from '../../lib/warehouse/redshift/redshift-warehouse';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { startLocalEndpoint, type LocalEndpoint } from '../data-api/local-endpoint';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { shuffled, starSnapshot } from '../helpers/star-snapshot';
import { refusalOf } from '../helpers/refusal';

const ROOT = resolve(__dirname, '..', '..');
const options = { sources: DEFAULT_SOURCES, target: 'test', runBy: 'jest' };

describe('through the local Data API endpoint', () => {
  let source: string;
  let remote: LocalEndpoint;
  let redshift: RedshiftDataApiWarehouse;
  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-daily-api-'));
    generate(resolveOptions({ out: source, events: 900, songs: 100, users: 20, days: 4, seed: 3, matchRate: 0.3, force: true }));
    // Its S3 side lists the source 3 keys a page, so that every listing takes several.
    remote = await startLocalEndpoint({ s3: { folders: { 'udacity-dend': source }, pageSize: 3 } }, { 'udacity-dend': source });
    redshift = new RedshiftDataApiWarehouse({ workgroupName: 'sparkify', database: 'dev', region: 'us-west-2', client: remote.client, polling: { firstMs: 2, capMs: 20 } });
  });
  afterAll(async () => {
    await redshift?.close();
    await remote?.dispose();
    rmSync(source, { recursive: true, force: true });
  });

  test('every day, shuffled, one twice, equals one full load (made on the local target)', async () => {
    const local = await openTestWarehouse({ 'udacity-dend': source });
    let expected;
    try {
      await runEtl(local.warehouse, { mode: 'full' }, options);
      expected = await starSnapshot(local.warehouse);
    } finally {
      await local.dispose();
    }
    const days = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    const order = shuffled(days, 5);
    order.push(order[0]!);
    for (const [i, d] of order.entries()) {
      await runEtl(redshift, { mode: 'day', from: d, to: d, strict: false, reloadCatalogue: i === 0 }, options);
    }
    expect(await starSnapshot(redshift)).toEqual(expected);
    const [run] = await redshift.query<{ status: string; mode: string }>('SELECT status, mode FROM etl_runs ORDER BY started_at DESC LIMIT 1');
    expect(run).toEqual({ status: 'succeeded', mode: 'day' });
  });

  test('the status npm run status prints, read through the Data API: every run, the days, no gap, the table sizes', async () => {
    const days = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    const status = await warehouseStatus(redshift, 3);
    expect(status.runs.map((r) => [r.mode, r.status, r.first_day === r.last_day, r.days === r.first_day])).toEqual(Array(3).fill(['day', 'succeeded', true, true]));
    expect(status.runs[0]!.first_day).toBe(shuffled(days, 5)[0]); // the day loaded twice, last
    expect(status.days.map((d) => d.day)).toEqual(days);
    expect(status.gaps).toEqual([]);
    const [plays] = await redshift.query<{ n: number }>('SELECT COUNT(*) AS n FROM songplays');
    expect(status.tables['songplays']).toBe(Number(plays!.n));
    expect(status.tables['etl_runs']).toBe(days.length + 1);
    const text = formatStatus(status);
    expect(text).toContain(`Days loaded: ${days.length} (${days[0]}…${days[days.length - 1]})\nGaps: none\n`);
    expect(text).toMatch(new RegExp(`^ songplays\\s+│ +${Number(plays!.n).toLocaleString('en-US')}$`, 'm'));
  });

  test('a run is refused while another run\'s heartbeat is fresh (however long ago it started), takes over once it has stopped; two started together: one loads', async () => {
    const [d] = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    const guarded = { ...options, staleAfterHours: 6 };
    const before = await starSnapshot(redshift);
    // A long backfill: started ten hours ago by the client's clock, its heartbeat renewed just now by the warehouse's.
    const tenHoursAgo = new Date(Date.now() - 10 * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
    const other = { mode: 'range', started_at: tenHoursAgo, target: 'redshift sparkify/dev', run_by: 'ops@batch as etl' };
    await redshift.run([
      {
        sql: "INSERT INTO etl_runs (run_id, mode, started_at, heartbeat_at, status, target, run_by) VALUES ('other-run', :mode, CAST(:started_at AS TIMESTAMP), GETDATE(), 'running', :target, :run_by)",
        params: other,
      },
    ]);
    const runsBefore = (await redshift.query('SELECT run_id FROM etl_runs')).length;
    const error = await runEtl(redshift, { mode: 'day', from: d!, to: d!, strict: false, reloadCatalogue: false }, guarded).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInProgressError);
    expect((error as RunInProgressError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(
      /^Not started: run other-run \(range, started .* UTC by ops@batch as etl; its last heartbeat was \d+ s ago by the warehouse's clock\) holds this warehouse/,
    );
    expect((await redshift.query('SELECT run_id FROM etl_runs')).length).toBe(runsBefore); // no row of its own
    // Its heartbeat stops: seven hours later by the warehouse's clock, it no longer holds the warehouse.
    await redshift.run([{ sql: "UPDATE etl_runs SET heartbeat_at = DATEADD(hour, -7, GETDATE()) WHERE run_id = 'other-run'" }]);
    const both = await Promise.allSettled([1, 2].map(() => runEtl(redshift, { mode: 'day', from: d!, to: d!, strict: false, reloadCatalogue: false }, guarded)));
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(RunInProgressError);
    expect(await starSnapshot(redshift)).toEqual(before);
    const [closed] = await redshift.query<{ status: string; ended: boolean; message: string }>(
      "SELECT status, ended_at IS NOT NULL AS ended, message FROM etl_runs WHERE run_id = 'other-run'",
    );
    expect(closed).toEqual({ status: 'killed', ended: true, message: expect.stringMatching(/^killed: no heartbeat since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; noticed by run [0-9a-f-]{36}$/) });
    await redshift.run([{ sql: "DELETE FROM etl_runs WHERE run_id = 'other-run'" }]);
  });

  test('--new lists the source from the endpoint (AWS_ENDPOINT_URL): days loaded before their files were recorded once, then nothing, then a changed day', async () => {
    const days = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIALOCALTEST';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'local-secret';
    const last = days[days.length - 1]!;
    const file = join(source, 'log_data', last.slice(0, 4), last.slice(5, 7), `${last}-events.json`);
    const original = readFileSync(file, 'utf8');
    try {
      const newRun = { ...options, listFiles: s3Files('us-west-2', { AWS_ENDPOINT_URL: remote.endpoint.url }) };
      expect((await runEtl(redshift, { mode: 'new' }, newRun)).published).toEqual(days);
      expect((await runEtl(redshift, { mode: 'new' }, newRun)).message).toMatch(/^Nothing new: the \d+ days under s3:\/\/udacity-dend\/log_data are loaded/);
      const lines = original.trimEnd().split('\n');
      writeFileSync(file, `${lines.slice(1).join('\n')}\n`); // one event fewer
      expect((await runEtl(redshift, { mode: 'new' }, newRun)).published).toEqual([last]);
      const [loaded] = await redshift.query<{ events: number }>('SELECT events FROM loaded_days WHERE day = :day', { day: last });
      expect(Number(loaded!.events)).toBe(lines.length - 1);
    } finally {
      writeFileSync(file, original);
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('a run that lost the warehouse to another (its row closed as killed) is stopped by the claim check inside its publishing transaction', async () => {
    const [d] = (await localLogDays({ 'udacity-dend': source })(DEFAULT_SOURCES.eventsUri)).days;
    const before = await starSnapshot(redshift);
    // The warehouse as the run sees it, and another run taking it over just before the publish begins.
    const takenOver: Warehouse = {
      description: redshift.description,
      run: async (statements, runOptions) => {
        if (statements[0]?.label === 'check this run still holds the warehouse') {
          await redshift.run([{ sql: "UPDATE etl_runs SET status = 'killed', message = 'killed: taken over (test)' WHERE status = 'running'" }]);
        }
        return redshift.run(statements, runOptions);
      },
      query: (sql, params) => redshift.query(sql, params),
      close: async () => {},
    };
    const error = await runEtl(takenOver, { mode: 'day', from: d!, to: d!, strict: false, reloadCatalogue: false }, { ...options, staleAfterHours: 6 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkifyError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${d} failed and was not published: Stopped: run [0-9a-f-]{36} no longer holds the warehouse — its etl_runs row says killed \\(killed: taken over \\(test\\)\\)\\. .* Resume with: npm run etl -- --date ${d}$`),
    );
    expect((error as Error).cause).toBeInstanceOf(ClaimLostError);
    expect(await starSnapshot(redshift)).toEqual(before);
  });
});

describe('bad input is refused before anything runs (exit code 2)', () => {
  const listing = { days: ['2018-11-01', '2018-11-02', '2018-11-04'], undated: [], files: [] };

  test('malformed dates, --from after --to, --date with --from, half a range, --reload-catalogue alone', () => {
    expect(refusalOf(() => parseRunRequest({ date: '2018-11-31' }))).toMatch(/--date must be a calendar date.*"2018-11-31"/);
    expect(refusalOf(() => parseRunRequest({ date: '5 Nov 2018' }))).toMatch(/YYYY-MM-DD/);
    // Out of range: an invalid Date (month 13, day 0 or 32) once threw a RangeError with a stack trace (exit 1).
    for (const day of ['2018-13-01', '2018-11-00', '2018-11-32', '2019-02-29', '2018-00-10']) {
      expect(refusalOf(() => parseRunRequest({ date: day }))).toContain(`--date must be a calendar date written YYYY-MM-DD, such as 2018-11-05; got "${day}".`);
    }
    expect(refusalOf(() => parseRunRequest({ from: '2018-11-01', to: '2018-11-32' }))).toMatch(/^--to must be a calendar date.*"2018-11-32"/);
    expect(refusalOf(() => parseRunRequest({ from: '2018-11-05', to: '2018-11-01' }))).toMatch(/--from 2018-11-05 is after --to 2018-11-01/);
    expect(refusalOf(() => parseRunRequest({ date: '2018-11-05', from: '2018-11-01' }))).toMatch(/not both/);
    expect(refusalOf(() => parseRunRequest({ from: '2018-11-01' }))).toMatch(/both ends/);
    expect(refusalOf(() => parseRunRequest({ reloadCatalogue: true }))).toMatch(/--reload-catalogue goes with --date/);
    expect(refusalOf(() => parseRunRequest({ fullRefresh: true, date: '2018-11-01' }))).toMatch(/--full-refresh/);
    expect(parseRunRequest({})).toEqual({ mode: 'full' });
    expect(parseRunRequest({ fullRefresh: true })).toEqual({ mode: 'full' });
    expect(parseRunRequest({ new: true })).toEqual({ mode: 'new' });
    expect(refusalOf(() => parseRunRequest({ new: true, date: '2018-11-05' }))).toMatch(/^--new loads whatever days are new or changed .* it takes no --date\/--from\/--to\./);
    expect(refusalOf(() => parseRunRequest({ new: true, fullRefresh: true, reloadCatalogue: true }))).toMatch(/it takes no --full-refresh or --reload-catalogue\./);
  });

  test('a date outside the data; a missing day skipped, or refused with --strict', () => {
    const range = (from: string, to: string, strict = false) => ({ mode: 'range' as const, from, to, strict, reloadCatalogue: false });
    expect(refusalOf(() => planDays(range('2018-10-31', '2018-11-02'), listing, 's3://b/log_data'))).toMatch(/2018-10-31 is outside the data.*2018-11-01 to 2018-11-04/);
    expect(planDays(range('2018-11-01', '2018-11-04'), listing, 's3://b/log_data')).toEqual({ days: ['2018-11-01', '2018-11-02', '2018-11-04'], missing: ['2018-11-03'], files: [] });
    expect(refusalOf(() => planDays(range('2018-11-01', '2018-11-04', true), listing, 's3://b/log_data'))).toMatch(/--strict: no log file for 2018-11-03/);
  });

  test('the command line exits 2 with the message, before opening any warehouse', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sparkify-daily-cli-')), 'pg');
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'etl.ts'), '--data-dir', dataDir, '--date', '2018-12-01'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^Error: 2018-12-01 is outside the data: the log files under s3:\/\/udacity-dend\/log_data cover 2018-11-01 to 2018-11-30/m);
    expect(run.stderr).not.toMatch(/Warehouse:/);
    rmSync(dirname(dataDir), { recursive: true, force: true });
  });
});

test('on Redshift the days come from S3 ListObjectsV2 of the events prefix, every page', async () => {
  const s3 = mockClient(S3Client);
  s3.on(ListObjectsV2Command, { Bucket: 'udacity-dend', Prefix: 'log_data' }).resolves({
    Contents: [{ Key: 'log_data/2018/11/2018-11-02-events.json' }, { Key: 'log_data/README' }],
    IsTruncated: true,
    NextContinuationToken: 'page2',
  });
  s3.on(ListObjectsV2Command, { Bucket: 'udacity-dend', Prefix: 'log_data', ContinuationToken: 'page2' }).resolves({
    Contents: [{ Key: 'log_data/2018/11/2018-11-01-events.json' }, { Key: 'log_data/2018/12/2018-11-03-events.json' }],
    IsTruncated: false,
  });
  try {
    const { days, undated } = await logDays(s3Files('us-west-2'))('s3://udacity-dend/log_data');
    expect({ days, undated }).toEqual({
      days: ['2018-11-01', '2018-11-02'],
      undated: ['s3://udacity-dend/log_data/README', 's3://udacity-dend/log_data/2018/12/2018-11-03-events.json'],
    });
  } finally {
    s3.restore();
  }
});
