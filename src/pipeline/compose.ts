import type { Middleware, RequestContext, Terminal } from "../types.ts";

export type { Terminal };

/**
 * Composes middleware into one function, koa/hono style: each stage runs around the
 * rest. Composed once per client, so a call allocates only its dispatch closure.
 *
 * @example
 * const run = compose([logTiming, addHeader]);
 * await run(ctx, transport);
 */
export function compose(
  middleware: readonly Middleware[],
): (ctx: RequestContext, terminal: Terminal) => Promise<void> {
  return (ctx, terminal) => {
    let index = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= index) return Promise.reject(new Error("next() called multiple times"));
      index = i;
      if (i === middleware.length) return terminal(ctx);
      try {
        return Promise.resolve(middleware[i](ctx, () => dispatch(i + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}
