import { requestIdOf } from "../call-id.ts";
import type { ErrorContext } from "../errors.ts";
import type { RequestContext } from "../types.ts";

/**
 * Where a call was going, for an error about its current attempt: the one way every stage
 * and the transport fill an error's action, method, path, request id and attempts.
 *
 * @example
 * throw new LosantNetworkError("reset", errorContextOf(ctx, { cause }));
 */
export function errorContextOf<E extends object = Record<never, never>>(
  ctx: RequestContext,
  more?: E & { cause?: unknown },
): ErrorContext & E {
  return {
    action: ctx.action,
    method: ctx.method,
    path: ctx.path,
    requestId: requestIdOf(ctx.callId, ctx.attempt),
    attempts: ctx.attempt,
    ...more,
  } as ErrorContext & E;
}
