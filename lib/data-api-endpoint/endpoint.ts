/**
 * The Redshift Data API served over the local warehouse, on 127.0.0.1: the service's own protocol (AWS JSON
 * 1.1 — POST /, `X-Amz-Target: RedshiftData.<Operation>`, JSON in and out, errors as `{"__type", "message"}`
 * with the model's HTTP status), so the real SDK, the AWS CLI or any AWS client runs against it with only
 * the endpoint changed (AWS_ENDPOINT_URL_REDSHIFT_DATA). COPY reads S3 URIs from the local warehouse's
 * mapped folders.
 *
 * Operations: ExecuteStatement, BatchExecuteStatement, DescribeStatement, GetStatementResult (paginated),
 * CancelStatement, ListStatements, ListDatabases; and, for target prefix `RedshiftServerless.`, the
 * GetWorkgroup and GetNamespace the ETL's preflight reads (serverless.ts); and any other request as S3's
 * (s3.ts: ListObjectsV2, GetObject, HeadObject over local folders), so that AWS_ENDPOINT_URL alone points
 * every client of the ETL at it. Requests are accepted signed or not; signatures are not checked, but the
 * access key names the database user (see `databaseUsers`).
 * docs/data-api-endpoint.md lists every way it differs from the service.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { tokenize } from '../warehouse/sql-lexer';
import { DataApiException, notFound, validation } from './exceptions';
import { columnMetadata, encodeRecords } from './records';
import { LocalS3, type LocalS3Options } from './s3';
import { ServerlessApi, type ServerlessOptions } from './serverless';
import { type StatementRecord, StatementRunner, type SubStatement, type Submission } from './statements';
import type { LocalWarehouse } from '../warehouse/local/local-warehouse';

/**
 * Faults to inject, for tests: they make the endpoint misbehave the ways the service can. Never set by the
 * `npm run data-api` script. The endpoint's defaults are already the worst documented or reported
 * behaviour where the service's is uncertain (architecture rule 7); the switches marked "optimistic" turn
 * one back to what the reference pages describe.
 */
export interface DataApiFaults {
  /**
   * What DescribeStatement reports as a COPY's ResultRows. Users report the service answering 0 for every
   * COPY (aws/aws-sdk issues #333 and #356); the reference says the rows loaded.
   * @default 'zero'; 'loaded' is optimistic
   */
  readonly copyResultRows?: 'zero' | 'loaded';
  /**
   * Fail a statement whose result is larger than this, as the service does ("Database response exceeded
   * size limit").
   * @default 100 MB, the smaller of the limits AWS has documented (100 MB, later 500 MB)
   */
  readonly maxResultBytes?: number;
  /**
   * A workgroup resuming from idle: the first `statements` requests end FAILED with `error`
   * (default "ERROR: Query cancelled.", error 57014 as drivers report it during a resume).
   */
  readonly coldStart?: { readonly statements: number; readonly error?: string };
  /** Answer the first `count` calls of `operations` with ThrottlingException. @default every operation */
  readonly throttle?: { readonly count: number; readonly operations?: readonly string[] };
  /** Refuse the first this many ExecuteStatement and BatchExecuteStatement calls with ActiveStatementsExceededException. */
  readonly activeStatementsExceeded?: number;
  /** Hold every statement this long in STARTED before it runs: a slow statement. */
  readonly statementDelayMs?: number;
  /** Fail every statement whose SQL matches, with `error` as Redshift's error text. */
  readonly fail?: { readonly match: RegExp; readonly error?: string };
}

export interface DataApiEndpointOptions {
  /** The warehouse statements run on; the endpoint does not close it. */
  readonly warehouse: LocalWarehouse;
  /**
   * The one workgroup the endpoint serves (WorkgroupName); others are not found.
   * @default 'sparkify'
   */
  readonly workgroupName?: string;
  /**
   * The one database it serves; statements for another fail as Redshift's connection would.
   * @default 'dev'
   */
  readonly database?: string;
  /** @default 0: a free port */
  readonly port?: number;
  /**
   * Rows per GetStatementResult page.
   * @default 1000
   */
  readonly pageSize?: number;
  /** @default none */
  readonly faults?: DataApiFaults;
  /**
   * Who statements run as. 'per-identity', as on Redshift: each caller is its own database user — `IAM:<access
   * key id>` for IAM sign-in (the service names the IAM user or role), `admin` with a SecretArn (the user
   * the namespace's admin secret holds) — so tables belong to whoever created them and another identity
   * may not drop them. 'superuser' runs everything as the local warehouse's superuser, for tests that
   * share one warehouse between the local and the Redshift path.
   * @default 'per-identity'
   */
  readonly databaseUsers?: 'per-identity' | 'superuser';
  /**
   * The Redshift Serverless side (GetWorkgroup, GetNamespace): the namespace, its roles, the workgroup's status.
   * @default namespace 'sparkify' with LOCAL_COPY_ROLE attached and default, the workgroup AVAILABLE
   */
  readonly serverless?: Omit<ServerlessOptions, 'workgroupName' | 'database'>;
  /**
   * The S3 side (s3.ts): the local folder of each bucket it serves (the source's, as the warehouse's COPY
   * reads them); other buckets answer as empty.
   * @default every bucket empty
   */
  readonly s3?: LocalS3Options;
}

const TARGET_PREFIX = 'RedshiftData.';
const SERVERLESS_PREFIX = 'RedshiftServerless.';
const MAX_SQL_BYTES = 100 * 1024;
const MAX_BATCH = 40;
const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;
const STATUSES = new Set(['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'ABORTED', 'FAILED', 'ALL']);
/** Inputs of the service this endpoint does not play; refused rather than ignored, so no caller relies on them. */
const UNSUPPORTED = ['SessionKeepAliveSeconds', 'SessionId', 'WaitTimeSeconds', 'ClusterIdentifier', 'DbUser'];

type Input = Record<string, unknown>;
type Handler = (input: Input, request: IncomingMessage) => Promise<unknown> | unknown;

export class DataApiEndpoint {
  readonly url: string;
  readonly #server: Server;
  readonly #runner: StatementRunner;
  readonly #workgroupName: string;
  readonly #pageSize: number;
  readonly #faults: DataApiFaults;
  readonly #pid: number;
  readonly #handlers: Readonly<Record<string, Handler>>;
  readonly #perIdentity: boolean;
  readonly #serverless: ServerlessApi;
  readonly #database: string;
  readonly #s3: LocalS3;
  #throttled = 0;
  #refused = 0;

  private constructor(server: Server, options: DataApiEndpointOptions, pid: number) {
    this.#server = server;
    this.#workgroupName = options.workgroupName ?? 'sparkify';
    this.#pageSize = options.pageSize ?? 1000;
    this.#faults = options.faults ?? {};
    this.#pid = pid;
    this.#perIdentity = (options.databaseUsers ?? 'per-identity') === 'per-identity';
    this.#database = options.database ?? 'dev';
    this.#serverless = new ServerlessApi({ workgroupName: this.#workgroupName, database: this.#database, ...options.serverless });
    this.#runner = new StatementRunner(options.warehouse, options.database ?? 'dev', this.#faults);
    this.#s3 = new LocalS3(options.s3 ?? { folders: {} });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#handlers = {
      ExecuteStatement: (input, request) => this.#execute(input, request),
      BatchExecuteStatement: (input, request) => this.#batch(input, request),
      DescribeStatement: (input) => this.#describe(input),
      GetStatementResult: (input) => this.#result(input),
      CancelStatement: (input) => {
        this.#runner.cancel(input['Id']);
        return { Status: true };
      },
      ListStatements: (input) => this.#list(input),
      ListDatabases: (input) => this.#databases(input),
    };
  }

  static async start(options: DataApiEndpointOptions): Promise<DataApiEndpoint> {
    // The local warehouse's process id stands in for Redshift's (RedshiftPid); sys_load_error_detail's session_id has it too.
    const [row] = await options.warehouse.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const endpoint = new DataApiEndpoint(server, options, Number(row?.pid ?? 0));
    server.on('request', (request, response) => void endpoint.#serve(request, response));
    return endpoint;
  }

  /** Stops taking requests, cancels what is queued or running, and waits for the warehouse to be idle. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const record of this.#runner.list()) {
      if (record.status === 'SUBMITTED' || record.status === 'PICKED' || record.status === 'STARTED') this.#runner.cancel(record.id);
    }
    await this.#runner.idle();
    await closed;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (LocalS3.isS3(request)) return await this.#s3.serve(request, response);
    let status = 200;
    let body: unknown;
    try {
      const text = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      const serverless = target.startsWith(SERVERLESS_PREFIX) ? this.#serverless.handlers[target.slice(SERVERLESS_PREFIX.length)] : undefined;
      const handler = request.method !== 'POST' ? undefined : (serverless ?? this.#handlers[operation]);
      if (handler === undefined) {
        throw new DataApiException('UnknownOperationException', `The operation ${JSON.stringify(target)} is not one this endpoint serves.`, 400);
      }
      this.#injectFaults(operation);
      let input: unknown;
      try {
        input = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new DataApiException('SerializationException', 'The request body is not valid JSON.', 400);
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new DataApiException('SerializationException', 'The request body must be a JSON object.', 400);
      body = await handler(input as Input, request);
    } catch (e) {
      const exception = e instanceof DataApiException ? e : new DataApiException('InternalServerException', (e as Error).message ?? String(e), 500);
      status = exception.status;
      body = exception.body;
    }
    const json = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(json),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(json);
  }

  #injectFaults(operation: string): void {
    const throttle = this.#faults.throttle;
    if (throttle !== undefined && this.#throttled < throttle.count && (throttle.operations ?? [operation]).includes(operation)) {
      this.#throttled++;
      throw new DataApiException('ThrottlingException', 'Rate exceeded', 400);
    }
    const submitting = operation === 'ExecuteStatement' || operation === 'BatchExecuteStatement';
    if (submitting && this.#refused < (this.#faults.activeStatementsExceeded ?? 0)) {
      this.#refused++;
      throw new DataApiException('ActiveStatementsExceededException', 'Active statements exceeded the allowed quota.', 400);
    }
  }

  #execute(input: Input, request: IncomingMessage) {
    const sql = input['Sql'];
    if (typeof sql !== 'string' || sql === '') throw validation('Sql is required.');
    return this.#submit(input, [sql], false, request);
  }

  #batch(input: Input, request: IncomingMessage) {
    const sqls = input['Sqls'];
    if (!Array.isArray(sqls) || sqls.length === 0 || sqls.some((s) => typeof s !== 'string' || s === '')) {
      throw validation('Sqls must be a list of 1 to 40 SQL statements.');
    }
    if (sqls.length > MAX_BATCH) throw validation(`Sqls holds ${sqls.length} statements; a batch takes at most ${MAX_BATCH}.`);
    if (input['ExecutionMode'] !== undefined && input['ExecutionMode'] !== 'TRANSACTION') {
      throw validation(`ExecutionMode ${JSON.stringify(input['ExecutionMode'])} is not supported by the local endpoint: batches run as one transaction.`);
    }
    return this.#submit(input, sqls as string[], true, request);
  }

  /** The database user a request signs in as (see `databaseUsers`); undefined: the superuser. */
  #user(input: Input, request: IncomingMessage): string | undefined {
    if (!this.#perIdentity) return undefined;
    if (input['SecretArn'] !== undefined) return 'admin';
    const key = /Credential=([^/,\s]+)\//.exec(String(request.headers['authorization'] ?? ''));
    return `IAM:${key?.[1] ?? 'anonymous'}`;
  }

  #submit(input: Input, sqls: string[], isBatch: boolean, request: IncomingMessage) {
    for (const name of UNSUPPORTED) {
      if (input[name] !== undefined) throw validation(`${name} is not supported by the local endpoint, which serves one Redshift Serverless workgroup without sessions.`);
    }
    if (input['ResultFormat'] !== undefined && input['ResultFormat'] !== 'JSON') throw validation('The local endpoint returns results as JSON only.');
    const workgroupName = input['WorkgroupName'];
    if (typeof workgroupName !== 'string') throw validation('Either ClusterIdentifier or WorkgroupName needs to be specified.');
    if (workgroupName !== this.#workgroupName) throw notFound(`Workgroup ${workgroupName} not found.`, workgroupName);
    const database = input['Database'];
    if (typeof database !== 'string' || database === '') throw validation('Database is required when connecting to a workgroup.');
    for (const sql of sqls) if (Buffer.byteLength(sql) > MAX_SQL_BYTES) throw validation('Cannot process query string larger than 100kB');
    const submission: Submission = {
      sqls,
      isBatch,
      database,
      workgroupName,
      secretArn: optionalString(input, 'SecretArn'),
      name: optionalString(input, 'StatementName'),
      parameters: parameters(input['Parameters'], sqls),
      clientToken: optionalString(input, 'ClientToken'),
      user: this.#user(input, request),
    };
    const record = this.#runner.submit(submission);
    return { Id: record.id, CreatedAt: seconds(record.createdAt), Database: record.database, WorkgroupName: record.workgroupName, SecretArn: record.secretArn };
  }

  #describe(input: Input) {
    const { record, sub } = this.#runner.find(input['Id']);
    const common = { Database: record.database, WorkgroupName: record.workgroupName, SecretArn: record.secretArn, RedshiftPid: this.#pid, ResultFormat: 'JSON' };
    if (sub !== undefined) return { ...subStatement(sub), ...common };
    const single = record.isBatch ? undefined : record.subs[0]!;
    return {
      Id: record.id,
      Status: record.status,
      CreatedAt: seconds(record.createdAt),
      UpdatedAt: seconds(record.updatedAt),
      Duration: record.durationNs,
      Error: record.error,
      HasResultSet: record.subs.some((s) => s.result !== undefined),
      QueryParameters: record.parameters,
      ...(single === undefined
        ? { SubStatements: record.subs.map(subStatement), ResultRows: -1, ResultSize: -1 }
        : { QueryString: single.sql, RedshiftQueryId: single.queryId, ResultRows: single.resultRows, ResultSize: resultSize(single) }),
      ...common,
    };
  }

  #result(input: Input) {
    const { record, sub } = this.#runner.find(input['Id']);
    if (sub === undefined && record.isBatch) throw validation(`${record.id} is a batch: fetch each statement's result by its own id (${record.id}:1 …).`);
    const statement = sub ?? record.subs[0]!;
    if (statement.status !== 'FINISHED' || statement.result === undefined) {
      throw notFound('Query does not have result. Please check query status with DescribeStatement.', statement.id);
    }
    const { rows, columns } = statement.result;
    const start = pageStart(input['NextToken'], statement.id);
    const end = Math.min(rows.length, start + this.#pageSize);
    return {
      Records: encodeRecords(rows.slice(start, end), columns),
      ColumnMetadata: columnMetadata(columns),
      TotalNumRows: rows.length,
      NextToken: end < rows.length ? pageToken(statement.id, end) : undefined,
    };
  }

  /** ListDatabases: the one database the endpoint serves, to a caller connected to it. */
  #databases(input: Input) {
    const workgroupName = input['WorkgroupName'];
    if (typeof workgroupName !== 'string') throw validation('Either ClusterIdentifier or WorkgroupName needs to be specified.');
    if (workgroupName !== this.#workgroupName) throw notFound(`Workgroup ${workgroupName} not found.`, workgroupName);
    if (input['Database'] !== this.#database) throw validation(`FATAL: database "${String(input['Database'])}" does not exist`);
    return { Databases: [this.#database] };
  }

  #list(input: Input) {
    const status = input['Status'] ?? 'ALL';
    if (typeof status !== 'string' || !STATUSES.has(status)) throw validation(`Status must be one of ${[...STATUSES].join(', ')}.`);
    const max = input['MaxResults'] ?? 100;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 100) throw validation('MaxResults must be a whole number from 0 to 100.');
    const name = optionalString(input, 'StatementName');
    const matching = this.#runner
      .list()
      .filter((r) => status === 'ALL' || r.status === status)
      .filter((r) => name === undefined || (r.name ?? '').startsWith(name))
      .filter((r) => input['Database'] === undefined || r.database === input['Database'])
      .filter((r) => input['WorkgroupName'] === undefined || r.workgroupName === input['WorkgroupName']);
    const start = pageStart(input['NextToken'], 'ListStatements');
    const end = Math.min(matching.length, start + (max === 0 ? 100 : max));
    return {
      Statements: matching.slice(start, end).map(statementData),
      NextToken: end < matching.length ? pageToken('ListStatements', end) : undefined,
    };
  }
}

function subStatement(sub: SubStatement) {
  return {
    Id: sub.id,
    Status: sub.status,
    CreatedAt: seconds(sub.createdAt),
    UpdatedAt: seconds(sub.updatedAt),
    Duration: sub.durationNs,
    Error: sub.error,
    HasResultSet: sub.result !== undefined,
    QueryString: sub.sql,
    RedshiftQueryId: sub.queryId,
    ResultRows: sub.resultRows,
    ResultSize: resultSize(sub),
  };
}

function statementData(record: StatementRecord) {
  return {
    Id: record.id,
    Status: record.status,
    StatementName: record.name,
    CreatedAt: seconds(record.createdAt),
    UpdatedAt: seconds(record.updatedAt),
    SecretArn: record.secretArn,
    QueryParameters: record.parameters,
    IsBatchStatement: record.isBatch,
    ResultFormat: 'JSON',
    ...(record.isBatch ? { QueryStrings: record.sqls } : { QueryString: record.sqls[0] }),
  };
}

/** Bytes of the result as the service would send it; -1 for a statement without one. */
function resultSize(sub: SubStatement): number {
  return sub.result === undefined ? -1 : Buffer.byteLength(JSON.stringify(encodeRecords(sub.result.rows, sub.result.columns)));
}

/** Checks Parameters as the service does: names, non-empty values, each one used by some statement. */
function parameters(value: unknown, sqls: readonly string[]): Submission['parameters'] {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw validation('Parameters must be a non-empty list of {name, value}.');
  const used = new Set<string>();
  for (const sql of sqls) {
    try {
      for (const token of tokenize(sql)) if (token.kind === 'param') used.add(token.text.slice(1));
    } catch {
      // SQL the lexer cannot read fails when it runs, with the database's error.
    }
  }
  const seen = new Set<string>();
  return value.map((p: unknown) => {
    const { name, value: text } = (p ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || !PARAMETER_NAME.test(name)) throw validation(`Parameter name ${JSON.stringify(name)} must match [0-9a-zA-Z_]+.`);
    if (typeof text !== 'string' || text === '') throw validation(`Parameter ${name} needs a non-empty string value.`);
    if (seen.has(name)) throw validation(`Parameter ${name} is given twice.`);
    if (!used.has(name)) throw validation(`Parameter ${name} is not used by any SQL statement.`);
    seen.add(name);
    return { name, value: text };
  });
}

function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validation(`${key} must be a string.`);
  return value;
}

/** AWS JSON 1.1 sends timestamps as seconds since the epoch. */
const seconds = (ms: number) => ms / 1000;

/** Opaque to clients: which listing the token continues, and where. */
function pageToken(of: string, offset: number): string {
  return Buffer.from(JSON.stringify([of, offset])).toString('base64url');
}

function pageStart(token: unknown, of: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const [tokenOf, offset] = JSON.parse(Buffer.from(String(token), 'base64url').toString()) as [string, number];
    if (tokenOf === of && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw validation('NextToken is not one this endpoint gave for this request.');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
