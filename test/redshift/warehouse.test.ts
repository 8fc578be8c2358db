/** RedshiftDataApiWarehouse against a mocked Data API: every status path, batches, pagination, retries, timeouts. */
import {
  ActiveStatementsExceededException,
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import 'aws-sdk-client-mock-jest';
import { LoadError, SparkifyError, StatementError } from '../../lib/errors';
import { awsError, mockedWarehouse, STATEMENT_ID } from './mock-data-api';

const COPY = "COPY staging_events FROM 's3://udacity-dend/log_data' IAM_ROLE default FORMAT AS JSON 'auto'";

describe('a single statement', () => {
  test('is submitted with the sign-in fields, polled through SUBMITTED, PICKED and STARTED, and reports its rows', async () => {
    const { mock, warehouse, progress } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: STATEMENT_ID, Status: 'SUBMITTED' })
      .resolvesOnce({ Id: STATEMENT_ID, Status: 'PICKED' })
      .resolvesOnce({ Id: STATEMENT_ID, Status: 'STARTED' })
      .resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 3, Duration: 2_000_000, RedshiftQueryId: 77 });

    const results = await warehouse.run([{ sql: 'DELETE FROM users WHERE level = :level', params: { level: 'free' }, label: 'prune users' }]);

    expect(results).toEqual([{ rowsAffected: 3, queryId: 77 }]);
    expect(mock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      WorkgroupName: 'sparkify',
      Database: 'sparkify',
      Sql: 'DELETE FROM users WHERE level = :level',
      Parameters: [{ name: 'level', value: 'free' }],
      StatementName: 'prune users',
    });
    const sent = mock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(sent.SecretArn).toBeUndefined(); // IAM temporary credentials
    expect(sent.ClientToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(mock).toHaveReceivedCommandTimes(DescribeStatementCommand, 4);
    expect(progress.map((line) => line.replace(/ for \d+ s.*/, ''))).toEqual(['prune users: SUBMITTED', 'prune users: PICKED', 'prune users: STARTED']);
  });

  test('signs in with the secret when one is given', async () => {
    const secret = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:admin-AbCdEf';
    const { mock, warehouse } = mockedWarehouse({ secretArn: secret });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 0 });
    await warehouse.run([{ sql: 'SELECT 1' }]);
    expect(mock).toHaveReceivedCommandWith(ExecuteStatementCommand, { SecretArn: secret, WorkgroupName: 'sparkify' });
    expect(warehouse.description).toContain(`signed in with the secret ${secret}`);
  });

  test('FAILED becomes an error naming the step, quoting Redshift and the SQL', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FAILED', Error: 'ERROR: relation "users_next" does not exist' });
    const run = warehouse.run([{ sql: 'INSERT INTO users SELECT * FROM users_next', label: 'build users' }]);
    await expect(run).rejects.toThrow(StatementError);
    await expect(run).rejects.toThrow(
      'build users failed on Redshift: ERROR: relation "users_next" does not exist. SQL: INSERT INTO users SELECT * FROM users_next.',
    );
  });

  test('ABORTED becomes an error that says it was cancelled', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'ABORTED' });
    await expect(warehouse.run([{ sql: 'SELECT 1', label: 'a check' }])).rejects.toThrow(/a check was cancelled on Redshift \(status ABORTED\)/);
  });

  test('a NULL or empty value is written as that constant; the API takes only non-empty strings', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 1 });
    await warehouse.run([{ sql: 'INSERT INTO t VALUES (:a, :b, :c, :d)', params: { a: null, b: '', c: 3, d: true } }]);
    expect(mock).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      Sql: "INSERT INTO t VALUES (NULL, '', :c, :d)",
      Parameters: [
        { name: 'c', value: '3' },
        { name: 'd', value: 'true' },
      ],
    });
  });
});

test('a parameter the statement uses without a value fails before anything is sent', async () => {
  const { mock, warehouse } = mockedWarehouse();
  await expect(warehouse.query('SELECT * FROM users WHERE level = :level', {})).rejects.toThrow(
    'The statement uses the parameter :level but no value was given for it.',
  );
  expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 0);
});

describe('a transaction', () => {
  test('is one BatchExecuteStatement, each statement with its own parameters, results per sub-statement', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({
      Id: STATEMENT_ID,
      Status: 'FINISHED',
      SubStatements: [
        { Id: `${STATEMENT_ID}:1`, Status: 'FINISHED', ResultRows: 1 },
        { Id: `${STATEMENT_ID}:2`, Status: 'FINISHED', ResultRows: 2 },
      ],
    });
    const results = await warehouse.run(
      [
        { sql: 'INSERT INTO t VALUES (:v)', params: { v: 'a' } },
        { sql: 'INSERT INTO t VALUES (:v), (:v)', params: { v: 'b' } },
      ],
      { transaction: true },
    );
    expect(results).toEqual([{ rowsAffected: 1 }, { rowsAffected: 2 }]);
    expect(mock).toHaveReceivedCommandWith(BatchExecuteStatementCommand, {
      Sqls: ['INSERT INTO t VALUES (:s1_v)', 'INSERT INTO t VALUES (:s2_v), (:s2_v)'],
      Parameters: [
        { name: 's1_v', value: 'a' },
        { name: 's2_v', value: 'b' },
      ],
    });
    expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 0);
  });

  test('a failing sub-statement is named, with its own error and SQL, and the whole batch said to be rolled back', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({
      Id: STATEMENT_ID,
      Status: 'FAILED',
      Error: 'ERROR: relation "songs_next" does not exist',
      SubStatements: [
        { Id: `${STATEMENT_ID}:1`, Status: 'FINISHED' },
        { Id: `${STATEMENT_ID}:2`, Status: 'FAILED', Error: 'ERROR: relation "songs_next" does not exist' },
        { Id: `${STATEMENT_ID}:3`, Status: 'ABORTED' },
      ],
    });
    const statements = ['DROP TABLE IF EXISTS songs', 'ALTER TABLE songs_next RENAME TO songs', 'DROP TABLE IF EXISTS users'].map((sql) => ({
      sql,
      label: 'publish star tables',
    }));
    await expect(warehouse.run(statements, { transaction: true })).rejects.toThrow(
      'publish star tables failed on Redshift at statement 2 of 3: ERROR: relation "songs_next" does not exist. ' +
        'SQL: ALTER TABLE songs_next RENAME TO songs. The batch ran as one transaction, so none of it took effect.',
    );
  });

  test('of more than 40 statements fails before anything is sent: splitting it would break its atomicity', async () => {
    const { mock, warehouse } = mockedWarehouse();
    const statements = Array.from({ length: 41 }, (_, i) => ({ sql: `INSERT INTO t VALUES (${i})`, label: 'load t' }));
    await expect(warehouse.run(statements, { transaction: true })).rejects.toThrow(/41 statements must run as one transaction, but one BatchExecuteStatement takes at most 40/);
    expect(mock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 0);
  });

  test('with a statement over 100 KB fails before anything is sent', async () => {
    const { mock, warehouse } = mockedWarehouse();
    const big = `SELECT '${'x'.repeat(101 * 1024)}'`;
    await expect(warehouse.run([{ sql: 'SELECT 1' }, { sql: big, label: 'huge' }], { transaction: true })).rejects.toThrow(
      /huge: a statement of 102 KB is more than the 100 KB of SQL the Data API takes/,
    );
    expect(mock).toHaveReceivedCommandTimes(BatchExecuteStatementCommand, 0);
  });
});

describe('COPY', () => {
  test('reports the rows loaded and the query id sys_load_error_detail uses', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 8056, RedshiftQueryId: 4242 });
    expect(await warehouse.run([{ sql: COPY }])).toEqual([{ rowsAffected: 8056, queryId: 4242 }]);
  });

  test("that reports ResultRows 0 (as users see the Data API do for every COPY) is not taken for an empty load", async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 0, RedshiftQueryId: 4243 });
    expect(await warehouse.run([{ sql: COPY, label: 'COPY into staging_events' }])).toEqual([{ rowsAffected: 0, queryId: 4243 }]);
  });

  test('that fails comes back with its rows from sys_load_error_detail: file, line, column, reason', async () => {
    const { mock, warehouse } = mockedWarehouse();
    const lookup = '1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    mock.on(ExecuteStatementCommand).resolvesOnce({ Id: STATEMENT_ID }).resolves({ Id: lookup });
    mock.on(DescribeStatementCommand, { Id: STATEMENT_ID }).resolves({
      Id: STATEMENT_ID,
      Status: 'FAILED',
      RedshiftQueryId: 991,
      Error: "ERROR: Load into table 'staging_events' failed. Check 'sys_load_error_detail' system table for details.",
    });
    mock.on(DescribeStatementCommand, { Id: lookup }).resolves({ Id: lookup, Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({
      ColumnMetadata: ['file_name', 'line_number', 'column_name', 'error_code', 'error_message'].map((name) => ({ name })),
      Records: [
        [
          { stringValue: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json' },
          { longValue: 12 },
          { stringValue: 'ts' },
          { longValue: 1206 },
          { stringValue: 'Invalid timestamp format or value' },
        ],
      ],
    });

    const error: LoadError = await warehouse.run([{ sql: COPY, label: 'COPY into staging_events' }]).catch((e) => e);

    expect(error).toBeInstanceOf(LoadError);
    expect(error.table).toBe('staging_events');
    expect(error.rejects).toEqual([
      { file: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json', line: 12, column: 'ts', reason: 'Invalid timestamp format or value', code: 1206, rawValue: '' },
    ]);
    expect(error.message).toMatch(/Rejected rows: s3:\/\/udacity-dend\/log_data\/2018\/11\/2018-11-01-events.json line 12 column ts: Invalid timestamp format/);
    expect(mock).toHaveReceivedCommandWith(ExecuteStatementCommand, { Parameters: [{ name: 'query_id', value: '991' }] });
  });

  test('failing because the namespace lacks the role says which setting to fix', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({
      Id: STATEMENT_ID,
      Status: 'FAILED',
      Error: 'ERROR: User arn:aws:redshift-serverless:us-west-2:123456789012:dbuser:sparkify/IAMR:etl is not authorized to assume IAM Role arn:aws:iam::123456789012:role/other',
    });
    await expect(warehouse.run([{ sql: COPY, label: 'COPY into staging_events' }])).rejects.toThrow(
      /namespace cannot use the IAM role the COPY names\. .*SPARKIFY_IAM_ROLE/,
    );
  });

  test('failing because the database user lacks ASSUMEROLE gets the role message and the GRANT that fixes it', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({
      Id: STATEMENT_ID,
      Status: 'FAILED',
      Error: 'ERROR: User IAMR:etl does not have ASSUMEROLE permission on IAM role "arn:aws:iam::123456789012:role/sparkify-copy" for COPY',
    });
    const error: Error = await warehouse.run([{ sql: COPY, label: 'COPY into staging_events' }]).catch((e) => e);
    expect(error.message).toMatch(/namespace cannot use the IAM role the COPY names\. .*SPARKIFY_IAM_ROLE/);
    expect(error.message).toContain(`GRANT ASSUMEROLE ON '<role ARN>' TO "<user>" FOR COPY`);
  });
});

describe('a workgroup resuming from idle', () => {
  const internal = { Id: STATEMENT_ID, Status: 'FAILED', Error: 'ERROR: Query cancelled.' } as const;

  test('the first statement failing as the workgroup resumes is run again, with a progress line', async () => {
    const { mock, warehouse, progress } = mockedWarehouse({ coldStart: { firstWaitMs: 1, capMs: 2 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolvesOnce(internal).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 1 });
    expect(await warehouse.run([{ sql: 'CREATE TABLE t (a INT)', label: 'create t' }])).toEqual([{ rowsAffected: 1 }]);
    expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 2);
    expect(progress.filter((l) => l.includes('resuming'))).toEqual([
      expect.stringMatching(
        /^the workgroup is resuming from idle \(create t failed on Redshift: ERROR: Query cancelled\. SQL: CREATE TABLE t \(a INT\)\.\); running create t again in 0 s \(\d+ s so far\)$/,
      ),
    ]);
  });

  test('once a statement has finished, the same error is the statement\'s own and is not retried', async () => {
    const { mock, warehouse } = mockedWarehouse({ coldStart: { firstWaitMs: 1, capMs: 2 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolvesOnce({ Id: STATEMENT_ID, Status: 'FINISHED' }).resolves(internal);
    await warehouse.run([{ sql: 'SELECT 1' }]);
    await expect(warehouse.run([{ sql: 'SELECT 2' }])).rejects.toThrow(/Query cancelled/);
    expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 2);
  });

  test('a workgroup that never answers is given up on after the longest wait, with its error', async () => {
    const { mock, warehouse } = mockedWarehouse({ coldStart: { firstWaitMs: 1, capMs: 2, maxWaitMs: 400 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves(internal);
    await expect(warehouse.run([{ sql: 'SELECT 1' }])).rejects.toThrow(StatementError);
    expect(mock.commandCalls(ExecuteStatementCommand).length).toBeGreaterThan(2);
  });
});

describe('a result larger than the Data API returns', () => {
  test('a statement failing with "Database response exceeded size limit" says so and what to do', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FAILED', Error: 'ERROR: Database response exceeded size limit' });
    await expect(warehouse.query('SELECT * FROM songplays')).rejects.toThrow(/its result is too large for the Data API .* at most 500 MB .* UNLOAD/);
  });

  test('GetStatementResult refusing the result says so too', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).rejects(awsError('ValidationException', 'Query result exceeded size limit'));
    await expect(warehouse.query('SELECT * FROM songplays')).rejects.toThrow(/would not return a result .* too large .* narrow the query/);
  });
});

describe('query', () => {
  test('pages through GetStatementResult to the end and decodes by column type', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', HasResultSet: true, ResultRows: 3 });
    const columns = [
      { name: 'n', typeName: 'int8' },
      { name: 'ratio', typeName: 'float8' },
      { name: 'paid', typeName: 'bool' },
      { name: 'amount', typeName: 'numeric' },
      { name: 'at', typeName: 'timestamp' },
      { name: 'note', typeName: 'varchar' },
    ];
    mock
      .on(GetStatementResultCommand, { Id: STATEMENT_ID, NextToken: undefined })
      .resolves({
        ColumnMetadata: columns,
        TotalNumRows: 3,
        NextToken: 'page-2',
        Records: [
          [{ longValue: 1 }, { doubleValue: 0.5 }, { booleanValue: true }, { stringValue: '12.50' }, { stringValue: '2018-11-01 21:01:46.796' }, { isNull: true }],
          [{ longValue: 2 }, { stringValue: 'NaN' }, { booleanValue: false }, { stringValue: '0.00' }, { isNull: true }, { stringValue: 'x' }],
        ],
      })
      .on(GetStatementResultCommand, { Id: STATEMENT_ID, NextToken: 'page-2' })
      .resolves({ ColumnMetadata: columns, TotalNumRows: 3, Records: [[{ longValue: 3 }, { doubleValue: 2 }, { isNull: true }, { isNull: true }, { isNull: true }, { stringValue: '' }]] });

    const rows = await warehouse.query('SELECT * FROM facts WHERE day = :day', { day: '2018-11-01' });

    expect(rows).toEqual([
      { n: 1, ratio: 0.5, paid: true, amount: '12.50', at: '2018-11-01 21:01:46.796', note: null },
      { n: 2, ratio: NaN, paid: false, amount: '0.00', at: null, note: 'x' },
      { n: 3, ratio: 2, paid: null, amount: null, at: null, note: '' },
    ]);
    expect(mock).toHaveReceivedCommandTimes(GetStatementResultCommand, 2);
  });

  test('of a statement without a result set returns no rows without asking for one', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', HasResultSet: false });
    expect(await warehouse.query('CREATE TABLE t (a INT)')).toEqual([]);
    expect(mock).toHaveReceivedCommandTimes(GetStatementResultCommand, 0);
  });
});

describe('retries', () => {
  test('throttling and too many active statements are retried with backoff, and counted', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock
      .on(ExecuteStatementCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(new ActiveStatementsExceededException({ message: 'Active statements exceeded the allowed quota.', $metadata: {} }))
      .resolves({ Id: STATEMENT_ID });
    mock
      .on(DescribeStatementCommand)
      .rejectsOnce(awsError('InternalServerException', 'We encountered an internal error', 500))
      .resolves({ Id: STATEMENT_ID, Status: 'FINISHED', ResultRows: 1 });

    expect(await warehouse.run([{ sql: 'SELECT 1' }])).toEqual([{ rowsAffected: 1 }]);

    const stats = warehouse.stats();
    expect(stats.calls).toEqual({ ExecuteStatement: 3, BatchExecuteStatement: 0, DescribeStatement: 2, GetStatementResult: 0, CancelStatement: 0 });
    expect(stats.retries).toBe(3);
    expect(stats.totalCalls).toBe(5);
    // Every attempt carries the same token: a retried submission cannot run the statement twice.
    const tokens = new Set(mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.ClientToken));
    expect(tokens.size).toBe(1);
  });

  test('give up after the policy allows, with a message that says what to do', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(warehouse.run([{ sql: 'SELECT 1' }])).rejects.toThrow(
      /The Data API kept refusing ExecuteStatement on workgroup "sparkify" in us-west-2 after retrying with backoff: the service throttled the calls/,
    );
    expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 4);
  });

  test('errors that retrying cannot fix are not retried', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).rejects(awsError('ValidationException', 'Cannot process query string larger than 100kB'));
    await expect(warehouse.run([{ sql: 'SELECT 1' }])).rejects.toThrow(/ValidationException: Cannot process query string larger than 100kB/);
    expect(mock).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
  });
});

describe('waiting', () => {
  test('a statement that outlives the timeout is cancelled on Redshift and reported', async () => {
    const { mock, warehouse } = mockedWarehouse({ polling: { firstMs: 1, capMs: 5, timeoutMs: 40, progressAfterMs: 0, progressEveryMs: 0 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'STARTED' });
    mock.on(CancelStatementCommand).resolves({ Status: true });
    const error: SparkifyError = await warehouse.run([{ sql: COPY, label: 'COPY into staging_events' }]).catch((e) => e);
    expect(error.message).toMatch(/^COPY into staging_events did not finish within 0 s on Redshift \(still STARTED\), so it was cancelled/);
    expect(error.message).toMatch(/--statement-timeout/);
    expect(mock).toHaveReceivedCommandWith(CancelStatementCommand, { Id: STATEMENT_ID });
  });

  test('an abort (Ctrl-C) cancels the running statement and ends with exit code 130', async () => {
    const controller = new AbortController();
    const { mock, warehouse } = mockedWarehouse({ signal: controller.signal });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).callsFake(() => {
      controller.abort();
      return { Id: STATEMENT_ID, Status: 'STARTED' };
    });
    mock.on(CancelStatementCommand).resolves({ Status: true });
    const error: SparkifyError = await warehouse.run([{ sql: 'SELECT 1', label: 'a long query' }]).catch((e) => e);
    expect(error.exitCode).toBe(130);
    expect(error.message).toMatch(/^Interrupted: a long query was cancelled on Redshift/);
    expect(mock).toHaveReceivedCommandWith(CancelStatementCommand, { Id: STATEMENT_ID });
  });

  test('an abort that comes after the statement ended says so: it took effect, and nothing after it ran', async () => {
    const controller = new AbortController();
    const { mock, warehouse } = mockedWarehouse({ signal: controller.signal });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).callsFake(() => {
      controller.abort();
      return { Id: STATEMENT_ID, Status: 'STARTED' };
    });
    mock.on(CancelStatementCommand).rejects(new ValidationException({ message: 'Could not cancel a query that is already in FINISHED status.', $metadata: {} }));
    const error: SparkifyError = await warehouse.run([{ sql: 'SELECT 1', label: 'q' }]).catch((e) => e);
    expect(error.exitCode).toBe(130);
    expect(error.message).toMatch(/^Interrupted: q had already ended on Redshift when the cancel arrived/);
  });

  test('a statement that ends just as its timeout cancels it keeps its outcome', async () => {
    const { mock, warehouse } = mockedWarehouse({ polling: { firstMs: 1, capMs: 5, timeoutMs: 10, progressAfterMs: 0, progressEveryMs: 0 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    let cancelAsked = false;
    mock.on(DescribeStatementCommand).callsFake(() => ({ Id: STATEMENT_ID, Status: cancelAsked ? 'FINISHED' : 'STARTED', ResultRows: 5 }));
    mock.on(CancelStatementCommand).callsFake(() => {
      cancelAsked = true;
      throw new ValidationException({ message: 'Could not cancel a query that is already in FINISHED status.', $metadata: {} });
    });
    expect(await warehouse.run([{ sql: 'SELECT 1' }])).toEqual([{ rowsAffected: 5 }]);
  });

  test('long statements are reported at each status change and every so often, not on every poll', async () => {
    const { mock, warehouse, progress } = mockedWarehouse({ polling: { firstMs: 1, capMs: 2, progressAfterMs: 0, progressEveryMs: 60_000 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    const statuses = ['SUBMITTED', 'STARTED', 'STARTED', 'STARTED', 'STARTED', 'FINISHED'] as const;
    let poll = 0;
    mock.on(DescribeStatementCommand).callsFake(() => ({ Id: STATEMENT_ID, Status: statuses[poll++], ResultRows: 1 }));
    await warehouse.run([{ sql: 'SELECT 1', label: 'q' }]);
    expect(progress.map((line) => line.split(' for ')[0])).toEqual(['q: SUBMITTED', 'q: STARTED']);
  });

  test('stats separate the statements own time from what waiting added', async () => {
    const { mock, warehouse } = mockedWarehouse();
    mock.on(ExecuteStatementCommand).resolves({ Id: STATEMENT_ID });
    mock.on(DescribeStatementCommand).resolves({ Id: STATEMENT_ID, Status: 'FINISHED', Duration: 0, ResultRows: 1 });
    await warehouse.run([{ sql: 'SELECT 1' }, { sql: 'SELECT 2' }]);
    const stats = warehouse.stats();
    expect(stats.statements).toBe(2);
    expect(stats.statementMs).toBe(0);
    expect(stats.pollingMs).toBeGreaterThan(0);
    expect(stats.overheadMs).toBe(stats.pollingMs);
    expect(stats.maxOverheadMs).toBeLessThanOrEqual(stats.overheadMs);
  });
});
