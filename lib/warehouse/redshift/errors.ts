/**
 * Data API failures as messages a person can act on: a refused call (credentials, region, workgroup,
 * permissions, throttling) and a statement that ended FAILED or ABORTED (which step, Redshift's own error
 * text, the SQL — for a batch, which sub-statement).
 */
import type { DescribeStatementResponse } from '@aws-sdk/client-redshift-data';
import { ConfigError, SparkifyError, StatementError } from '../../errors';

/** What a failed call was doing, for the message. */
export interface ApiContext {
  readonly operation: string;
  readonly workgroupName: string;
  readonly database: string;
  /** The region, or words for where it comes from (the SDK's settings). */
  readonly region: string;
  /** A custom Data API endpoint (AWS_ENDPOINT_URL_REDSHIFT_DATA), if one is set. */
  readonly endpoint?: string;
}

const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const BUSY = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TOO_MANY_ACTIVE = new Set(['ActiveStatementsExceededException', 'ActiveSessionsExceededException']);

/** The SDK's errors carry the AWS error code as `name`, and a network error its errno `code`. */
export function apiError(error: unknown, context: ApiContext): SparkifyError {
  if (error instanceof SparkifyError) return error;
  if (!(error instanceof Error)) return new SparkifyError(`The Data API call ${context.operation} failed: ${String(error)}.`);
  const { name, message } = error;
  const code = (error as Error & { code?: string }).code;
  const said = `${name}: ${message.replace(/\.$/, '')}`;
  const options = { cause: error };
  const where = `workgroup "${context.workgroupName}" in ${context.region}`;

  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new ConfigError(
      'No AWS credentials were found (the SDK looked in the environment, the shared config and credentials files, SSO and ' +
        'instance roles). Sign in — aws sso login, aws configure, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY — and run again, ' +
        'or work offline with --target local.',
      options,
    );
  }
  if (EXPIRED.has(name) || /security token included in the request is expired/i.test(message)) {
    return new ConfigError(`Your AWS credentials have expired (${said}). Sign in again (for example aws sso login) and run again.`, options);
  }
  if (REJECTED.has(name)) {
    return new ConfigError(
      `AWS did not accept your credentials (${said}). Check which profile or keys are in use (AWS_PROFILE, AWS_ACCESS_KEY_ID) ` +
        'and that they belong to the account the warehouse is in.',
      options,
    );
  }
  if (DENIED.has(name)) {
    return new ConfigError(
      `Your AWS identity may not call ${context.operation} on ${where} (${said}). It needs redshift-data:ExecuteStatement, ` +
        'BatchExecuteStatement, DescribeStatement, GetStatementResult and CancelStatement, and redshift-serverless:GetCredentials ' +
        'on the workgroup (or secretsmanager:GetSecretValue on the secret given with --secret-arn).',
      options,
    );
  }
  if (/region is missing/i.test(message)) {
    return new ConfigError(
      'No AWS region is set for the Data API. Give --region (or SPARKIFY_REGION), set AWS_REGION, or deploy the stack so that ' +
        'cdk-outputs.json names its region.',
      options,
    );
  }
  const submitting = context.operation === 'ExecuteStatement' || context.operation === 'BatchExecuteStatement';
  if (
    submitting &&
    (name === 'ValidationException' || name === 'ResourceNotFoundException') &&
    /workgroup|endpoint does ?n[o']t exist|not found/i.test(message)
  ) {
    return new ConfigError(
      `There is no Redshift Serverless ${where} (${said}). If the stack was deployed to another region, give --region; ` +
        'if it was destroyed, deploy it again with npx cdk deploy; or name the right workgroup with --workgroup.',
      options,
    );
  }
  if (code === 'ECONNREFUSED' && context.endpoint !== undefined) {
    return new ConfigError(
      `Nothing answers at ${context.endpoint} (AWS_ENDPOINT_URL_REDSHIFT_DATA). Start the local endpoint with npm run data-api, ` +
        'or unset the variable to reach AWS.',
      options,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConfigError(
      `Cannot reach the Data API for ${context.region} (${said}). Check that the region is a real one (--region, AWS_REGION) and ` +
        'that this machine is online.',
      options,
    );
  }
  if (BUSY.has(name) || TOO_MANY_ACTIVE.has(name)) {
    const why = BUSY.has(name) ? 'throttled the calls' : 'has too many statements running';
    return new SparkifyError(
      `The Data API kept refusing ${context.operation} on ${where} after retrying with backoff: the service ${why} (${said}). ` +
        'Wait for other work on the workgroup to finish, then run again.',
      1,
      options,
    );
  }
  if (RESULT_TOO_LARGE.test(message)) {
    return new SparkifyError(`The Data API would not return a result on ${where}: it is too large (${said}). ${RESULT_TOO_LARGE_ADVICE}`, 1, options);
  }
  return new SparkifyError(`The Data API call ${context.operation} on ${where} failed: ${said}.`, 1, options);
}

/** Redshift's words when the connection names a database the namespace does not have. */
const MISSING_DATABASE = /database ".*" does not exist/i;

/** Redshift's words when the namespace cannot use the role a COPY names. */
const ROLE_PROBLEM = /not authorized to assume IAM Role|IAM role .*(is not associated|not attached)|default IAM role|cannot assume role|does not have ASSUMEROLE permission/i;

/**
 * The Data API's words when a result is larger than it returns ("Database response exceeded size limit";
 * "Packet for query is too large" for a row over 64 KB), from its troubleshooting page.
 */
const RESULT_TOO_LARGE = /exceeded size limit|packet for query is too large/i;

/** What to do about a result the Data API will not return. */
export const RESULT_TOO_LARGE_ADVICE =
  'The Data API returns at most 500 MB of result per statement (100 MB in older documentation) and 64 KB per row: ' +
  'narrow the query (WHERE, fewer columns, LIMIT with ORDER BY, in several calls), or UNLOAD the result to S3.';

export function isResultTooLarge(text: string): boolean {
  return RESULT_TOO_LARGE.test(text);
}

/**
 * A statement that ended FAILED or ABORTED. `sqls` are the statements as sent (one, or a batch's); for a
 * batch the message names the sub-statement that failed.
 */
export function statementFailed(description: DescribeStatementResponse, sqls: readonly string[], what: string): StatementError {
  const subs = description.SubStatements ?? [];
  const failedAt = subs.findIndex((s) => s.Status === 'FAILED' || s.Status === 'ABORTED');
  const index = failedAt >= 0 ? failedAt : 0;
  const sub = subs[index];
  const sql = sqls[index] ?? sqls[0] ?? '';
  const error = (sub?.Error ?? description.Error ?? '').trim().replace(/\.$/, '');
  const position = sqls.length > 1 ? ` at statement ${index + 1} of ${sqls.length}` : '';
  const rolledBack = sqls.length > 1 ? ' The batch ran as one transaction, so none of it took effect.' : '';

  if (description.Status === 'ABORTED' && !(sub?.Status === 'FAILED')) {
    return new StatementError(
      `${what} was cancelled on Redshift${position} (status ABORTED${error ? `: ${error}` : ''}).${rolledBack} ` +
        'Someone or something cancelled it (CancelStatement, or the workgroup stopping it); run again when it may run.',
      sql,
    );
  }
  if (ROLE_PROBLEM.test(error)) {
    const grant = /ASSUMEROLE/i.test(error)
      ? ' The database user also needs the right to use it: a superuser runs GRANT ASSUMEROLE ON \'<role ARN>\' TO "<user>" FOR COPY (or TO PUBLIC).'
      : '';
    return new StatementError(
      `${what} failed on Redshift${position}: ${error}. The namespace cannot use the IAM role the COPY names. The stack attaches ` +
        'its RoleArn output to the namespace and makes it the default: set SPARKIFY_IAM_ROLE to that ARN (or to "default"), or ' +
        `deploy again with npx cdk deploy.${grant}${rolledBack}`,
      sql,
    );
  }
  if (RESULT_TOO_LARGE.test(error)) {
    return new StatementError(`${what} failed on Redshift: its result is too large for the Data API (${error}). ${RESULT_TOO_LARGE_ADVICE}`, sql);
  }
  if (MISSING_DATABASE.test(error)) {
    return new StatementError(
      `${what} failed on Redshift: ${error}. Give the database the stack created with --database (DatabaseName in cdk-outputs.json).`,
      sql,
    );
  }
  // Redshift reports where a syntax error is as Postgres does ("Position: 12"): then a caret shows it, not the SQL.
  const at = /\bPosition:\s*(\d+)/i.exec(error);
  if (at !== null && sqls.length === 1) {
    const said = error.replace(/\s*\bPosition:\s*\d+\s*/i, ' ').trim();
    return new StatementError(`${what} failed on Redshift: ${said}.`, sql, { position: Number(at[1]) });
  }
  return new StatementError(`${what} failed on Redshift${position}: ${error || 'no error text given'}. SQL: ${firstLine(sql)}.${rolledBack}`, sql);
}

/** A statement's text on one line, comments dropped and cut short, for messages. */
export function firstLine(sql: string): string {
  const flat = sql.replace(/--[^\n]*\n?/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
