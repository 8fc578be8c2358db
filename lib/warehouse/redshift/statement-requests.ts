/**
 * Statements as the Data API takes them: `:name` parameters sent as strings, within the service's limits —
 * at most 100 KB of SQL per statement, at most 40 statements in one BatchExecuteStatement. A transaction
 * past those limits fails here, before anything runs: splitting it would break its atomicity.
 */
import type { SqlParameter } from '@aws-sdk/client-redshift-data';
import { StatementError } from '../../errors';
import { tokenize } from '../sql-lexer';
import type { Statement } from '../warehouse';

/** Statements one BatchExecuteStatement takes (its `Sqls` list). */
export const MAX_BATCH_STATEMENTS = 40;
/** SQL text one statement may have ("Cannot process query string larger than 100kB"). */
export const MAX_STATEMENT_BYTES = 100 * 1024;

export interface DataApiRequest {
  readonly sqls: string[];
  /** Undefined when no statement has parameters: the API refuses an empty list. */
  readonly parameters?: SqlParameter[];
}

/**
 * One request for `statements`: a single statement as is, or a batch whose parameters are renamed per
 * statement (`:s2_name`), because a batch's parameters are shared by all its statements and each
 * statement's values may differ.
 */
export function toRequest(statements: readonly Statement[], what: string): DataApiRequest {
  if (statements.length > MAX_BATCH_STATEMENTS) {
    throw new StatementError(
      `${what}: ${statements.length} statements must run as one transaction, but one BatchExecuteStatement takes at most ` +
        `${MAX_BATCH_STATEMENTS}. Split the work into transactions of at most ${MAX_BATCH_STATEMENTS} statements, or write fewer, larger ones.`,
      statements[MAX_BATCH_STATEMENTS]!.sql,
    );
  }
  const parameters: SqlParameter[] = [];
  const sqls = statements.map((statement, i) => {
    const sql = bind(statement, statements.length > 1 ? `s${i + 1}_` : '', parameters);
    const bytes = Buffer.byteLength(sql);
    if (bytes > MAX_STATEMENT_BYTES) {
      throw new StatementError(
        `${statement.label ?? what}: a statement of ${Math.ceil(bytes / 1024)} KB is more than the 100 KB of SQL the Data API takes ` +
          'in one statement. Split it into smaller statements.',
        statement.sql,
      );
    }
    return sql;
  });
  return { sqls, parameters: parameters.length > 0 ? parameters : undefined };
}

/**
 * Rewrites the statement's `:name` placeholders for the Data API and collects their values. The API takes
 * only non-empty strings as values, so a NULL or an empty string is written into the SQL as that constant;
 * every other value travels as a parameter.
 */
function bind(statement: Statement, prefix: string, parameters: SqlParameter[]): string {
  const bound = new Set<string>();
  return tokenize(statement.sql)
    .map((token) => {
      if (token.kind !== 'param') return token.text;
      const name = token.text.slice(1);
      const params = statement.params;
      if (params === undefined || !Object.hasOwn(params, name)) {
        throw new StatementError(`The statement uses the parameter :${name} but no value was given for it.`, statement.sql);
      }
      const value = params[name];
      if (value === null || value === undefined) return 'NULL';
      if (value === '') return "''";
      const sent = `${prefix}${name}`;
      if (!bound.has(sent)) {
        bound.add(sent);
        parameters.push({ name: sent, value: String(value) });
      }
      return `:${sent}`;
    })
    .join('');
}
