import type { Middleware } from "../types.ts";

const PER_CALL = Symbol.for("losant-tokens.perCall");

/**
 * Marks middleware to run once per call, outside the retry stage, instead of once per
 * attempt (the default).
 *
 * @example
 * const client2 = use(client, perCall(async (ctx, next) => { await next(); audit(ctx); }));
 */
export function perCall(middleware: Middleware): Middleware {
  const marked: Middleware = (ctx, next) => middleware(ctx, next);
  Object.defineProperty(marked, PER_CALL, { value: true });
  return marked;
}

/** Whether `perCall` marked this middleware. */
export function isPerCall(middleware: Middleware): boolean {
  return (middleware as unknown as Record<symbol, unknown>)[PER_CALL] === true;
}
