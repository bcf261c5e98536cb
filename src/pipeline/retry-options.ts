/** Retry settings, p-retry's names where p-retry has them. */
export interface RetryOptions {
  /** Retries after the first attempt. */
  retries?: number;
  /** Backoff bounds in ms. */
  minTimeout?: number;
  maxTimeout?: number;
  factor?: number;
  /** A Retry-After longer than this (ms) fails at once with LosantRetryAfterError. */
  maxRetryAfter?: number;
  /** Told the exact delay before each retry. */
  onRetry?: (info: RetryInfo) => void;
}

/** What `onRetry` is told. */
export interface RetryInfo {
  /** The attempt that is about to be made (2 for the first retry). */
  attempt: number;
  delayMs: number;
  reason: Error;
}
