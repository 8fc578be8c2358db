/**
 * The Data API calls the warehouse makes, signed in to one workgroup and database: each call retried under
 * one policy, counted (retries included), and its final failure turned into a message that says what to do.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type GetStatementResultResponse,
  RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { quietNodeVersionNotice } from '../../sdk-notice';
import { apiError, type ApiContext } from './errors';
import { type RetryPolicy, withRetry } from './retry';

/** How statements sign in: IAM temporary credentials for the caller's identity, or a Secrets Manager secret. */
export interface SignIn {
  readonly workgroupName: string;
  readonly database: string;
  /**
   * Name or ARN of a Secrets Manager secret holding a database user and password.
   * @default none: IAM temporary credentials (database user `IAM:<user>` or `IAMR:<role>`)
   */
  readonly secretArn?: string;
}

export const OPERATIONS = ['ExecuteStatement', 'BatchExecuteStatement', 'DescribeStatement', 'GetStatementResult', 'CancelStatement'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Statement names show in ListStatements and the console; the API takes at most this many characters. */
const STATEMENT_NAME_LENGTH = 500;

/**
 * A client for `region` (or the SDK's region chain) with the SDK's default credential chain. Its own retries
 * are off: `DataApiClient` retries, so attempts are counted and one backoff policy applies.
 */
export function createClient(region: string | undefined): RedshiftDataClient {
  quietNodeVersionNotice();
  return new RedshiftDataClient({ region, maxAttempts: 1 });
}

export class DataApiClient {
  readonly #client: RedshiftDataClient;
  readonly #signIn: SignIn;
  readonly #retry: RetryPolicy;
  readonly #context: Omit<ApiContext, 'operation'>;
  readonly #calls: Record<Operation, number> = { ExecuteStatement: 0, BatchExecuteStatement: 0, DescribeStatement: 0, GetStatementResult: 0, CancelStatement: 0 };
  #retries = 0;

  constructor(client: RedshiftDataClient, signIn: SignIn, retry: RetryPolicy, context: Omit<ApiContext, 'operation'>) {
    this.#client = client;
    this.#signIn = signIn;
    this.#retry = retry;
    this.#context = context;
  }

  /** Submits one statement; returns its id. */
  async execute(sql: string, parameters: SqlParameter[] | undefined, name: string | undefined, signal?: AbortSignal): Promise<string> {
    // One token for every attempt: a retry after a lost response cannot start the statement twice.
    const input = { ...this.#target(name), Sql: sql, Parameters: parameters, ClientToken: randomUUID() };
    const output = await this.#send('ExecuteStatement', () => this.#client.send(new ExecuteStatementCommand(input)), signal);
    return output.Id!;
  }

  /** Submits statements to run in order as one transaction; returns the batch's id. */
  async batch(sqls: string[], parameters: SqlParameter[] | undefined, name: string | undefined, signal?: AbortSignal): Promise<string> {
    const input = { ...this.#target(name), Sqls: sqls, Parameters: parameters, ClientToken: randomUUID() };
    const output = await this.#send('BatchExecuteStatement', () => this.#client.send(new BatchExecuteStatementCommand(input)), signal);
    return output.Id!;
  }

  describe(id: string, signal?: AbortSignal): Promise<DescribeStatementResponse> {
    return this.#send('DescribeStatement', () => this.#client.send(new DescribeStatementCommand({ Id: id })), signal);
  }

  result(id: string, nextToken: string | undefined, signal?: AbortSignal): Promise<GetStatementResultResponse> {
    return this.#send('GetStatementResult', () => this.#client.send(new GetStatementResultCommand({ Id: id, NextToken: nextToken })), signal);
  }

  /** Asks Redshift to stop a statement; false if it had already ended. */
  async cancel(id: string): Promise<boolean> {
    const output = await this.#send('CancelStatement', () => this.#client.send(new CancelStatementCommand({ Id: id })));
    return output.Status === true;
  }

  /** Data API calls made so far, by operation, each retry counted as a call. */
  get calls(): Readonly<Record<Operation, number>> {
    return { ...this.#calls };
  }

  get retries(): number {
    return this.#retries;
  }

  destroy(): void {
    this.#client.destroy();
  }

  #target(name: string | undefined) {
    return {
      WorkgroupName: this.#signIn.workgroupName,
      Database: this.#signIn.database,
      SecretArn: this.#signIn.secretArn,
      StatementName: name?.slice(0, STATEMENT_NAME_LENGTH),
    };
  }

  async #send<T>(operation: Operation, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withRetry(
        () => {
          this.#calls[operation]++;
          return call();
        },
        this.#retry,
        () => this.#retries++,
        signal,
      );
    } catch (error) {
      throw apiError(error, { ...this.#context, operation });
    }
  }
}
