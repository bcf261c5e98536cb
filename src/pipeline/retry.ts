import pRetry from "p-retry";
import {
  LosantApiError,
  LosantError,
  LosantOutcomeUnknownError,
  LosantRetryAfterError,
} from "../errors.ts";
import { type Clock, sleep } from "../clock.ts";
import type { RequestContext } from "../types.ts";
import { resolveRetryOptions, type RetryInfo, type RetryOptions } from "./retry-options.ts";
import { errorContextOf } from "./error-context.ts";
import { decideRetry, isOutcomeUnknown } from "./retry-policy.ts";

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
 * rest: an attempt with an unknown outcome is never resent for an action that is not
 * `resendable` (the call rejects with LosantOutcomeUnknownError), and a 404 after such an
 * attempt resolves the action's `notFoundAfterUnknown.applied` result (a delete's
 * `{ success: true, alreadyDeleted: true }`).
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
): Promise<void> {
  ctx.attempt = 1;
  // The first attempt runs outside p-retry, which costs several µs per call on Node even
  // when nothing fails; a call that succeeds at once allocates nothing for retrying.
  try {
    return await attempt();
  } catch (error) {
    const unknown = unresendable(ctx, error);
    if (unknown !== undefined) throw unknown;
    if (ctx.retry === false) throw error;
    return retryAfter(error, ctx, ctx.retry, attempt, clock);
  }
}

/**
 * The error for an attempt that must not be resent because its outcome is unknown, or
 * undefined when the call may go on (the action is resendable, or the failure says nothing
 * was applied, or the caller aborted: that rejects with `signal.reason` as always).
 */
function unresendable(ctx: RequestContext, error: unknown): LosantOutcomeUnknownError | undefined {
  if (ctx.semantics.resendable || !isOutcomeUnknown(error)) return undefined;
  if (ctx.signal?.aborted && error === ctx.signal.reason) return undefined;
  return new LosantOutcomeUnknownError(
    `${ctx.method} ${ctx.path}: the outcome is unknown, so it was not resent: ${
      (error as Error)?.message ?? error
    }`,
    errorContextOf(ctx, { cause: error }),
  );
}

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
): Promise<void> {
  const options = resolveRetryOptions(retry);
  const failures: unknown[] = [first];
  let outcomeUnknown = isOutcomeUnknown(first);
  const onNotFound = ctx.semantics.notFoundAfterUnknown;

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
      if (outcomeUnknown && onNotFound !== "not-found" && isNotFound(error)) {
        // An earlier attempt reached the server and did the work; only the answer was lost.
        ctx.result = onNotFound.applied;
        succeeded = true;
        return;
      }
      const unknown = unresendable(ctx, error);
      if (unknown !== undefined) throw unknown;
      failures.push(error);
      if (isOutcomeUnknown(error)) outcomeUnknown = true;
      throw error;
    }
  };

  const shouldRetry = async ({ error, attemptNumber }: { error: Error; attemptNumber: number }) => {
    if (ctx.signal?.aborted || error instanceof LosantOutcomeUnknownError) return false;
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
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      signal: ctx.signal,
      shouldRetry,
    });
  } catch (error) {
    if (succeeded) return;
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    throw finalError(error, failures, ctx.attempt);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof LosantApiError && error.statusCode === 404;
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
