import type { Middleware } from "../types.ts";

/** Where `onTokenEvent` keeps its listeners in the client's shared state. */
export const TOKEN_EVENTS = "losant-tokens.tokenEvents";
/** Where `onRequestEvent` keeps its listeners in the client's shared state. */
export const REQUEST_EVENTS = "losant-tokens.requestEvents";

/**
 * What a listener registry leaves in the client's shared state: its listeners, and the
 * stage that feeds them. The code that builds events comes with `onTokenEvent` /
 * `onRequestEvent`, not with the pipeline, so an app that never listens bundles none of it.
 */
export interface EventTap {
  readonly entries: { readonly size: number };
  readonly stage: Middleware;
}

/**
 * A pipeline stage that runs the registry's stage while it has listeners, and is one
 * property read and a size check otherwise. The registry is looked up per call because a
 * listener may be added after the pipeline was built (pipelines are cached per client).
 *
 * @example
 * const perCall = [eventTapStage(core, TOKEN_EVENTS), responseStage(schema)];
 */
export function eventTapStage(core: { readonly shared: object }, key: string): Middleware {
  const shared = core.shared as Readonly<Record<string, unknown>>;
  return (ctx, next) => {
    const tap = shared[key] as EventTap | undefined;
    return tap === undefined || tap.entries.size === 0 ? next() : tap.stage(ctx, next);
  };
}
