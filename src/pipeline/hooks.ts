import type { Middleware, RequestContext } from "./context.ts";

/**
 * Octokit-style hooks built on middleware, for users who want one step, not a whole stage.
 * Each runs once per attempt unless wrapped in `perCall`.
 */

/**
 * Runs before the request is sent; may change `ctx` or set `ctx.result` to skip sending.
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
 * Runs when the rest of the pipeline throws. Rethrow (or throw another error) to fail;
 * return normally after setting `ctx.result` to recover.
 *
 * @example
 * const lenient = use(client, onError((error, ctx) => {
 *   if (error instanceof LosantApiError && error.statusCode === 404) ctx.result = null;
 *   else throw error;
 * }));
 */
export function onError(
  hook: (error: unknown, ctx: RequestContext) => void | Promise<void>,
): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      await hook(error, ctx);
    }
  };
}
