/**
 * Waits for a Data API statement to end by polling DescribeStatement: quick first polls (most statements
 * take well under a second), then waits that double up to a cap, so polling adds at most about the cap to
 * a long statement's own time. A statement that outlives the timeout, or a run the user interrupts, is
 * cancelled on Redshift rather than left running.
 */
import type { DescribeStatementResponse } from '@aws-sdk/client-redshift-data';
import { SparkifyError } from '../../errors';
import type { DataApiClient } from './client';
import { abortableSleep } from './sleep';

export interface PollingOptions {
  /** The first wait after submitting. */
  readonly firstMs: number;
  /** The longest wait between two polls: the most that polling can add to a statement's time. */
  readonly capMs: number;
  /** How long a statement may take before it is cancelled. */
  readonly timeoutMs: number;
  /** A statement still running after this long is reported, and again at every status change or `progressEveryMs`. */
  readonly progressAfterMs: number;
  readonly progressEveryMs: number;
}

export const DEFAULT_POLLING: PollingOptions = {
  firstMs: 50,
  capMs: 1000,
  timeoutMs: 60 * 60 * 1000,
  progressAfterMs: 5000,
  progressEveryMs: 15_000,
};

const RUNNING = new Set(['SUBMITTED', 'PICKED', 'STARTED']);

export interface Waited {
  readonly description: DescribeStatementResponse;
  /** From submission to seeing the final status. */
  readonly waitedMs: number;
}

/**
 * Polls statement `id` until it is FINISHED, FAILED or ABORTED and returns its last description. `what`
 * names it in progress lines and errors; `report` receives the progress lines.
 */
export async function waitForStatement(
  api: DataApiClient,
  id: string,
  what: string,
  options: PollingOptions,
  report: (line: string) => void,
  signal?: AbortSignal,
): Promise<Waited> {
  const started = performance.now();
  let wait = options.firstMs;
  let lastStatus = '';
  let lastReport = -Infinity;
  for (;;) {
    const elapsed = performance.now() - started;
    const remaining = options.timeoutMs - elapsed;
    await abortableSleep(Math.max(0, Math.min(wait, remaining)), signal);
    if (signal?.aborted) {
      const outcome = await cancel(api, id);
      throw new SparkifyError(
        outcome === 'cancelled'
          ? `Interrupted: ${what} was cancelled on Redshift (Data API statement ${id}), so neither it nor its transaction took effect.`
          : outcome === 'ended'
            ? `Interrupted: ${what} had already ended on Redshift when the cancel arrived (Data API statement ${id}); nothing after it ran.`
            : `Interrupted, but ${what} could not be cancelled (${outcome}); it may still be running: see aws redshift-data describe-statement --id ${id}.`,
        130,
      );
    }
    const description = await api.describe(id, signal);
    const status = description.Status ?? 'SUBMITTED';
    const now = performance.now() - started;
    if (!RUNNING.has(status)) return { description, waitedMs: now };
    if (now >= options.timeoutMs) {
      const outcome = await cancel(api, id);
      // A statement that ended in the meantime cannot be cancelled: then its outcome stands.
      if (outcome === 'ended') return { description: await api.describe(id), waitedMs: performance.now() - started };
      const limit = `${what} did not finish within ${Math.round(options.timeoutMs / 1000)} s on Redshift (still ${status})`;
      throw new SparkifyError(
        `${outcome === 'cancelled' ? `${limit}, so it was cancelled` : `${limit}, and cancelling it failed (${outcome})`} ` +
          `(Data API statement ${id}). Allow it longer with --statement-timeout <seconds>, or look at the workgroup's load in the console.`,
      );
    }
    if (now >= options.progressAfterMs && (status !== lastStatus || now - lastReport >= options.progressEveryMs)) {
      report(`${what}: ${status} for ${Math.round(now / 1000)} s (Data API statement ${id})`);
      lastStatus = status;
      lastReport = now;
    }
    wait = Math.min(options.capMs, wait * 2);
  }
}

/** What CancelStatement did: stopped it, found it already ended, or failed (the reason). */
async function cancel(api: DataApiClient, id: string): Promise<'cancelled' | 'ended' | string> {
  try {
    return (await api.cancel(id)) ? 'cancelled' : 'ended';
  } catch (e) {
    // The service refuses to cancel a statement that has ended (a ValidationException naming its status).
    const message = (e as Error).message;
    return /already in (FINISHED|FAILED|ABORTED)|ValidationException/.test(message) ? 'ended' : message;
  }
}
