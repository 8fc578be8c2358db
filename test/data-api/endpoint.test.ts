/**
 * The local endpoint speaks the service's protocol: the real SDK's requests (signed with SigV4) and plain
 * unsigned ones both work, and shapes, statuses and error types are the service's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import { ended, type LocalEndpoint, startLocalEndpoint } from './local-endpoint';

const TARGET = { WorkgroupName: 'sparkify', Database: 'dev' };

describe('the protocol', () => {
  let local: LocalEndpoint;
  beforeAll(async () => {
    local = await startLocalEndpoint({ pageSize: 2 });
  });
  afterAll(() => local.dispose());

  /** A request as any HTTP client sends it: AWS JSON 1.1, no signature. */
  async function post(operation: string, body: unknown) {
    const response = await fetch(local.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RedshiftData.${operation}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  }

  test('answers unsigned AWS JSON 1.1 requests, with timestamps as epoch seconds', async () => {
    const submitted = await post('ExecuteStatement', { ...TARGET, Sql: 'SELECT 1 AS one' });
    expect(submitted.status).toBe(200);
    expect(submitted.type).toBe('application/x-amz-json-1.1');
    expect(submitted.body).toEqual({ Id: expect.stringMatching(/^[0-9a-f-]{36}$/), CreatedAt: expect.any(Number), ...TARGET });
    expect(Math.abs((submitted.body['CreatedAt'] as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  test('an operation it does not serve is an UnknownOperationException', async () => {
    const response = await post('DescribeTable', { ...TARGET, Table: 'users' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('RedshiftData.DescribeTable') });
  });

  test('a query through the SDK: FINISHED with the service shapes, results paged to the end', async () => {
    const { Id } = await local.client.send(
      new ExecuteStatementCommand({
        ...TARGET,
        Sql: `SELECT n, n * 0.5::FLOAT8 AS half, n % 2 = 0 AS even, (n * 1.25)::DECIMAL(8,2) AS price,
                     TIMESTAMP '2018-11-01 21:01:46' AS at, CASE WHEN n = 2 THEN NULL ELSE 'x' || n END AS label
              FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) t WHERE n <= :most ORDER BY n`,
        Parameters: [{ name: 'most', value: '3' }],
        StatementName: 'shapes',
      }),
    );
    const description = await ended(local.client, Id!);
    expect(description).toMatchObject({
      Id,
      Status: 'FINISHED',
      HasResultSet: true,
      ResultRows: 3,
      RedshiftPid: expect.any(Number),
      QueryParameters: [{ name: 'most', value: '3' }],
      ...TARGET,
    });
    expect(description.Duration).toBeGreaterThan(0);
    expect(description.CreatedAt).toBeInstanceOf(Date);

    const first = await local.client.send(new GetStatementResultCommand({ Id }));
    expect(first.TotalNumRows).toBe(3);
    expect(first.ColumnMetadata!.map((c) => [c.name, c.typeName])).toEqual([
      ['n', 'int4'],
      ['half', 'float8'],
      ['even', 'bool'],
      ['price', 'numeric'],
      ['at', 'timestamp'],
      ['label', 'text'],
    ]);
    expect(first.Records).toEqual([
      [{ longValue: 1 }, { doubleValue: 0.5 }, { booleanValue: false }, { stringValue: '1.25' }, { stringValue: '2018-11-01 21:01:46' }, { stringValue: 'x1' }],
      [{ longValue: 2 }, { doubleValue: 1 }, { booleanValue: true }, { stringValue: '2.50' }, { stringValue: '2018-11-01 21:01:46' }, { isNull: true }],
    ]);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await local.client.send(new GetStatementResultCommand({ Id, NextToken: first.NextToken }));
    expect(second.Records).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
  });

  test('a batch has sub-statements id:1, id:2 with their own status and results', async () => {
    const { Id } = await local.client.send(
      new BatchExecuteStatementCommand({ ...TARGET, Sqls: ['CREATE TABLE batch_t (a INT)', 'INSERT INTO batch_t VALUES (1), (2)', 'SELECT a FROM batch_t'] }),
    );
    const description = await ended(local.client, Id!);
    expect(description.Status).toBe('FINISHED');
    expect(description.SubStatements!.map((s) => [s.Id, s.Status, s.HasResultSet, s.ResultRows])).toEqual([
      [`${Id}:1`, 'FINISHED', false, 0],
      [`${Id}:2`, 'FINISHED', false, 2],
      [`${Id}:3`, 'FINISHED', true, 2],
    ]);
    const sub = await local.client.send(new DescribeStatementCommand({ Id: `${Id}:3` }));
    expect(sub).toMatchObject({ Id: `${Id}:3`, Status: 'FINISHED', QueryString: 'SELECT a FROM batch_t' });
    expect((await local.client.send(new GetStatementResultCommand({ Id: `${Id}:3` }))).Records).toEqual([[{ longValue: 1 }], [{ longValue: 2 }]]);
    await expect(local.client.send(new GetStatementResultCommand({ Id }))).rejects.toThrow(ValidationException);
  });

  test('a batch failing midway: earlier statements FINISHED, the failing one FAILED, the rest ABORTED, nothing kept', async () => {
    const { Id } = await local.client.send(
      new BatchExecuteStatementCommand({ ...TARGET, Sqls: ['CREATE TABLE doomed (a INT)', 'INSERT INTO no_such_table VALUES (1)', 'SELECT 1'] }),
    );
    const description = await ended(local.client, Id!);
    expect(description.Status).toBe('FAILED');
    expect(description.Error).toBe('ERROR: relation "no_such_table" does not exist\n  Position: 13');
    expect(description.SubStatements!.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'ABORTED']);
    expect(description.SubStatements![1]!.Error).toBe(description.Error);
    expect(await local.db.warehouse.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'doomed'")).toEqual([{ n: 0 }]);
  });

  test('a statement without a result set, or unknown, is a ResourceNotFoundException', async () => {
    const { Id } = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'CREATE TABLE no_result (a INT)' }));
    await ended(local.client, Id!);
    await expect(local.client.send(new GetStatementResultCommand({ Id }))).rejects.toThrow(
      'Query does not have result. Please check query status with DescribeStatement.',
    );
    const unknown = '00000000-0000-0000-0000-000000000000';
    const error = await local.client.send(new DescribeStatementCommand({ Id: unknown })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.ResourceId).toBe(unknown);
    expect(error.$metadata.httpStatusCode).toBe(404);
    await expect(local.client.send(new DescribeStatementCommand({ Id: 'not-an-id' }))).rejects.toThrow(ValidationException);
  });

  test.each([
    ['no workgroup', { Database: 'dev', Sql: 'SELECT 1' }, ValidationException, 'Either ClusterIdentifier or WorkgroupName needs to be specified.'],
    ['another workgroup', { ...TARGET, WorkgroupName: 'other', Sql: 'SELECT 1' }, ResourceNotFoundException, 'Workgroup other not found.'],
    ['SQL over 100 KB', { ...TARGET, Sql: `SELECT '${'x'.repeat(100 * 1024)}'` }, ValidationException, 'Cannot process query string larger than 100kB'],
    ['an empty parameter value', { ...TARGET, Sql: 'SELECT :a', Parameters: [{ name: 'a', value: '' }] }, ValidationException, 'Parameter a needs a non-empty string value.'],
    ['an unused parameter', { ...TARGET, Sql: 'SELECT 1', Parameters: [{ name: 'a', value: 'x' }] }, ValidationException, 'Parameter a is not used by any SQL statement.'],
    ['sessions', { ...TARGET, Sql: 'SELECT 1', SessionKeepAliveSeconds: 60 }, ValidationException, /SessionKeepAliveSeconds is not supported by the local endpoint/],
  ])('ExecuteStatement with %s is refused as the service would', async (_, input, type, message) => {
    const error = await local.client.send(new ExecuteStatementCommand(input as never)).catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  test('a batch of more than 40 statements is refused', async () => {
    const sqls = Array.from({ length: 41 }, () => 'SELECT 1');
    await expect(local.client.send(new BatchExecuteStatementCommand({ ...TARGET, Sqls: sqls }))).rejects.toThrow(/a batch takes at most 40/);
  });

  test('a database the workgroup does not have fails the statement as the connection would', async () => {
    const { Id } = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Database: 'other', Sql: 'SELECT 1' }));
    expect(await ended(local.client, Id!)).toMatchObject({ Status: 'FAILED', Error: 'FATAL: database "other" does not exist' });
  });

  test('the same ClientToken returns the same statement: a retried submission runs once', async () => {
    const input = { ...TARGET, Sql: 'SELECT 1', ClientToken: 'token-1' };
    const first = await local.client.send(new ExecuteStatementCommand(input));
    const again = await local.client.send(new ExecuteStatementCommand(input));
    expect(again.Id).toBe(first.Id);
  });

  test('ListStatements: newest first, by status and name prefix, paged', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) {
      await ended(local.client, (await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT 1', StatementName: name }))).Id!);
    }
    const page = await local.client.send(new ListStatementsCommand({ StatementName: 'list-', Status: 'FINISHED', MaxResults: 2 }));
    expect(page.Statements!.map((s) => [s.StatementName, s.Status, s.IsBatchStatement, s.QueryString])).toEqual([
      ['list-c', 'FINISHED', false, 'SELECT 1'],
      ['list-b', 'FINISHED', false, 'SELECT 1'],
    ]);
    const rest = await local.client.send(new ListStatementsCommand({ StatementName: 'list-', Status: 'FINISHED', MaxResults: 2, NextToken: page.NextToken }));
    expect(rest.Statements!.map((s) => s.StatementName)).toEqual(['list-a']);
    expect(rest.NextToken).toBeUndefined();
  });
});

describe('statuses and cancelling', () => {
  let local: LocalEndpoint;
  beforeAll(async () => {
    local = await startLocalEndpoint({ faults: { statementDelayMs: 300 } });
  });
  afterAll(() => local.dispose());

  test('one request runs at a time: the next stays SUBMITTED while the first is STARTED, then both FINISH', async () => {
    const first = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT 1' }));
    const second = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT 2' }));
    const seen = new Set<string>();
    for (let status = ''; status !== 'FINISHED'; ) {
      // The second is asked first: if the first has still not finished after that, the second cannot have started.
      const waiting = (await local.client.send(new DescribeStatementCommand({ Id: second.Id }))).Status!;
      status = (await local.client.send(new DescribeStatementCommand({ Id: first.Id }))).Status!;
      seen.add(status);
      if (status !== 'FINISHED') expect(waiting).toBe('SUBMITTED');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toEqual(new Set(['STARTED', 'FINISHED']));
    expect((await ended(local.client, second.Id!)).Status).toBe('FINISHED');
  });

  test('CancelStatement stops a running statement (ABORTED, rolled back) and a queued one; an ended one cannot be', async () => {
    const running = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'CREATE TABLE cancelled_t (a INT)' }));
    const queued = await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'SELECT 1' }));
    while ((await local.client.send(new DescribeStatementCommand({ Id: running.Id }))).Status !== 'STARTED') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await local.client.send(new CancelStatementCommand({ Id: queued.Id }))).toMatchObject({ Status: true });
    expect(await local.client.send(new CancelStatementCommand({ Id: running.Id }))).toMatchObject({ Status: true });
    expect(await ended(local.client, running.Id!)).toMatchObject({ Status: 'ABORTED', Error: "Query cancelled on user's request" });
    expect((await ended(local.client, queued.Id!)).Status).toBe('ABORTED');
    expect(await local.db.warehouse.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'cancelled_t'")).toEqual([{ n: 0 }]);
    await expect(local.client.send(new CancelStatementCommand({ Id: running.Id }))).rejects.toThrow(
      'Could not cancel a query that is already in ABORTED status.',
    );
  });
});

describe('COPY from mapped S3 folders', () => {
  let source: string;
  let local: LocalEndpoint;
  beforeAll(async () => {
    source = mkdtempSync(join(tmpdir(), 'sparkify-bucket-'));
    mkdirSync(join(source, 'songs'));
    writeFileSync(join(source, 'songs', 'a.json'), '{"song_id": "S1", "title": "Fine"}\n{"song_id": "S2", "title": "' + 'x'.repeat(40) + '"}\n');
    local = await startLocalEndpoint({}, { 'test-bucket': source });
    await ended(local.client, (await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'CREATE TABLE songs_t (song_id VARCHAR(8), title VARCHAR(10))' }))).Id!);
  });
  afterAll(async () => {
    await local.dispose();
    rmSync(source, { recursive: true, force: true });
  });

  const copy = (maxError: number) => `COPY songs_t FROM 's3://test-bucket/songs' IAM_ROLE default FORMAT AS JSON 'auto' MAXERROR ${maxError}`;

  test("reports ResultRows 0 for a COPY, as users see the service do, and a RedshiftQueryId under which sys_load_error_detail holds the load's rejects", async () => {
    const description = await ended(local.client, (await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: copy(2) }))).Id!);
    expect(description).toMatchObject({ Status: 'FINISHED', ResultRows: 0, HasResultSet: false });
    const [loaded] = await local.db.warehouse.query('SELECT loaded_rows, error_count, status FROM sys_load_history WHERE query_id = :q', {
      q: description.RedshiftQueryId!,
    });
    expect(loaded).toEqual({ loaded_rows: 1, error_count: 1, status: 'completed' });
    expect(description.RedshiftQueryId).toBeGreaterThan(0);
    const rejects = await local.db.warehouse.query('SELECT TRIM(column_name) AS c, line_number FROM sys_load_error_detail WHERE query_id = :q', {
      q: description.RedshiftQueryId!,
    });
    expect(rejects).toEqual([{ c: 'title', line_number: 2 }]);
  });

  test('a COPY that fails still gives the RedshiftQueryId of its rejects', async () => {
    const description = await ended(local.client, (await local.client.send(new ExecuteStatementCommand({ ...TARGET, Sql: copy(0) }))).Id!);
    expect(description.Status).toBe('FAILED');
    expect(description.Error).toMatch(/^ERROR: Load into table 'songs_t' failed/);
    const rejects = await local.db.warehouse.query('SELECT COUNT(*) AS n FROM sys_load_error_detail WHERE query_id = :q', { q: description.RedshiftQueryId! });
    expect(rejects).toEqual([{ n: 1 }]);
  });
});
