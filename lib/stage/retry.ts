/**
 * Retries for S3 calls: throttling (503 SlowDown, 429), server errors (5xx) and dropped connections are
 * retried with capped exponential backoff and full jitter, as AWS's guidance for S3 advises ("Error retries
 * and exponential backoff in AWS"); anything else (access denied, no such key) is final and goes to the caller.
 * The SDK's own retries are turned off for the clients this module wraps, so a call is never retried twice over.
 */

export interface RetryOptions {
  /** Attempts in all, the first included. @default 8 */
  readonly attempts?: number;
  /** @default 100 */
  readonly baseMs?: number;
  /** @default 10_000 */
  readonly maxMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told about each retry (for the progress line's count of retries). */
  readonly onRetry?: (what: string, error: unknown, attempt: number) => void;
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TRANSIENT = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

export function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e === undefined || e === null) return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    THROTTLING.has(e.name ?? '') ||
    TRANSIENT.has(e.name ?? '') ||
    NETWORK.has(e.code ?? '') ||
    // A kept-alive connection the server had closed; the SDK may hand it over wrapped, without its code.
    /socket hang up|ECONNRESET/.test(e.message ?? '') ||
    status === 429 ||
    (status !== undefined && status >= 500)
  );
}

export async function withRetry<T>(what: string, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= attempts || !isRetryable(e)) throw e;
      options.onRetry?.(what, e, attempt);
      const cap = Math.min(options.maxMs ?? 10_000, (options.baseMs ?? 100) * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
}
