/**
 * Retries Data API calls the service refused for now — throttling, too many active statements or sessions,
 * a 5xx, a dropped connection — with exponential backoff and jitter. The SDK's own retries are switched
 * off (see `client.ts`) so that this is the one policy, and every attempt is counted.
 */
import { abortableSleep } from './sleep';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The backoff before the second attempt; it doubles with each further one. */
  readonly baseMs: number;
  /** The longest backoff. */
  readonly capMs: number;
}

/** About 40 s of retrying in all before giving up: long enough to outlast a burst of throttling. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 250, capMs: 10_000 };

/** Error names (AWS error codes) that mean "try again later", whatever the operation. */
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'InternalServerException',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Network failures where the request may never have reached the service. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { $metadata, code } = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  return (
    RETRYABLE_NAMES.has(error.name) ||
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    ($metadata?.httpStatusCode !== undefined && $metadata.httpStatusCode >= 500)
  );
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or runs out of attempts (the
 * last error is thrown). `onRetry` hears of each retry before its backoff.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: unknown, retry: number) => void = () => {},
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= policy.attempts || !isRetryable(error)) throw error;
      onRetry(error, n);
      // "Equal jitter": at least half the exponential step, so retries never bunch up at zero.
      const step = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
      await abortableSleep(step / 2 + Math.random() * (step / 2), signal);
      if (signal?.aborted) throw error;
    }
  }
}
