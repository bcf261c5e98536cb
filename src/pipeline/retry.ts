import pRetry, { AbortError } from "p-retry";
import { type LosantApiError, LosantError, LosantRetryAfterError } from "../errors.ts";
import { type Clock, sleep } from "../clock.ts";
import type { RequestContext } from "../types.ts";
import { resolveRetryOptions, type RetryInfo, type RetryOptions } from "./retry-options.ts";
import type { OutcomeGuard } from "./outcome-guard.ts";
import { decideRetry } from "./retry-policy.ts";

/** Time and chance as the retry stage sees them; injected by unit tests. */
export interface RetryClock {
  now(): number;
  /** Waits `ms`, rejecting with `signal.reason` at once when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** The retry stage's view of the client's clock. */
export function retryClock(clock: Clock, random: () => number = Math.random): RetryClock {
  return { now: () => clock.now(), sleep: (ms, signal) => sleep(clock, ms, signal), random };
}

/**
 * The retry stage: runs `attempt` until it succeeds or the policy gives up. p-retry owns
 * the loop and the attempt count; the delays are ours, because p-retry's depend only on
 * the attempt number and cannot wait for a `Retry-After` or a deadline. So p-retry runs
 * with `minTimeout: 0`, and `shouldRetry` (called only when a retry is left) classifies
 * the error, computes the delay and sleeps on an abortable timer.
 *
 * A caller's abort rejects with `signal.reason` unchanged. The last attempt's own error is
 * thrown, with `attempts` and `previousErrors` set. What the action declares decides the
 * rest, through its `guard` (outcome-guard.ts): an attempt with an unknown outcome is never
 * resent for an action that is not `resendable` (the call rejects with
 * LosantOutcomeUnknownError), and a 404 after such an attempt resolves the action's
 * `notFoundAfterUnknown.applied` result (a delete's `{ success: true, alreadyDeleted: true }`).
 * An action without a guard is resendable and its 404 is a 404 (`ActionSpec` says so).
 *
 * `clock` is the client's (no default: a second clock would be one more to keep in step).
 *
 * @example
 * await runAttempts(ctx, () => attemptChain(ctx, transport), retryClock(systemClock));
 */
export async function runAttempts(
  ctx: RequestContext,
  attempt: () => Promise<void>,
  clock: RetryClock,
  guard?: OutcomeGuard,
): Promise<void> {
  ctx.attempt = 1;
  // The first attempt runs outside p-retry, which costs several µs per call on Node even
  // when nothing fails; a call that succeeds at once allocates nothing for retrying.
  try {
    return await attempt();
  } catch (error) {
    // With no earlier failure, a guard can only refuse the resend.
    const refused = guard?.(ctx, error, NO_FAILURES);
    if (refused instanceof Error) throw refused;
    if (ctx.retry === false) throw error;
    return retryAfter(error, ctx, ctx.retry, attempt, clock, guard);
  }
}

const NO_FAILURES: readonly unknown[] = [];

/**
 * Everything after a failed first attempt. p-retry is handed that failure as its own
 * attempt 1, so it still counts every attempt and owns every decision.
 */
async function retryAfter(
  first: unknown,
  ctx: RequestContext,
  retry: RetryOptions,
  attempt: () => Promise<void>,
  clock: RetryClock,
  guard: OutcomeGuard | undefined,
): Promise<void> {
  const options = resolveRetryOptions(retry);
  const failures: unknown[] = [first];

  // Set once an attempt succeeded: p-retry checks the signal once more after a success and
  // throws its reason, which must not turn work the server did into a cancelled call.
  let succeeded = false;
  const input = async (attemptNumber: number): Promise<void> => {
    if (attemptNumber === 1) throw first;
    ctx.attempt = attemptNumber;
    try {
      await attempt();
      succeeded = true;
    } catch (error) {
      const verdict = guard?.(ctx, error, failures);
      // p-retry rethrows an AbortError's original error at once, without asking shouldRetry.
      if (verdict instanceof Error) throw new AbortError(verdict);
      if (verdict !== undefined) {
        ctx.result = verdict.applied;
        succeeded = true;
        return;
      }
      failures.push(error);
      throw error;
    }
  };

  const shouldRetry = async ({ error, attemptNumber }: { error: Error; attemptNumber: number }) => {
    if (ctx.signal?.aborted) return false;
    const now = clock.now();
    const decision = decideRetry(error, options, {
      retry: attemptNumber,
      now,
      random: clock.random,
      deadline: ctx.deadline,
    });
    if (decision.kind === "stop") return false;
    if (decision.kind === "retry-after-too-long") {
      const source = error as LosantApiError;
      throw new LosantRetryAfterError(source, new Date(decision.retryAt), options.maxRetryAfter);
    }
    const info: RetryInfo = {
      attempt: attemptNumber + 1,
      delayMs: decision.delayMs,
      reason: error,
    };
    options.onRetry?.(info);
    ctx.onRetry?.(info);
    await clock.sleep(decision.delayMs, ctx.signal);
    return true;
  };

  try {
    await pRetry(input, {
      retries: options.retries,
      // p-retry's own delay is then 0 whatever its factor, maxTimeout and randomize.
      minTimeout: 0,
      signal: ctx.signal,
      shouldRetry,
    });
  } catch (error) {
    if (succeeded) return;
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    throw finalError(error, failures, ctx.attempt);
  }
}

/**
 * The error the call rejects with: the last attempt's own error (p-retry wraps a thrown
 * non-Error in a TypeError; the original is what the caller should see), or our own
 * verdict (LosantRetryAfterError), or whatever an `onRetry` hook threw.
 */
function finalError(thrown: unknown, failures: readonly unknown[], attempts: number): unknown {
  const last = failures.at(-1);
  const error = thrown instanceof LosantRetryAfterError ||
      (last !== undefined && thrown !== last && last instanceof Error)
    ? thrown
    : last ?? thrown;
  if (error instanceof LosantError) {
    error.attempts = attempts;
    const previous = error === last ? failures.slice(0, -1) : failures;
    if (previous.length > 0) error.previousErrors = previous;
  }
  return error;
}
