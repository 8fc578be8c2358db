/**
 * A transaction that lost to a concurrent one. Redshift aborts one of two concurrent transactions that
 * cannot be serialized ("ERROR: 1023 DETAIL: Serializable isolation violation on table - …, transactions
 * forming the cycle are: …"), one of two that wait for each other's locks ("deadlock detected"), and a
 * statement that met a concurrent DDL ("could not complete because of conflict with concurrent transaction",
 * "… dropped by concurrent transaction"). AWS's first remedy is to run the transaction again
 * (docs: "Troubleshooting serializable isolation errors"; dbt-redshift retries the same texts).
 *
 * Every statement and batch the pipeline sends is written to be run again whole (each batch is one
 * transaction that rebuilds what it writes), so the failed one is submitted again, after a wait that grows,
 * with a progress line, a bounded number of times; then the service's message is passed on with what to do.
 */
import { LoadError, StatementError } from '../../errors';
import { abortableSleep } from './sleep';

/** Redshift's (and Postgres's) words for a statement aborted by a concurrent transaction, not by its own fault. */
const CONFLICT =
  /\b1023\b.*serializable isolation violation|serializable isolation violation|deadlock detected|conflict with concurrent transaction|by concurrent transaction|could not serialize access/is;

export interface ConflictRetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The wait before the second attempt; doubles with each further one, up to `capMs`. */
  readonly firstWaitMs: number;
  readonly capMs: number;
}

/** Four retries over about half a minute: long enough for the other transaction (a reader's, another load's) to commit. */
export const DEFAULT_CONFLICT_RETRY: ConflictRetryOptions = { attempts: 5, firstWaitMs: 2000, capMs: 16_000 };

/** Whether a failed statement was aborted because of a concurrent transaction. */
export function isConflict(error: unknown): boolean {
  return (error instanceof StatementError || error instanceof LoadError) && CONFLICT.test(error.message);
}

/**
 * Runs `attempt` (a statement or a batch, from submission to its end) and runs it again while it fails with a
 * conflict, at most `options.attempts` times in all; the last failure is passed on with what to do.
 */
export async function retryingConflicts<T>(
  what: string,
  attempt: () => Promise<T>,
  options: ConflictRetryOptions,
  report: (line: string) => void,
  signal?: AbortSignal,
): Promise<T> {
  let wait = options.firstWaitMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error) || signal?.aborted) throw error;
      const message = (error as StatementError).message;
      if (n >= options.attempts) throw exhausted(error as StatementError | LoadError, n);
      report(
        `${what} was aborted by a concurrent transaction (${serviceWords(message)}); nothing of it took effect. ` +
          `Running it again in ${(wait / 1000).toFixed(wait < 1000 ? 2 : 0)} s (retry ${n} of ${options.attempts - 1})`,
      );
      await abortableSleep(wait, signal);
      if (signal?.aborted) throw error;
      wait = Math.min(options.capMs, wait * 2);
    }
  }
}

/** The service's own error, as it appears in the message (from "ERROR" on, the SQL left out), cut short. */
function serviceWords(message: string): string {
  const m = /ERROR:?[^\n]*?(?=\. SQL: |\. The batch ran|$)/s.exec(message);
  const words = (m?.[0] ?? message).replace(/\s+/g, ' ').trim();
  return words.length > 200 ? `${words.slice(0, 197)}...` : words;
}

function exhausted(error: StatementError | LoadError, attempts: number): StatementError {
  return new StatementError(
    `${error.message.replace(/\.?$/, '.')} It was run ${attempts} times, and each time a concurrent transaction aborted it ` +
      '(Redshift aborts one of two transactions that conflict). Another load, or a long transaction of a reader or a tool, is ' +
      'writing or locking the same tables: find it with SELECT * FROM svv_transactions (and stv_locks), let it finish or end ' +
      'it (SELECT pg_terminate_backend(<pid>)), then run again. Nothing of the failed transaction took effect.',
    error instanceof StatementError ? error.sql : '',
    { cause: error },
  );
}
