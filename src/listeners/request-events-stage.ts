import { requestIdOf } from "../call-id.ts";
import { LosantApiError, LosantResponseError } from "../errors.ts";
import type { Middleware, RequestContext } from "../types.ts";
import type { Clock } from "../clock.ts";
import { emit, type Registry } from "./registry.ts";
import type { RequestEvent } from "./request-event.ts";

function statusOf(error: unknown): number | undefined {
  if (error instanceof LosantApiError) return error.statusCode;
  if (error instanceof LosantResponseError) return error.statusCode;
  return undefined;
}

/**
 * What the pipeline's request-events tap runs while someone listens: `request`, then
 * `response` or `error` with the attempt's duration, and `retry` (with the delay) when the
 * retry stage decides to try again. Reached only through `onRequestEvent`. Each event's
 * `at` is the client's clock (`createClient({ clock })`), as every other time of the client.
 *
 * @example
 * const registry = registryOf(core, REQUEST_EVENTS, (r) => requestEventsTap(core.clock, r));
 */
export function requestEventsTap(clock: Clock, registry: Registry<RequestEvent>): Middleware {
  const send = (ctx: RequestContext, type: RequestEvent["type"], more: object = {}): void => {
    const event: RequestEvent = {
      type,
      action: ctx.action,
      method: ctx.method,
      path: ctx.path,
      instanceId: ctx.instanceId,
      apiTokenId: ctx.apiTokenId,
      attempt: ctx.attempt,
      callId: ctx.callId,
      requestId: requestIdOf(ctx.callId, ctx.attempt),
      ...more,
      at: new Date(clock.now()).toISOString(),
    };
    emit(registry, Object.freeze(event));
  };
  return async (ctx, next) => {
    if (!hooked.has(ctx)) {
      // The retry stage tells ctx.onRetry before it waits: the one moment that knows both
      // the failure and the delay. Chained, so a hook already there still runs.
      hooked.add(ctx);
      const chained = ctx.onRetry;
      ctx.onRetry = (info) => {
        chained?.(info);
        if (registry.entries.size === 0) return;
        send(ctx, "retry", {
          attempt: info.attempt,
          requestId: requestIdOf(ctx.callId, info.attempt),
          status: statusOf(info.reason),
          error: info.reason,
          delayMs: info.delayMs,
        });
      };
    }
    send(ctx, "request");
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      send(ctx, "error", {
        status: statusOf(error),
        error,
        durationMs: performance.now() - started,
      });
      throw error;
    }
    send(ctx, "response", {
      status: ctx.response?.status,
      durationMs: performance.now() - started,
    });
  };
}

// Calls whose ctx.onRetry already reports to this stage (one hook per call, not per attempt).
const hooked = new WeakSet<RequestContext>();
