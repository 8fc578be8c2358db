/**
 * The Warehouse on Amazon Redshift Serverless, through the Redshift Data API: no connection to keep, no
 * network path into the VPC, sign-in by IAM. A transaction of several statements is one
 * BatchExecuteStatement (the service runs a batch as one transaction); anything else runs statement by
 * statement with ExecuteStatement. Each statement is polled to its end (see `polling.ts`); a COPY that
 * fails comes back with the rows sys_load_error_detail holds for it.
 */
import type { ColumnMetadata, DescribeStatementResponse, RedshiftDataClient, SubStatementData } from '@aws-sdk/client-redshift-data';
import { describeRejects, LoadError, type LoadReject, type StatementError } from '../../errors';
import { significant, tokenize } from '../sql-lexer';
import { assertReadOnly, commandTag } from '../statement-kind';
import type { ExecuteOptions, ResultSet, Row, RunOptions, SqlParams, Statement, StatementResult, Warehouse } from '../warehouse';
import { createClient, DataApiClient, OPERATIONS, type Operation, type SignIn } from './client';
import { ColdStart, type ColdStartOptions, DEFAULT_COLD_START } from './cold-start';
import { type ConflictRetryOptions, DEFAULT_CONFLICT_RETRY, retryingConflicts } from './conflicts';
import { firstLine, statementFailed } from './errors';
import { DEFAULT_POLLING, type PollingOptions, waitForStatement } from './polling';
import { decodeField, decodeRows, NUMBER_TYPES } from './result-decoder';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { toRequest } from './statement-requests';

export interface RedshiftDataApiWarehouseOptions extends SignIn {
  /**
   * AWS region of the workgroup.
   * @default the SDK's region chain (AWS_REGION, the profile's region)
   */
  readonly region?: string;
  /**
   * The Data API endpoint in use, for messages only: the SDK itself reads AWS_ENDPOINT_URL_REDSHIFT_DATA.
   * @default the service's public endpoint
   */
  readonly endpoint?: string;
  /**
   * The SDK client to call through.
   * @default a new client for `region` with the SDK's default credential chain
   */
  readonly client?: RedshiftDataClient;
  /** @default DEFAULT_POLLING */
  readonly polling?: Partial<PollingOptions>;
  /** @default DEFAULT_RETRY */
  readonly retry?: Partial<RetryPolicy>;
  /** How long to wait between attempts while a resuming workgroup fails the first statement. @default DEFAULT_COLD_START */
  readonly coldStart?: Partial<ColdStartOptions>;
  /**
   * How often, and after what waits, a statement or batch aborted by a concurrent transaction (error 1023, a
   * deadlock) is run again (conflicts.ts). @default DEFAULT_CONFLICT_RETRY
   */
  readonly conflictRetry?: Partial<ConflictRetryOptions>;
  /**
   * Receives a line now and then about a statement that runs long (a COPY can take minutes).
   * @default lines are dropped
   */
  readonly onProgress?: (line: string) => void;
  /**
   * Aborting it cancels the statement running on Redshift; the call then fails with exit code 130.
   * @default not cancellable
   */
  readonly signal?: AbortSignal;
}

/** What talking to the Data API cost, for the `--json` summary. */
export interface DataApiStats {
  /** Calls by operation; each retry counts as a call. */
  readonly calls: Readonly<Record<Operation, number>>;
  readonly totalCalls: number;
  readonly retries: number;
  /** Data API statements submitted (a batch counts once). */
  readonly statements: number;
  /** Time from submitting statements to seeing them end, summed. */
  readonly pollingMs: number;
  /** The statements' own running time as the Data API reports it (Duration), summed. */
  readonly statementMs: number;
  /** What waiting added beyond the statements' own time: polling intervals, API round trips, queueing. */
  readonly overheadMs: number;
  /** The most that waiting added to any one statement. */
  readonly maxOverheadMs: number;
}

export class RedshiftDataApiWarehouse implements Warehouse {
  readonly description: string;
  readonly #api: DataApiClient;
  readonly #ownsClient: boolean;
  readonly #polling: PollingOptions;
  readonly #onProgress: (line: string) => void;
  readonly #signal?: AbortSignal;
  readonly #coldStart: ColdStart;
  readonly #conflictRetry: ConflictRetryOptions;
  #statements = 0;
  #pollingMs = 0;
  #statementMs = 0;
  #maxOverheadMs = 0;

  constructor(options: RedshiftDataApiWarehouseOptions) {
    const region = options.region ?? "the region from the AWS SDK's settings";
    this.#api = new DataApiClient(
      options.client ?? createClient(options.region),
      options,
      { ...DEFAULT_RETRY, ...options.retry },
      { workgroupName: options.workgroupName, database: options.database, region, endpoint: options.endpoint },
    );
    this.#ownsClient = options.client === undefined;
    this.#polling = { ...DEFAULT_POLLING, ...options.polling };
    this.#onProgress = options.onProgress ?? (() => {});
    this.#signal = options.signal;
    this.#coldStart = new ColdStart({ ...DEFAULT_COLD_START, ...options.coldStart }, this.#onProgress);
    this.#conflictRetry = { ...DEFAULT_CONFLICT_RETRY, ...options.conflictRetry };
    this.description =
      `Redshift Serverless workgroup ${options.workgroupName}, database ${options.database}, ${region}, through the Data API` +
      `${options.endpoint ? ` at ${options.endpoint}` : ''}, signed in with ` +
      `${options.secretArn ? `the secret ${options.secretArn}` : 'IAM temporary credentials'}`;
  }

  async run(statements: readonly Statement[], options: RunOptions = {}): Promise<StatementResult[]> {
    if (options.transaction && statements.length > 1) {
      return this.#resuming(statements[0]!.label ?? 'a transaction', () => this.#runBatch(statements));
    }
    const results: StatementResult[] = [];
    for (const statement of statements) {
      results.push(await this.#resuming(statement.label ?? firstLine(statement.sql), () => this.#runOne(statement)));
    }
    return results;
  }

  query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]> {
    return this.#resuming(`query "${firstLine(sql)}"`, () => this.#query<R>(sql, params));
  }

  /**
   * One statement or batch, run again while the workgroup is resuming from idle (cold-start.ts) and while a
   * concurrent transaction aborts it (conflicts.ts).
   */
  #resuming<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    return retryingConflicts(
      what,
      () => this.#coldStart.run(what, this.#polling.timeoutMs, attempt, this.#signal),
      this.#conflictRetry,
      this.#onProgress,
      this.#signal,
    );
  }

  async #query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]> {
    const statement: Statement = { sql, params, label: 'query' };
    const { sqls, parameters } = toRequest([statement], 'query');
    const id = await this.#api.execute(sqls[0]!, parameters, `query: ${firstLine(sql)}`, this.#signal);
    const description = await this.#wait(id, `query "${firstLine(sql)}"`);
    if (description.Status !== 'FINISHED') throw statementFailed(description, [sql], 'A query');
    if (!description.HasResultSet) return [];
    const rows: Row[] = [];
    let columns: ColumnMetadata[] = [];
    let token: string | undefined;
    do {
      const page = await this.#api.result(id, token, this.#signal);
      if (page.ColumnMetadata) columns = page.ColumnMetadata;
      for (const row of decodeRows(columns, page.Records ?? [])) rows.push(row);
      token = page.NextToken;
    } while (token);
    return rows as R[];
  }

  /**
   * `--read-only` is enforced by reading the statement's words only: the Data API runs one statement per
   * call, so it cannot be wrapped in a READ ONLY transaction. Results are read page by page until `maxRows`;
   * the total comes from the statement's ResultRows.
   */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<ResultSet> {
    if (options.readOnly) assertReadOnly(sql);
    const id = await this.#api.execute(sql, undefined, `query: ${firstLine(sql)}`, this.#signal);
    const description = await this.#wait(id, `query "${firstLine(sql)}"`);
    if (description.Status !== 'FINISHED') throw statementFailed(description, [sql], 'The statement');
    const total = Math.max(0, description.ResultRows ?? 0);
    if (!description.HasResultSet) return { command: commandTag(sql, total), rows: [], rowCount: total };
    const max = options.maxRows ?? Number.POSITIVE_INFINITY;
    const rows: ResultSet['rows'][number][] = [];
    let columns: ColumnMetadata[] = [];
    let token: string | undefined;
    do {
      const page = await this.#api.result(id, token, this.#signal);
      if (page.ColumnMetadata) columns = page.ColumnMetadata;
      const types = columns.map((c) => (c.typeName ?? '').toLowerCase());
      for (const record of page.Records ?? []) {
        if (rows.length >= max) break;
        rows.push(record.map((field, i) => decodeField(field, types[i] ?? '')));
      }
      token = page.NextToken;
    } while (token && rows.length < max);
    const rowCount = Math.max(total, rows.length);
    return {
      command: commandTag(sql, rowCount),
      columns: columns.map((c, i) => {
        const type = (c.typeName ?? '').toLowerCase();
        return { name: c.label ?? c.name ?? `?column${i + 1}?`, type, numeric: NUMBER_TYPES.has(type) || type === 'numeric' };
      }),
      rows,
      rowCount,
    };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#api.destroy();
  }

  stats(): DataApiStats {
    const calls = this.#api.calls;
    const pollingMs = Math.round(this.#pollingMs);
    const statementMs = Math.round(this.#statementMs);
    return {
      calls,
      totalCalls: OPERATIONS.reduce((sum, op) => sum + calls[op], 0),
      retries: this.#api.retries,
      statements: this.#statements,
      pollingMs,
      statementMs,
      overheadMs: pollingMs - statementMs,
      maxOverheadMs: Math.round(this.#maxOverheadMs),
    };
  }

  async #runOne(statement: Statement): Promise<StatementResult> {
    const what = statement.label ?? firstLine(statement.sql);
    const { sqls, parameters } = toRequest([statement], what);
    const id = await this.#api.execute(sqls[0]!, parameters, what, this.#signal);
    const description = await this.#wait(id, what);
    const copyInto = copyTable(statement.sql);
    if (description.Status !== 'FINISHED') {
      const failure = statementFailed(description, [statement.sql], what);
      throw copyInto === undefined ? failure : await this.#loadFailure(copyInto, description.RedshiftQueryId, failure);
    }
    return this.#checked(description);
  }

  async #runBatch(statements: readonly Statement[]): Promise<StatementResult[]> {
    const what = statements[0]!.label ?? `a transaction of ${statements.length} statements`;
    const { sqls, parameters } = toRequest(statements, what);
    const id = await this.#api.batch(sqls, parameters, what, this.#signal);
    const description = await this.#wait(id, what);
    const subs = description.SubStatements ?? [];
    if (description.Status !== 'FINISHED') {
      const failure = statementFailed(description, statements.map((s) => s.sql), what);
      const failedAt = subs.findIndex((s) => s.Status === 'FAILED');
      const copyInto = failedAt >= 0 ? copyTable(statements[failedAt]!.sql) : undefined;
      throw copyInto === undefined ? failure : await this.#loadFailure(copyInto, subs[failedAt]!.RedshiftQueryId, failure);
    }
    return statements.map((_, i) => this.#checked(subs[i] ?? {}));
  }

  async #wait(id: string, what: string): Promise<DescribeStatementResponse> {
    // Until the workgroup has answered once, a statement waiting long may be waiting for it to resume.
    const report = this.#coldStart.warm ? this.#onProgress : (line: string) => this.#onProgress(`${line}; the workgroup may be resuming from idle`);
    const { description, waitedMs } = await waitForStatement(this.#api, id, what, this.#polling, report, this.#signal);
    const ownMs = Math.max(0, description.Duration ?? 0) / 1e6;
    this.#statements++;
    this.#pollingMs += waitedMs;
    this.#statementMs += ownMs;
    this.#maxOverheadMs = Math.max(this.#maxOverheadMs, waitedMs - ownMs);
    return description;
  }

  /**
   * The statement's result. For a COPY, ResultRows is not to be trusted: users report the Data API answering
   * 0 for every COPY (aws/aws-sdk issues #333 and #356), so a COPY's rowsAffected here is only what the
   * service said, never a reason to fail; callers count the table (lib/pipeline/load-staging.ts).
   */
  #checked(ended: Pick<SubStatementData, 'ResultRows' | 'RedshiftQueryId'>): StatementResult {
    const rowsAffected = Math.max(0, ended.ResultRows ?? 0);
    const queryId = ended.RedshiftQueryId !== undefined && ended.RedshiftQueryId > 0 ? ended.RedshiftQueryId : undefined;
    return queryId === undefined ? { rowsAffected } : { rowsAffected, queryId };
  }

  /** A failed COPY, with the rows Redshift rejected: the reasons are there, not in the statement's error text. */
  async #loadFailure(table: string, queryId: number | undefined, failure: StatementError): Promise<LoadError> {
    if (queryId === undefined || queryId <= 0) return new LoadError(failure.message, table, [], { cause: failure });
    let rejects: LoadReject[];
    try {
      rejects = await this.#rejects(queryId);
    } catch (e) {
      return new LoadError(`${failure.message} (sys_load_error_detail could not be read: ${(e as Error).message})`, table, [], { cause: failure });
    }
    const detail = rejects.length > 0 ? `Rejected rows: ${describeRejects(rejects)}.` : `sys_load_error_detail holds no rows for query ${queryId}.`;
    return new LoadError(`${failure.message} ${detail}`, table, rejects, { cause: failure });
  }

  async #rejects(queryId: number): Promise<LoadReject[]> {
    const rows = await this.query<{ file_name: string; line_number: number; column_name: string; error_code: number; error_message: string }>(
      `SELECT TRIM(file_name) AS file_name, line_number, TRIM(column_name) AS column_name, error_code, TRIM(error_message) AS error_message
       FROM sys_load_error_detail WHERE query_id = :query_id ORDER BY file_name, line_number`,
      { query_id: queryId },
    );
    // The view keeps no copy of the rejected value; the file and line locate it.
    return rows.map((r) => ({ file: r.file_name, line: Number(r.line_number), column: r.column_name, reason: r.error_message, code: Number(r.error_code), rawValue: '' }));
  }
}

/** The table a COPY loads, or undefined if the statement is not a COPY. */
function copyTable(sql: string): string | undefined {
  const tokens = significant(tokenize(sql));
  if (tokens[0]?.kind !== 'word' || tokens[0].text.toUpperCase() !== 'COPY') return undefined;
  let i = 1;
  // schema.table: the table is the last part.
  while (tokens[i + 1]?.text === '.' && tokens[i + 2] !== undefined) i += 2;
  const name = tokens[i]?.text ?? '';
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

