/**
 * Retry settings, p-retry's names where p-retry has them. Every field is optional; what
 * is left out takes its value from {@link DEFAULT_RETRY_OPTIONS}.
 *
 * @example
 * const client = createClient({ accessToken, retry: { retries: 6, maxTimeout: 20_000 } });
 * await deleteToken(client, params, { retry: { onRetry: (i) => console.warn(i) } });
 */
export interface RetryOptions {
  /** Retries after the first attempt (default 4, so at most 5 attempts). */
  retries?: number;
  /** The floor of every backoff delay, in ms (default 250). */
  minTimeout?: number;
  /** The ceiling of every backoff delay, in ms (default 8000). */
  maxTimeout?: number;
  /** How fast the backoff window grows per retry (default 2). */
  factor?: number;
  /**
   * The longest `Retry-After` (in ms) the call will wait for (default 60 000). A longer one
   * fails the call at once with LosantRetryAfterError, which carries `retryAt`.
   */
  maxRetryAfter?: number;
  /** Told the exact delay before each retry, before the wait starts. */
  onRetry?: (info: RetryInfo) => void;
}

/** What `onRetry` is told. */
export interface RetryInfo {
  /** The attempt that is about to be made (2 for the first retry). */
  attempt: number;
  /** The exact delay before that attempt, in ms. */
  delayMs: number;
  /** The error of the attempt that failed. */
  reason: Error;
}

/** RetryOptions with every number filled in. */
export type ResolvedRetryOptions = Required<Omit<RetryOptions, "onRetry">> & {
  onRetry?: (info: RetryInfo) => void;
};

/**
 * The defaults. Five attempts spread over up to ~15 s of backoff ride out a deploy or a
 * rate-limit window without turning a dead endpoint into a job that hangs; a server's
 * `Retry-After` of up to a minute is honoured because a rate-limited cloud API means it.
 */
export const DEFAULT_RETRY_OPTIONS: Readonly<ResolvedRetryOptions> = Object.freeze({
  retries: 4,
  minTimeout: 250,
  maxTimeout: 8_000,
  factor: 2,
  maxRetryAfter: 60_000,
});

/**
 * Fills in the defaults. `maxTimeout` below `minTimeout` is lifted to it, so the backoff
 * window is never empty.
 *
 * @example
 * resolveRetryOptions({ retries: 1 }); // { retries: 1, minTimeout: 250, maxTimeout: 8000, ... }
 */
export function resolveRetryOptions(options: RetryOptions): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY_OPTIONS, ...withoutUndefined(options) };
  if (resolved.maxTimeout < resolved.minTimeout) resolved.maxTimeout = resolved.minTimeout;
  return resolved;
}

// `{ retries: undefined }` must mean "the default", not "undefined retries".
function withoutUndefined(options: RetryOptions): RetryOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as RetryOptions;
}
