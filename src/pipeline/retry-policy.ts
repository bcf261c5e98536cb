import {
  LosantApiError,
  LosantNetworkError,
  LosantRetryAfterError,
  LosantTimeoutError,
} from "../errors.ts";
import type { ResolvedRetryOptions } from "./retry-options.ts";

/**
 * The retry policy as pure functions of an error, the options, and an injected clock and
 * random source, so every rule is unit-tested without sockets or timers.
 */

/** Statuses worth another attempt: the server may answer differently next time. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Statuses whose `Retry-After` names when to come back. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Whether another attempt could succeed (whether the failure is transient): no response at
 * all, an attempt timeout, or a retryable status. Everything else (4xx, bad input, a
 * response of the wrong shape, a user middleware's own error) would fail the same way
 * again. The one definition: the retry stage, watchTokens' polling and the batch read it.
 *
 * @example
 * isRetryable(new LosantApiError(503, "ServiceUnavailable", "down")); // true
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof LosantNetworkError || error instanceof LosantTimeoutError) return true;
  // A RetryAfterError is our verdict on a 429/503, never a fresh failure to retry.
  if (error instanceof LosantRetryAfterError) return false;
  return error instanceof LosantApiError && RETRYABLE_STATUSES.has(error.statusCode);
}

/**
 * Whether a failed attempt's outcome is unknown: the request may have reached the API and
 * no answer says what happened (true), or an answer or the lack of a connection says
 * nothing was done (false). docs/retries.md has the table. A later 404 on a delete then
 * means it took effect; an action that is not resendable is not sent again.
 *
 * - A network error is unknown unless the request never left: the connection was refused
 *   or failed while it was being made (the transport sets `requestSent: false`).
 * - A timeout is unknown: the request may be in the server's hands.
 * - A 429, or a 503 with `Retry-After`, is the server turning the request away: not applied.
 *   Any other 5xx (a gateway error, a 503 without `Retry-After`) may come from a proxy
 *   after the API did the work: unknown. Every other status says nothing was done.
 *
 * @example
 * isOutcomeUnknown(new LosantNetworkError("reset")); // true
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof LosantNetworkError) return error.requestSent;
  if (error instanceof LosantTimeoutError) return true;
  return error instanceof LosantApiError && error.statusCode >= 500 &&
    !(RETRY_AFTER_STATUSES.has(error.statusCode) && error.retryAfter !== undefined);
}

/**
 * The backoff before retry number `retry` (1 for the first retry): exponential with full
 * jitter above a floor, uniform in [minTimeout, min(maxTimeout, minTimeout × factor^retry)].
 * The jitter spreads clients that failed together; the floor keeps a retry from hitting a
 * struggling server at once.
 *
 * @example
 * backoffDelay(1, DEFAULT_RETRY_OPTIONS, () => 0.5); // 375: halfway between 250 and 500
 */
export function backoffDelay(
  retry: number,
  options: Pick<ResolvedRetryOptions, "minTimeout" | "maxTimeout" | "factor">,
  random: () => number = Math.random,
): number {
  const { minTimeout, maxTimeout, factor } = options;
  const ceiling = Math.min(maxTimeout, minTimeout * factor ** retry);
  return Math.round(minTimeout + random() * Math.max(0, ceiling - minTimeout));
}

/**
 * The moment (epoch ms) a `Retry-After` header names: delta-seconds from `now`, or an
 * HTTP-date. Undefined when the header is absent or unreadable.
 *
 * @example
 * parseRetryAfter("2", 1_000); // 3000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.now()); // 1445412480000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  // Clamped to the last moment a Date can hold: a huge delta is a verdict, not a RangeError.
  if (/^\d+$/.test(trimmed)) return Math.min(now + Number(trimmed) * 1000, 8.64e15);
  // Only something that looks like a date: Date.parse also accepts bare numbers like "1.5".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at;
}

/** What to do after a failed attempt. */
export type RetryDecision =
  | { readonly kind: "stop" }
  | { readonly kind: "wait"; readonly delayMs: number }
  | { readonly kind: "retry-after-too-long"; readonly retryAt: number };

/** The call's circumstances a decision depends on. */
export interface DecisionInput {
  /** Retry number about to be made (1 for the first retry). */
  retry: number;
  now: number;
  random?: () => number;
  /** Epoch ms by which the call must settle. */
  deadline?: number;
}

/**
 * Decides whether and when to retry: not at all for a non-retryable error; never before a
 * `Retry-After` moment (and never sooner than the backoff, so clients told the same moment
 * do not all return at once); a `Retry-After` beyond `maxRetryAfter` is a verdict of its
 * own; and no retry that could not start before the deadline.
 *
 * @example
 * decideRetry(err503, DEFAULT_RETRY_OPTIONS, { retry: 1, now: Date.now() });
 * // { kind: "wait", delayMs: 312 }
 */
export function decideRetry(
  error: unknown,
  options: ResolvedRetryOptions,
  input: DecisionInput,
): RetryDecision {
  if (!isRetryable(error)) return { kind: "stop" };
  let delayMs = backoffDelay(input.retry, options, input.random);
  if (error instanceof LosantApiError && RETRY_AFTER_STATUSES.has(error.statusCode)) {
    const retryAt = parseRetryAfter(error.retryAfter, input.now);
    if (retryAt !== undefined) {
      const wait = retryAt - input.now;
      if (wait > options.maxRetryAfter) return { kind: "retry-after-too-long", retryAt };
      delayMs = Math.max(delayMs, Math.ceil(wait));
    }
  }
  if (input.deadline !== undefined && input.now + delayMs >= input.deadline) {
    return { kind: "stop" };
  }
  return { kind: "wait", delayMs };
}
