import { LosantApiError, LosantRetryAfterError } from "../errors.ts";
import { parseRetryAfter } from "../pipeline/retry-policy.ts";
import { resolveRetryOptions, type RetryOptions } from "../pipeline/retry-options.ts";

/**
 * Whether an attempt's 429 or 503 names a moment beyond `maxRetryAfter`: then it is a verdict
 * on the whole instance (its remaining items fail as `RetryAfterTooLong`), whichever attempt
 * heard it. The retry stage reaches the same verdict only for an attempt it would retry; the
 * last attempt's answer (or the only one's, with `retries: 0` or `retry: false`) must not leave
 * the instance held until then, which for `Retry-After: 99999999999999` is the year 275760.
 *
 * @example
 * const verdict = retryAfterVerdict(error, clock.now(), mergeRetry(client.retry, options.retry));
 * if (verdict) block(instanceId, { kind: "retryAfter", error: verdict });
 */
export function retryAfterVerdict(
  error: unknown,
  now: number,
  retry: RetryOptions | false,
): LosantRetryAfterError | undefined {
  if (!(error instanceof LosantApiError) || error instanceof LosantRetryAfterError) {
    return undefined;
  }
  if (error.statusCode !== 429 && error.statusCode !== 503) return undefined;
  const until = parseRetryAfter(error.retryAfter, now);
  const { maxRetryAfter } = resolveRetryOptions(retry === false ? {} : retry);
  if (until === undefined || until - now <= maxRetryAfter) return undefined;
  return new LosantRetryAfterError(error, new Date(until), maxRetryAfter);
}
