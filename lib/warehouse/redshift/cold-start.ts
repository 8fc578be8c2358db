/**
 * Redshift Serverless after an idle period: the workgroup scales to zero and resumes on the first
 * statement, and that statement can fail with an internal error, or a "Query cancelled." raised while the
 * session is restored (error 57014, NFTSetupSessionStateOnRestore, reported against AWS's own drivers and
 * samples), or sit SUBMITTED for a while. Until one statement has finished, such a failure is taken for
 * the workgroup resuming: the statement (which failed, so changed nothing) is submitted again after a
 * wait, with a progress line that says why, for as long as the statement timeout allows.
 */
import { SparkifyError, StatementError } from '../../errors';
import { abortableSleep } from './sleep';

/** Redshift's words for a statement that met the workgroup resuming, not a fault of the statement. */
const RESUMING =
  /Query cancelled\.|NFTSetupSessionStateOnRestore|internal error|workgroup (is )?(resuming|not available|unavailable)|could not (connect|establish)|connection (reset|refused|closed)|server closed the connection/i;

/** AWS error codes of a call the service could not serve for now. */
const UNAVAILABLE = new Set(['InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException']);

export interface ColdStartOptions {
  /** The first wait before running the statement again; doubles up to `capMs`. */
  readonly firstWaitMs: number;
  readonly capMs: number;
  /**
   * The longest the first statement is retried for (and never past the statement timeout): a workgroup
   * resumes in well under this, and a statement that keeps failing with an internal error must not be
   * retried for the timeout's full hour.
   */
  readonly maxWaitMs: number;
}

export const DEFAULT_COLD_START: ColdStartOptions = { firstWaitMs: 2000, capMs: 15_000, maxWaitMs: 300_000 };

/** Whether `error` looks like the workgroup resuming rather than the statement failing. */
export function isResuming(error: unknown): boolean {
  if (error instanceof StatementError) return RESUMING.test(error.message);
  const cause = error instanceof SparkifyError ? error.cause : error;
  return cause instanceof Error && UNAVAILABLE.has(cause.name);
}

/** Remembers whether the workgroup has answered yet, and waits out its resuming until it has. */
export class ColdStart {
  #warm = false;
  readonly #options: ColdStartOptions;
  readonly #report: (line: string) => void;

  constructor(options: ColdStartOptions, report: (line: string) => void) {
    this.#options = options;
    this.#report = report;
  }

  /** True once a statement has finished: from then on a failure is the statement's own. */
  get warm(): boolean {
    return this.#warm;
  }

  /**
   * Runs `attempt` (one statement, from submission to its end) and, while the workgroup has not answered
   * yet, runs it again after a failure that looks like resuming, within `timeoutMs` in all.
   */
  async run<T>(what: string, timeoutMs: number, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = performance.now();
    let wait = this.#options.firstWaitMs;
    for (;;) {
      try {
        const result = await attempt();
        this.#warm = true;
        return result;
      } catch (error) {
        const elapsed = performance.now() - started;
        if (this.#warm || signal?.aborted || !isResuming(error) || elapsed + wait > Math.min(timeoutMs, this.#options.maxWaitMs)) throw error;
        this.#report(
          `the workgroup is resuming from idle (${(error as Error).message.slice(0, 120)}); running ${what} again in ` +
            `${Math.round(wait / 1000)} s (${Math.round(elapsed / 1000)} s so far)`,
        );
        await abortableSleep(wait, signal);
        if (signal?.aborted) throw error;
        wait = Math.min(this.#options.capMs, wait * 2);
      }
    }
  }
}
