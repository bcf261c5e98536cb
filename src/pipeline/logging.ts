import { requestIdOf } from "../call-id.ts";
import { enabled, type Logger } from "../logging/logger.ts";
import { outcomeOf, requestMessage, requestRecord } from "../logging/log-record.ts";
import type { Middleware } from "../types.ts";
import type { RetryInfo } from "./retry-options.ts";

/**
 * The logging stages. Both are left out of the pipeline when the client has no logger (see
 * `activeLogger`), so the silent default costs nothing; with a logger, a disabled level
 * costs one `isLevelEnabled` call and no record.
 */

/**
 * Per attempt, just outside the headers stage: one `debug` line per attempt with its
 * status (or error) and duration, whether it succeeded or not.
 *
 * @example
 * const perAttempt = [...user, attemptLoggingStage(logger), headersStage(client), timeoutStage];
 */
export function attemptLoggingStage(logger: Logger): Middleware {
  return async (ctx, next) => {
    if (!enabled(logger, "debug")) return next();
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      const record = requestRecord(ctx, { durationMs: elapsed(started), error });
      logger.debug(record, requestMessage(record));
      throw error;
    }
    const record = requestRecord(ctx, {
      status: ctx.response?.status,
      durationMs: elapsed(started),
    });
    logger.debug(record, requestMessage(record));
  };
}

/**
 * Per call, outermost: each retry at `warn` (through the retry stage's `ctx.onRetry`, so the
 * line carries the failed attempt's error and the exact delay) and the call's final
 * failure at `error`. A call the caller aborted is not a failure: it is logged at `debug`.
 *
 * @example
 * const perCall = [callLoggingStage(logger), responseStage(schema), ...userPerCall];
 */
export function callLoggingStage(logger: Logger): Middleware {
  return async (ctx, next) => {
    const head = `${ctx.action} ${ctx.method} ${ctx.path}`;
    if (enabled(logger, "warn")) {
      const previous = ctx.onRetry;
      ctx.onRetry = (info: RetryInfo) => {
        previous?.(info);
        const failed = info.attempt - 1;
        const record = {
          ...requestRecord(ctx, { error: info.reason }),
          attempt: failed,
          requestId: requestIdOf(ctx.callId, failed),
          nextAttempt: info.attempt,
          delayMs: info.delayMs,
        };
        logger.warn(
          record,
          `${head} attempt ${failed} failed (${outcomeOf(record)}); retrying in ${info.delayMs} ms`,
        );
      };
    }
    try {
      await next();
    } catch (error) {
      const aborted = ctx.signal?.aborted === true && error === ctx.signal.reason;
      const level = aborted ? "debug" : "error";
      if (enabled(logger, level)) {
        const record = requestRecord(ctx, { error });
        logger[level](
          record,
          `${head} ${aborted ? "aborted" : "failed"} after ${ctx.attempt} attempt(s): ${
            outcomeOf(record)
          }`,
        );
      }
      throw error;
    }
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
