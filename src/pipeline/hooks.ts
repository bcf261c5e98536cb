import type { Middleware, RequestContext } from "../types.ts";

/**
 * Octokit-style hooks built on middleware, for users who want one step, not a whole stage.
 * Each runs once per attempt unless wrapped in `perCall`.
 */

/**
 * Runs before the request is sent; may change `ctx` or set `ctx.result` to skip sending
 * (the action's result schema checks that value as it would a response body).
 *
 * @example
 * const traced = use(client, before((ctx) => { ctx.headers["x-trace"] = traceId(); }));
 */
export function before(hook: (ctx: RequestContext) => void | Promise<void>): Middleware {
  return async (ctx, next) => {
    await hook(ctx);
    if (ctx.result === undefined) await next();
  };
}

/**
 * Runs after a successful response; `ctx.response` is set.
 *
 * @example
 * const timed = use(client, after((ctx) => metrics.count(ctx.action, ctx.response?.status)));
 */
export function after(hook: (ctx: RequestContext) => void | Promise<void>): Middleware {
  return async (ctx, next) => {
    await next();
    await hook(ctx);
  };
}

/**
 * Runs when the rest of the pipeline throws. The hook never hides a failure: it recovers
 * only by returning a value, which becomes the call's result (and is checked by the
 * action's result schema, like a response body). Returning nothing (a hook that only logs)
 * lets the original error propagate, unchanged; throwing fails with what it threw.
 *
 * @example
 * const logged = use(client, onError((error, ctx) => log.warn({ error }, ctx.action)));
 * const cached = use(client, onError((error, ctx) => {
 *   if (error instanceof LosantNetworkError) return cache.get(ctx.apiTokenId); // undefined: fail
 * }));
 */
export function onError(
  hook: (error: unknown, ctx: RequestContext) => unknown,
): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const recovered = await hook(error, ctx);
      if (recovered === undefined) throw error;
      ctx.result = recovered;
    }
  };
}
