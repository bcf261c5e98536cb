import type { Clock } from "../clock.ts";
import { LosantTimeoutError } from "../errors.ts";
import type { Middleware } from "../types.ts";
import { errorContextOf } from "./error-context.ts";
import { abortWatched, watchedController } from "../fetch/abort-watch.ts";

/**
 * Gives each attempt its own AbortSignal that fires on the per-attempt timeout, the
 * call's deadline, or the caller's abort. It covers the whole attempt, body included
 * (ky's own timeout stops at the headers). A plain controller and listener instead of
 * AbortSignal.any: cheaper per call, and nothing stays attached to a long-lived caller
 * signal after the attempt. The timer is the client's clock's, so a timeout of 2^31 ms
 * or more is honoured (chained), not fired at once.
 *
 * @example
 * const perAttempt = [headersStage(client), timeoutStage(systemClock)];
 */
export function timeoutStage(clock: Clock): Middleware {
  return async (ctx, next) => {
    const remaining = ctx.deadline === undefined ? Infinity : ctx.deadline - clock.now();
    const limit = Math.min(ctx.timeout > 0 ? ctx.timeout : Infinity, remaining);
    const callerSignal = ctx.signal;
    if (limit === Infinity && callerSignal === undefined) return next();

    const controller = watchedController();
    const onAbort = () => abortWatched(controller, callerSignal!.reason);
    if (callerSignal?.aborted) throw callerSignal.reason;
    callerSignal?.addEventListener("abort", onAbort, { once: true });

    let cancel: (() => void) | undefined;
    if (limit !== Infinity) {
      // The error is built only if the timer fires: nearly every attempt ends first.
      const expire = () => {
        const byDeadline = limit < ctx.timeout || ctx.timeout <= 0;
        const message = byDeadline
          ? `${ctx.action} passed its deadline`
          : `${ctx.action} attempt ${ctx.attempt} timed out after ${limit} ms`;
        const error = new LosantTimeoutError(message, Math.max(limit, 0), errorContextOf(ctx));
        abortWatched(controller, error);
      };
      cancel = clock.setTimer(expire, Math.max(limit, 0));
    }
    ctx.attemptSignal = controller.signal;
    try {
      await next();
    } finally {
      cancel?.();
      callerSignal?.removeEventListener("abort", onAbort);
    }
  };
}
